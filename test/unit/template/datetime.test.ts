import test from 'ava';
import { pyDateTime, strftime } from '../../../src/template/datetime.js';
import { templar } from './helpers.js';

// 2026-03-05 07:08:09.123 UTC, a Thursday
const WHEN = new Date(Date.UTC(2026, 2, 5, 7, 8, 9, 123));

const cases: Array<[format: string, expected: string]> = [
  ['%Y-%m-%d %H:%M:%S', '2026-03-05 07:08:09'],
  ['%y %j %a %A %b %B', '26 064 Thu Thursday Mar March'],
  ['%I%p %e|%F %T', '07AM  5|2026-03-05 07:08:09'],
  ['%s.%f', '1772694489.123000'],
  ['%z %Z %%', '+0000 UTC %'],
];

test('strftime writes the directives as Python does (UTC)', (t) => {
  for (const [format, expected] of cases) t.is(strftime(format, WHEN, true), expected, format);
  t.is(pyDateTime(WHEN, true), '2026-03-05 07:08:09.123000');
  t.throws(() => strftime('%Q', WHEN, true), { message: /%Q is not supported/ });
});

test("now() and '...' | strftime(second, utc) in templates", (t) => {
  t.regex(String(templar.render('{{ now() }}', {})), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
  t.regex(String(templar.render("{{ now(fmt='%s.%f') }}", {})), /^\d{10}\.\d{6}$/);
  t.regex(String(templar.render('{{ now(true, "%Y") }}', {})), /^20\d\d$/);
  t.is(templar.render("{{ '%Y-%m-%d %H:%M:%S' | strftime(1772694489, utc=true) }}", {}), '2026-03-05 07:08:09');
  t.is(templar.render("{{ '%Y' | strftime(second=0, utc=True) }}", {}), '1970');
});

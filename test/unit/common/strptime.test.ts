import test from 'ava';
import { localTimestamp, strptime } from '../../../src/common/strptime.js';

test('strptime: the file module default format', (t) => {
  t.deepEqual(strptime('202202081414.05', '%Y%m%d%H%M.%S'), { year: 2022, month: 2, day: 8, hour: 14, minute: 14, second: 5, microsecond: 0 });
});

test('strptime: names, 12-hour clock, literal percent, spaces', (t) => {
  t.deepEqual(strptime('08 Feb 2022  02:14:00 PM %', '%d %b %Y %I:%M:%S %p %%'), { year: 2022, month: 2, day: 8, hour: 14, minute: 14, second: 0, microsecond: 0 });
  t.is(strptime('22-03-01', '%y-%m-%d').year, 2022);
  t.is(strptime('70-03-01', '%y-%m-%d').year, 1970);
});

test("strptime: Python's errors", (t) => {
  t.throws(() => strptime('2022-02-08', '%Y%m%d%H%M.%S'), { message: "time data '2022-02-08' does not match format '%Y%m%d%H%M.%S'" });
  t.throws(() => strptime('2022x', '%Y'), { message: 'unconverted data remains: x' });
  t.throws(() => strptime('1', '%Q'), { message: /bad directive/ });
});

test('localTimestamp: the fields as local time, as time.mktime reads them', (t) => {
  t.is(localTimestamp('202202081414.00', '%Y%m%d%H%M.%S'), new Date(2022, 1, 8, 14, 14, 0).getTime() / 1000);
});

import test, { type ExecutionContext } from 'ava';
import type { FakeConnection } from '../../../src/connection/fake.js';
import { currentZone, parseTimezone } from '../../../src/facts/timezone.js';
import { parseSelection } from '../../../src/facts/packages.js';
import type { Plan } from '../../../src/modules/types.js';
import { timezoneModule } from '../../../src/modules/timezone.js';
import { dpkgSelectionsModule } from '../../../src/modules/dpkg-selections.js';
import { moduleTable } from '../../helpers/module-table.js';

// the timezone probe's answers: Debian 12 as installed (a relative link and /etc/timezone), a host without /etc/timezone
const DEBIAN_UTC = 'link:/usr/share/zoneinfo/Etc/UTC\ntimezone:Etc/UTC\nknown\n';
const DEBIAN_BERLIN = 'link:../usr/share/zoneinfo/Europe/Berlin\ntimezone:Europe/Berlin\nknown\n';
const RHEL_UTC = 'link:../usr/share/zoneinfo/UTC\nknown\n';

test('timezone facts: the zone from the link, else from /etc/timezone', (t) => {
  t.is(currentZone(parseTimezone(DEBIAN_BERLIN)), 'Europe/Berlin');
  t.is(currentZone(parseTimezone('file\ntimezone:Asia/Tokyo\n')), 'Asia/Tokyo');
  t.is(currentZone(parseTimezone('absent\n')), undefined);
  t.false(parseTimezone('link:/usr/share/zoneinfo/UTC\n').known);
});

test('dpkg selections: the second field, or not present', (t) => {
  t.is(parseSelection('docker-ce\t\t\t\t\thold\n'), 'hold');
  t.is(parseSelection(''), 'not present');
});

/** Planning only read: no link, no write, no dpkg --set-selections ran. */
const onlyRead = (t: ExecutionContext, _plan: Plan, host: FakeConnection) =>
  t.false(host.commands().some((c) => /ln -s|set-selections/.test(c)), 'planning only reads');

moduleTable([
  {
    name: 'timezone: already the zone, nothing to do',
    module: timezoneModule,
    args: { name: 'Etc/UTC' },
    facts: { 'readlink /etc/localtime': DEBIAN_UTC },
    expect: { changed: false, result: { name: 'Etc/UTC' } },
  },
  {
    name: 'timezone: Debian links /etc/localtime and writes /etc/timezone, both backed up; undo restores them',
    module: timezoneModule,
    args: { name: 'Europe/Berlin' },
    facts: { 'readlink /etc/localtime': DEBIAN_UTC },
    expect: {
      changed: true,
      diff: ['timezone: Etc/UTC -> Europe/Berlin'],
      descriptions: ['back up /etc/localtime, /etc/timezone', 'link /etc/localtime to Europe/Berlin', 'write /etc/timezone'],
      undoDescriptions: ['restore /etc/localtime, /etc/timezone from the run\'s backups'],
      also: (t, plan, host) => {
        onlyRead(t, plan, host);
        t.true(plan.steps?.some((s) => s.kind === 'exec' && s.command === 'ln -sfn /usr/share/zoneinfo/Europe/Berlin /etc/localtime'));
        t.deepEqual(plan.writes, ['/etc/localtime', '/etc/timezone']);
      },
    },
    after: { 'readlink /etc/localtime': DEBIAN_BERLIN },
  },
  {
    name: 'timezone: a host without /etc/timezone gets the link only',
    module: timezoneModule,
    args: { name: 'Asia/Tokyo' },
    facts: { 'readlink /etc/localtime': RHEL_UTC },
    expect: { changed: true, diff: ['timezone: UTC -> Asia/Tokyo'], descriptions: ['back up /etc/localtime', 'link /etc/localtime to Asia/Tokyo'], undoDescriptions: ['restore /etc/localtime from the run\'s backups'] },
    after: { 'readlink /etc/localtime': 'link:/usr/share/zoneinfo/Asia/Tokyo\nknown\n' },
  },
  {
    name: 'timezone: /etc/timezone naming another zone than the link is put right',
    module: timezoneModule,
    args: { name: 'Europe/Berlin' },
    facts: { 'readlink /etc/localtime': 'link:../usr/share/zoneinfo/Europe/Berlin\ntimezone:Etc/UTC\nknown\n' },
    expect: { changed: true, descriptions: ['back up /etc/localtime, /etc/timezone', 'link /etc/localtime to Europe/Berlin', 'write /etc/timezone'] },
    after: { 'readlink /etc/localtime': DEBIAN_BERLIN },
  },
  {
    name: 'timezone: a zone the zone database lacks is an error',
    module: timezoneModule,
    args: { name: 'Mars/Olympus' },
    facts: { 'readlink /etc/localtime': 'link:/usr/share/zoneinfo/Etc/UTC\ntimezone:Etc/UTC\n' },
    expect: { error: 'given timezone "Mars/Olympus" is not available' },
  },
  {
    name: 'timezone: a path out of the zone database is refused before any read',
    module: timezoneModule,
    args: { name: '../../etc/shadow' },
    expect: { error: /is not a time zone name/, reads: 0 },
  },
  {
    name: 'dpkg_selections: install to hold; undo sets install again',
    module: dpkgSelectionsModule,
    args: { name: 'docker-ce', selection: 'hold' },
    facts: { 'dpkg --get-selections': 'docker-ce\t\t\t\t\tinstall\n' },
    expect: {
      changed: true,
      diff: ['dpkg selection of docker-ce: install -> hold'],
      steps: ['dpkg --set-selections'],
      undo: ['dpkg --set-selections'],
      result: { before: 'install', after: 'hold' },
      also: (t, plan, host) => {
        onlyRead(t, plan, host);
        t.deepEqual([...(plan.steps ?? []), ...(plan.undo ?? [])].map((s) => (s.kind === 'exec' ? s.stdin : '')), ['docker-ce hold\n', 'docker-ce install\n']);
      },
    },
    after: { 'dpkg --get-selections': 'docker-ce\t\t\t\t\thold\n' },
  },
  {
    name: 'dpkg_selections: already held, nothing to do',
    module: dpkgSelectionsModule,
    args: { name: 'containerd.io', selection: 'hold' },
    facts: { 'dpkg --get-selections': 'containerd.io\t\t\t\t\thold\n' },
    expect: { changed: false, result: { before: 'hold', after: 'hold' } },
  },
  {
    name: 'dpkg_selections: a package dpkg has no entry for is "not present"; undo sets deinstall',
    module: dpkgSelectionsModule,
    args: { name: 'docker-ce-cli', selection: 'install' },
    facts: { 'dpkg --get-selections': { stdout: '', stderr: 'dpkg: no packages found matching docker-ce-cli\n' } },
    expect: {
      changed: true,
      result: { before: 'not present', after: 'install' },
      also: (t, plan) => t.deepEqual(plan.undo?.map((s) => (s.kind === 'exec' ? s.stdin : '')), ['docker-ce-cli deinstall\n']),
    },
    after: { 'dpkg --get-selections': 'docker-ce-cli\t\t\t\t\tinstall\n' },
  },
  {
    name: 'dpkg_selections: a name that is no package name is refused',
    module: dpkgSelectionsModule,
    args: { name: 'x y', selection: 'hold' },
    expect: { error: /is not a package name/, reads: 0 },
  },
]);

import test from 'ava';
import { addTouched, compareTouched, emptyTouched, parseFingerprint, touchedBetween } from '../../../src/scaffold/fingerprint.js';

// captured from a lab machine (Debian 12), cut down
const fresh = `d 755 0:0 /etc
f 644 0:0 /etc/motd
f 644 0:0 /etc/passwd
f 644 0:0 /etc/passwd-
l 777 0:0 /etc/localtime -> /usr/share/zoneinfo/Etc/UTC
f 640 0:4 /var/log/wtmp
--- sha256
${'a'.repeat(64)}  /etc/motd
${'b'.repeat(64)}  /etc/passwd
${'c'.repeat(64)}  /etc/passwd-
${'d'.repeat(64)}  /var/log/wtmp
--- units
ssh.service                                loaded    active   running   OpenBSD Secure Shell server
kmod-static-nodes.service                  loaded    inactive dead      Create List of Static Device Nodes
--- unit-files
ssh.service                                enabled         enabled
--- passwd
root:x:0:0:root:/root:/bin/bash
--- group
root:x:0:
`;

const converged = `d 755 0:0 /etc
d 755 0:0 /etc/demo
f 600 0:0 /etc/demo/demo.conf
f 644 0:0 /etc/motd
f 644 0:0 /etc/passwd
f 644 0:0 /etc/passwd-
f 644 0:0 /etc/systemd/system/demo.service
l 777 0:0 /etc/localtime -> /usr/share/zoneinfo/Etc/UTC
f 640 0:4 /var/log/wtmp
d 755 0:0 /var/lib/ezplay
d 700 0:0 /var/lib/ezplay/backup/20260118-093000000-ab12/3e8ab7e8da3667de
f 644 0:0 /var/lib/ezplay/backup/20260118-093000000-ab12/3e8ab7e8da3667de/data
--- sha256
${'3'.repeat(64)}  /var/lib/ezplay/backup/20260118-093000000-ab12/3e8ab7e8da3667de/data
${'e'.repeat(64)}  /etc/demo/demo.conf
${'a'.repeat(64)}  /etc/motd
${'f'.repeat(64)}  /etc/passwd
${'b'.repeat(64)}  /etc/passwd-
${'1'.repeat(64)}  /etc/systemd/system/demo.service
${'2'.repeat(64)}  /var/log/wtmp
--- units
ssh.service                                loaded    active   running   OpenBSD Secure Shell server
demo.service                               loaded    active   running   demo
--- unit-files
ssh.service                                enabled         enabled
demo.service                               enabled         enabled
--- passwd
root:x:0:0:root:/root:/bin/bash
demo:x:999:999::/nonexistent:/usr/sbin/nologin
--- group
root:x:0:
demo:x:999:
`;

test('the parser reads files, links, units and accounts', (t) => {
  const f = parseFingerprint(fresh);
  t.is(f.paths.get('/etc/motd'), `f 644 0:0 ${'a'.repeat(64)}`);
  t.is(f.paths.get('/etc'), 'd 755 0:0');
  t.is(f.paths.get('/etc/localtime'), 'l 0:0 -> /usr/share/zoneinfo/Etc/UTC');
  t.is(f.units.get('ssh.service'), 'active/running, enabled');
  t.is(f.units.get('kmod-static-nodes.service'), 'inactive/dead, no unit file');
  t.is(f.accounts.get('user root'), 'root:x:0:0:root:/root:/bin/bash');
  t.is(f.accounts.get('group root'), 'root:x:0:');
});

test('what a run touched: everything that changed but logs, shadow-utils backups and the run\'s own backups', (t) => {
  const touched = touchedBetween(parseFingerprint(fresh), parseFingerprint(converged));
  t.deepEqual([...touched.paths].sort(), ['/etc/demo', '/etc/demo/demo.conf', '/etc/passwd', '/etc/systemd/system/demo.service']);
  t.deepEqual([...touched.units], ['demo.service']);
  t.deepEqual([...touched.accounts].sort(), ['group demo', 'user demo']);
});

test('diff subjects name paths, units and accounts', (t) => {
  const touched = emptyTouched();
  for (const s of ['/etc/demo/demo.conf', '/etc/demo mode', '/opt/tree/*', 'demo.service', 'systemd', 'user demo shell', 'group demo', '/etc/systemd/system/x.timer']) addTouched(touched, s);
  t.deepEqual([...touched.paths].sort(), ['/etc/demo', '/etc/demo/demo.conf', '/etc/systemd/system/x.timer', '/opt/tree']);
  t.deepEqual([...touched.units].sort(), ['demo.service', 'x.timer']);
  t.deepEqual([...touched.accounts].sort(), ['group demo', 'user demo']);
});

test('after a clean undo nothing differs; a leftover is named, below a touched folder too', (t) => {
  const before = parseFingerprint(fresh);
  const touched = touchedBetween(before, parseFingerprint(converged));
  t.deepEqual(compareTouched(before, parseFingerprint(fresh), touched), []);
  const leftover = fresh.replace('--- sha256\n', `d 755 0:0 /etc/demo\nf 644 0:0 /etc/demo/extra\n--- sha256\n${'9'.repeat(64)}  /etc/demo/extra\n`);
  const still = fresh.replace('kmod-static-nodes', 'demo.service loaded active running demo\nkmod-static-nodes');
  t.deepEqual(
    compareTouched(before, parseFingerprint(leftover), touched).map((d) => `${d.what}: ${d.before} -> ${d.after}`),
    ['/etc/demo: absent -> d 755 0:0', `/etc/demo/extra: absent -> f 644 0:0 ${'9'.repeat(64)}`],
  );
  t.deepEqual(
    compareTouched(before, parseFingerprint(still), touched).map((d) => `${d.what}: ${d.before} -> ${d.after}`),
    ['demo.service: inactive/dead, no unit file -> active/running, no unit file'],
  );
});

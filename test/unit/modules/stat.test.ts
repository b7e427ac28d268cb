import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { parseLsattr, statModule } from '../../../src/modules/stat.js';
import { absent, answerFacts, planWith, present, sha1 } from './core-modules-harness.js';

test('stat: a regular file in Ansible\'s shape, sha1 by default', async (t) => {
  const conn = answerFacts(new FakeConnection(), present(0, { content: 'x', mode: 0o640, owner: 'etcd', group: 'etcd', uid: 999, gid: 998, algorithm: 'sha1' }).replace('sum:', 'access:rw\nsum:'));
  const plan = await planWith(statModule, conn, { path: '/etc/etcd/etcd.conf' });
  t.false(plan.changed);
  t.true(conn.commands()[0]?.includes('sha1sum'));
  t.like(plan.result?.stat, {
    exists: true,
    path: '/etc/etcd/etcd.conf',
    mode: '0640',
    isreg: true,
    isdir: false,
    islnk: false,
    pw_name: 'etcd',
    gr_name: 'etcd',
    uid: 999,
    gid: 998,
    size: 1,
    checksum: sha1('x'),
    rusr: true,
    wusr: true,
    xusr: false,
    rgrp: true,
    roth: false,
    readable: true,
    writeable: true,
    executable: false,
  });
});

test('stat: a link, a directory, a missing path', async (t) => {
  const link = answerFacts(new FakeConnection(), present(0, { kind: 'symbolic link', mode: 0o777, link: '/opt/etcd' }));
  t.like((await planWith(statModule, link, { path: '/usr/local/bin/etcd' })).result?.stat, { islnk: true, lnk_target: '/opt/etcd' });
  const dir = answerFacts(new FakeConnection(), present(0, { kind: 'directory', mode: 0o700 }));
  t.like((await planWith(statModule, dir, { path: '/var/lib/etcd', get_checksum: false })).result?.stat, { isdir: true, mode: '0700' });
  t.false(dir.commands()[0]?.includes('sum <'));
  const missing = answerFacts(new FakeConnection(), absent(0, '/'));
  t.deepEqual((await planWith(statModule, missing, { path: '/nope' })).result, { stat: { exists: false } });
});

test('stat: follow and checksum_algorithm reach the probe', async (t) => {
  const conn = answerFacts(new FakeConnection(), absent(0, '/'));
  await planWith(statModule, conn, { path: '/x', follow: true, checksum_algorithm: 'sha256' });
  t.regex(conn.commands()[0] ?? '', /readlink -f/);
  t.regex(conn.commands()[0] ?? '', /sha256sum/);
});

const lsattrCases: Array<[string, string, string[]]> = [
  ['--------------e------- /etc/etcd/etcd.conf\n', 'e', ['extents']],
  ['----i---------e------- /etc/resolv.conf\n', 'ie', ['immutable', 'extents']],
  ['---------------------- /x\n', '', []],
];

for (const [out, flags, names] of lsattrCases) {
  test(`stat get_attributes: ${out.trim()}`, async (t) => {
    t.deepEqual(parseLsattr(out), { attr_flags: flags, attributes: names });
    const conn = answerFacts(new FakeConnection(), present(0, { content: 'x' }));
    conn.answer(/^lsattr -d/, { stdout: out });
    const plan = await planWith(statModule, conn, { path: '/etc/etcd/etcd.conf', get_attributes: true });
    t.like(plan.result?.stat, { exists: true, attr_flags: flags, attributes: names });
    t.true(conn.commands().includes('lsattr -d /etc/etcd/etcd.conf'));
  });
}

test('stat: without get_attributes no lsattr probe; a missing path is not asked about', async (t) => {
  const conn = answerFacts(new FakeConnection(), present(0, { content: 'x' }));
  await planWith(statModule, conn, { path: '/a' });
  t.false(conn.commands().some((c) => c.startsWith('lsattr')));
  const gone = answerFacts(new FakeConnection(), absent(0, '/'));
  const plan = await planWith(statModule, gone, { path: '/a', get_attributes: true });
  t.like(plan.result?.stat, { exists: false });
  t.false(gone.commands().some((c) => c.startsWith('lsattr')));
});

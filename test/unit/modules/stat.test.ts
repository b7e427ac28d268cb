import test, { type ExecutionContext } from 'ava';
import type { FakeConnection } from '../../../src/connection/fake.js';
import type { Plan } from '../../../src/modules/types.js';
import { moduleTable } from '../../helpers/module-table.js';
import { parseLsattr, parseMime, statModule } from '../../../src/modules/stat.js';
import { absent, pathsProbe, present, sha1 } from './core-modules-harness.js';

const noLsattr = (t: ExecutionContext, _plan: Plan, host: FakeConnection) => t.false(host.commands().some((c) => c.includes('lsattr')));

moduleTable([
  {
    name: "a regular file in Ansible's shape, sha1 by default",
    module: statModule,
    args: { path: '/etc/etcd/etcd.conf' },
    facts: [pathsProbe(present(0, { content: 'x', mode: 0o640, owner: 'etcd', group: 'etcd', uid: 999, gid: 998, algorithm: 'sha1' }).replace('sum:', 'access:rw\nsum:'))],
    expect: {
      changed: false,
      readCommands: ['sha1sum'],
      result: {
        stat: {
          exists: true, path: '/etc/etcd/etcd.conf', mode: '0640', isreg: true, isdir: false, islnk: false,
          pw_name: 'etcd', gr_name: 'etcd', uid: 999, gid: 998, size: 1, checksum: sha1('x'),
          rusr: true, wusr: true, xusr: false, rgrp: true, roth: false, readable: true, writeable: true, executable: false,
        },
      },
    },
  },
  {
    name: 'a link',
    module: statModule,
    args: { path: '/usr/local/bin/etcd' },
    facts: [pathsProbe(present(0, { kind: 'symbolic link', mode: 0o777, link: '/opt/etcd' }))],
    expect: { changed: false, result: { stat: { islnk: true, lnk_target: '/opt/etcd' } } },
  },
  {
    name: 'a directory, without a checksum',
    module: statModule,
    args: { path: '/var/lib/etcd', get_checksum: false },
    facts: [pathsProbe(present(0, { kind: 'directory', mode: 0o700 }))],
    expect: { changed: false, result: { stat: { isdir: true, mode: '0700' } }, also: (t, _plan, host) => t.false(host.commands()[0]?.includes('sum <')) },
  },
  {
    name: 'a missing path',
    module: statModule,
    args: { path: '/nope' },
    facts: [pathsProbe(absent(0, '/'))],
    expect: { changed: false, also: (t, plan) => t.deepEqual(plan.result, { stat: { exists: false } }) },
  },
  {
    name: 'follow and checksum_algorithm reach the probe',
    module: statModule,
    args: { path: '/x', follow: true, checksum_algorithm: 'sha256' },
    facts: [pathsProbe(absent(0, '/'))],
    expect: { changed: false, reads: 1, also: (t, _plan, host) => {
      t.regex(host.commands()[0] ?? '', /readlink -f/);
      t.regex(host.commands()[0] ?? '', /sha256sum/);
    } },
  },
  {
    name: 'without get_attributes no lsattr in the probe',
    module: statModule,
    args: { path: '/a', get_attributes: false },
    facts: [pathsProbe(present(0, { content: 'x' }))],
    expect: { changed: false, also: noLsattr },
  },
  {
    name: 'a missing path has no attributes or mime type',
    module: statModule,
    args: { path: '/a', get_attributes: true },
    facts: [pathsProbe(absent(0, '/'))],
    expect: { changed: false, reads: 1, also: (t, plan) => t.deepEqual(plan.result, { stat: { exists: false } }) },
  },
  {
    name: "attributes and mime type by default, as Ansible's, in the one probe",
    module: statModule,
    args: { path: '/etc/hosts' },
    facts: [pathsProbe(`${present(0, { content: 'x' })}\nmime:text/plain; charset=us-ascii\nattr:--------------e------- /etc/hosts`)],
    expect: {
      changed: false,
      reads: 1,
      readCommands: [/file -b --mime -- "\$p".*lsattr -d -- "\$p"/],
      result: { stat: { mimetype: 'text/plain', charset: 'us-ascii', attr_flags: 'e', attributes: ['extents'] } },
    },
  },
]);

const lsattrCases: Array<[string, string, string[]]> = [
  ['--------------e------- /etc/etcd/etcd.conf\n', 'e', ['extents']],
  ['----i---------e------- /etc/resolv.conf\n', 'ie', ['immutable', 'extents']],
  ['---------------------- /x\n', '', []],
];

for (const [out, flags, names] of lsattrCases) {
  test(`stat get_attributes parses: ${out.trim()}`, (t) => t.deepEqual(parseLsattr(out), { attr_flags: flags, attributes: names }));
}

moduleTable(
  lsattrCases.map(([out, flags, names]) => ({
    name: `get_attributes: ${out.trim()}`,
    module: statModule,
    args: { path: '/etc/etcd/etcd.conf', get_attributes: true },
    facts: [pathsProbe(`${present(0, { content: 'x' })}\nattr:${out.trim()}`)],
    expect: { changed: false, reads: 1, result: { stat: { exists: true, attr_flags: flags, attributes: names } } },
  })),
);

const mimeCases: Array<[out: string, mimetype: string, charset: string]> = [
  ['text/plain; charset=us-ascii\n', 'text/plain', 'us-ascii'],
  ['application/x-executable; charset=binary\n', 'application/x-executable', 'binary'],
  ['', 'unknown', 'unknown'],
];

moduleTable(
  mimeCases.map(([out, mimetype, charset]) => ({
    name: `get_mime: ${out.trim() || 'no file command'}`,
    module: statModule,
    args: { path: '/etc/etcd/etcd.conf', get_mime: true },
    facts: [pathsProbe(`${present(0, { content: 'x' })}\nmime:${out.trim()}`)],
    expect: { changed: false, reads: 1, result: { stat: { exists: true, mimetype, charset } } },
  })),
);

test('stat get_mime parses what file --mime prints', (t) => {
  for (const [out, mimetype, charset] of mimeCases) t.deepEqual(parseMime(out), { mimetype, charset });
});

import test from 'ava';
import { parseTree, treeCommand } from '../../../src/facts/file-tree.js';
import { fileModule } from '../../../src/modules/file.js';
import { absent, checks, present, removes, restores, type PlanCheck } from './core-modules-harness.js';
import { moduleTable, type ModuleCase } from '../../helpers/module-table.js';


interface Case {
  title: string;
  args: Record<string, unknown>;
  facts: string[];
  tree?: string;
  diff?: string[];
  steps?: string[];
  undo?: string[];
  /** what data cannot say: the file kit's backup checks */
  also?: PlanCheck;
  error?: RegExp;
  /** the probe's sections once the steps ran, and the tree then */
  after?: string[];
  afterTree?: string;
  idempotence?: string;
  /** commands the plan runs, when not the one probe */
  reads?: number;
}

const TOUCH = 'touch sets the times to now each time, as Ansible does';

const dir = (i: number, mode = 0o700, owner = 'etcd') => present(i, { kind: 'directory', mode, owner, group: owner });

const cases: Case[] = [
  {
    title: 'directory: created with its missing parents, which undo removes',
    args: { path: '/var/lib/etcd/data', state: 'directory', mode: '0700', owner: 'etcd', group: 'etcd' },
    facts: [absent(0, '/var/lib')],
    // an owner and group the path lacks: looked up (Ansible warns of a missing one)
    reads: 2,
    diff: ['/var/lib/etcd/data: absent -> directory 0700 etcd:etcd'],
    steps: [
      'mkdir -p -- /var/lib/etcd/data',
      'chmod 0700 -- /var/lib/etcd /var/lib/etcd/data',
      'chown -h etcd:etcd -- /var/lib/etcd /var/lib/etcd/data',
    ],
    undo: ['rm -rf -- /var/lib/etcd'],
    after: [dir(0)],
  },
  { title: 'directory: as wanted, no change', args: { path: '/etc/etcd', state: 'directory', mode: 0o700, owner: 'etcd' }, facts: [dir(0)] },
  {
    title: 'directory: mode and owner set back by undo',
    args: { path: '/etc/etcd', state: 'directory', mode: '0750', owner: 'root' },
    facts: [dir(0)],
    reads: 2,
    diff: ['/etc/etcd: mode 0700 -> mode 0750', '/etc/etcd: owner etcd:etcd -> owner root:etcd'],
    steps: ['chmod 0750 -- /etc/etcd', 'chown -h root -- /etc/etcd'],
    undo: ['chown -h etcd:etcd -- /etc/etcd', 'chmod 0700 -- /etc/etcd'],
    after: [present(0, { kind: 'directory', mode: 0o750, owner: 'root', group: 'etcd' })],
  },
  {
    title: 'directory: owner given as a uid that matches',
    args: { path: '/etc/etcd', state: 'directory', owner: '0' },
    facts: [present(0, { kind: 'directory', owner: 'root', uid: 0 })],
  },
  {
    title: 'directory: a file in the way is an error',
    args: { path: '/etc/etcd', state: 'directory' },
    facts: [present(0, { content: 'x' })],
    error: /already exists as a file/,
  },
  {
    title: 'directory with recurse: descendants that differ are put back one by one',
    args: { path: '/var/lib/etcd', state: 'directory', owner: 'etcd', recurse: true },
    facts: [dir(0, 0o700, 'root')],
    reads: 2,
    tree: 'f|644|root|root|0|0|/var/lib/etcd/a\u0000d|700|etcd|root|5|0|/var/lib/etcd/sub\u0000l|777|root|root|0|0|/var/lib/etcd/ln\u0000',
    diff: ['/var/lib/etcd: owner root:root -> owner etcd:root', '/var/lib/etcd/*: 2 paths differ -> all etcd'],
    steps: ['chown -h etcd -- /var/lib/etcd', 'chown -h etcd -- /var/lib/etcd/a && chown -h etcd -- /var/lib/etcd/ln'],
    undo: [
      'chmod 0644 -- /var/lib/etcd/a && chown -h root:root -- /var/lib/etcd/a && chown -h root:root -- /var/lib/etcd/ln',
      'chown -h root:root -- /var/lib/etcd',
    ],
    after: [present(0, { kind: 'directory', mode: 0o700, owner: 'etcd', group: 'root' })],
    afterTree: 'f|644|etcd|root|5|0|/var/lib/etcd/a\u0000d|700|etcd|root|5|0|/var/lib/etcd/sub\u0000l|777|etcd|root|5|0|/var/lib/etcd/ln\u0000',
  },
  {
    title: 'directory with recurse and a symbolic mode: each path below gets it applied to its own bits',
    args: { path: '/d', state: 'directory', mode: 'a-x', recurse: true },
    facts: [dir(0, 0o755, 'root')],
    tree: 'f|700|root|root|0|0|/d/f\u0000d|755|root|root|0|0|/d/sub\u0000',
    diff: ['/d: mode 0755 -> mode 0644', '/d/*: 2 paths differ -> all 0644'],
    steps: ['chmod 0644 -- /d', 'chmod 0600 -- /d/f && chmod 0644 -- /d/sub'],
    undo: ['chmod 0700 -- /d/f && chown -h root:root -- /d/f && chmod 0755 -- /d/sub && chown -h root:root -- /d/sub', 'chmod 0755 -- /d'],
    after: [dir(0, 0o644, 'root')],
    afterTree: 'f|600|root|root|0|0|/d/f\u0000d|644|root|root|0|0|/d/sub\u0000',
  },
  {
    title: 'absent: moved aside, undo moves it back',
    args: { path: '/etc/etcd', state: 'absent' },
    facts: [dir(0)],
    diff: ['/etc/etcd: directory 0700 etcd:etcd -> absent'],
    also: checks(removes('/etc/etcd'), restores('/etc/etcd')),
    after: [absent(0, '/etc')],
  },
  { title: 'absent: already absent', args: { path: '/etc/etcd', state: 'absent' }, facts: [absent(0, '/etc')] },
  {
    title: 'file: only attributes of an existing file',
    args: { path: '/etc/x', mode: '0600' },
    facts: [present(0, { content: 'x' })],
    diff: ['/etc/x: mode 0644 -> mode 0600'],
    steps: ['chmod 0600 -- /etc/x'],
    undo: ['chmod 0644 -- /etc/x'],
    after: [present(0, { content: 'x', mode: 0o600 })],
  },
  { title: 'file: a missing file is an error', args: { path: '/etc/x', state: 'file' }, facts: [absent(0, '/etc')], error: /is absent, cannot continue/ },
  {
    title: 'file: mode applies to the target of a followed link',
    args: { path: '/etc/link', mode: '0600' },
    // no state: the link itself decides (Ansible's state=link), a second look reads it unfollowed
    reads: 2,
    facts: [present(0, { content: 'x', real: '/etc/real' })],
    steps: ['chmod 0600 -- /etc/real'],
    after: [present(0, { content: 'x', real: '/etc/real', mode: 0o600 })],
  },
  {
    title: 'touch: a new empty file',
    args: { path: '/etc/x', state: 'touch', mode: '0640' },
    facts: [absent(0, '/etc')],
    diff: ['/etc/x: absent -> file 0640'],
    steps: ['touch -- /etc/x && { chmod 0640 -- /etc/x || { rc=$?; rm -f -- /etc/x; exit $rc; }; }'],
    undo: ['rm -f -- /etc/x'],
    idempotence: TOUCH,
  },
  {
    title: 'touch: an existing file gets its times back on undo',
    args: { path: '/etc/x', state: 'touch' },
    facts: [present(0, { content: 'x' })],
    steps: ['touch -c -- /etc/x'],
    undo: [
      "touch -c -m -d '2023-11-14 22:13:21.000000000 +0000' -- /etc/x && touch -c -a -d '2023-11-14 22:13:20.000000000 +0000' -- /etc/x",
    ],
    idempotence: TOUCH,
  },
  {
    title: 'touch: both times preserved on an existing file is a no-op',
    args: { path: '/etc/x', state: 'touch', modification_time: 'preserve', access_time: 'preserve' },
    facts: [present(0, { content: 'x' })],
  },
  {
    title: 'touch: both times preserved still creates a missing file',
    args: { path: '/etc/x', state: 'touch', modification_time: 'preserve', access_time: 'preserve' },
    facts: [absent(0, '/etc')],
    diff: ['/etc/x: absent -> file'],
    steps: ['touch -- /etc/x'],
    undo: ['rm -f -- /etc/x'],
    after: [present(0, { content: '' })],
  },
  {
    title: 'touch: access time only',
    args: { path: '/etc/x', state: 'touch', modification_time: 'preserve' },
    facts: [present(0, { content: 'x' })],
    steps: ['touch -c -a -- /etc/x'],
    undo: [
      "touch -c -m -d '2023-11-14 22:13:21.000000000 +0000' -- /etc/x && touch -c -a -d '2023-11-14 22:13:20.000000000 +0000' -- /etc/x",
    ],
    idempotence: TOUCH,
  },
  {
    title: 'modification_time on an existing file: set as the format reads it, undo puts the old times back',
    args: { path: '/etc/x', state: 'file', modification_time: '202202081414.00', modification_time_format: '%Y%m%d%H%M.%S' },
    facts: [present(0, { content: 'x' })],
    steps: [`touch -c -m -d @${new Date(2022, 1, 8, 14, 14, 0).getTime() / 1000} -- /etc/x`],
    undo: [
      "touch -c -m -d '2023-11-14 22:13:21.000000000 +0000' -- /etc/x && touch -c -a -d '2023-11-14 22:13:20.000000000 +0000' -- /etc/x",
    ],
    idempotence: 'the fixture cannot hold the new time; the target test checks the second run',
  },
  {
    title: 'modification_time that does not match its format is an error',
    args: { path: '/etc/x', modification_time: '2022-02-08' },
    facts: [present(0, { content: 'x' })],
    error: /Error while obtaining timestamp for time 2022-02-08 using format %Y%m%d%H%M\.%S: time data '2022-02-08' does not match format/,
  },
  {
    title: 'link: new symlink',
    args: { path: '/usr/local/bin/etcd', state: 'link', src: '/opt/etcd/etcd' },
    facts: [absent(0, '/usr/local/bin'), present(1, { content: 'bin' })],
    diff: ['/usr/local/bin/etcd: absent -> link -> /opt/etcd/etcd'],
    steps: ['ln -s -- /opt/etcd/etcd /usr/local/bin/etcd'],
    undo: ['rm -f -- /usr/local/bin/etcd'],
    // a plain link leaves its target be: a rollback checks the link alone, not what it points to
    also: (t, plan) => t.deepEqual(plan.writes, ['/usr/local/bin/etcd']),
    after: [present(0, { kind: 'symbolic link', mode: 0o777, link: '/opt/etcd/etcd' }), present(1, { content: 'bin' })],
  },
  {
    title: 'link: already pointing there',
    args: { path: '/usr/local/bin/etcd', state: 'link', src: '/opt/etcd/etcd' },
    facts: [present(0, { kind: 'symbolic link', mode: 0o777, link: '/opt/etcd/etcd' }), present(1, { content: 'bin' })],
  },
  {
    title: 'link: repointed, undo points back',
    args: { path: '/opt/etcd/current', state: 'link', src: 'v3.5.12' },
    facts: [present(0, { kind: 'symbolic link', mode: 0o777, link: 'v3.5.11' }), present(1, { kind: 'directory' })],
    diff: ['/opt/etcd/current: link -> v3.5.11 -> link -> v3.5.12'],
    steps: ['ln -sfn -- v3.5.12 /opt/etcd/current'],
    undo: ['ln -sfn -- v3.5.11 /opt/etcd/current'],
    after: [present(0, { kind: 'symbolic link', mode: 0o777, link: 'v3.5.12' }), present(1, { kind: 'directory' })],
  },
  {
    title: 'link: missing source needs force',
    args: { path: '/x', state: 'link', src: '/nowhere' },
    facts: [absent(0, '/'), absent(1, '/')],
    error: /src file does not exist/,
  },
  {
    title: 'link: a file in the way needs force',
    args: { path: '/x', state: 'link', src: '/y' },
    facts: [present(0, { content: 'x' }), present(1, { content: 'y' })],
    error: /refusing to convert/,
  },
  {
    title: 'hard: same inode, no change',
    args: { path: '/x', state: 'hard', src: '/y' },
    facts: [present(0, { content: 'y', inode: 7 }), present(1, { content: 'y', inode: 7 })],
  },
];

const probe = (sections: string[], tree?: string) => ({ 'echo @@ 0': `${sections.join('\n')}\n${tree !== undefined ? `@@tree\n${tree}` : ''}` });

moduleTable(
  cases.map(
    (c): ModuleCase => ({
      name: c.title,
      module: fileModule,
      args: c.args,
      facts: probe(c.facts, c.tree),
      expect: c.error
        ? { error: c.error }
        : { changed: c.steps !== undefined || c.also !== undefined, reads: c.reads ?? 1, diff: c.diff, steps: c.steps, undo: c.undo, also: c.also },
      ...(c.after ? { after: probe(c.after, c.afterTree) } : {}),
      ...(c.idempotence ? { idempotence: c.idempotence } : {}),
    }),
  ),
);

moduleTable([
  {
    name: '_diff_peek: a text file does not appear binary; nothing changes',
    module: fileModule,
    args: { path: '/etc/hosts', _diff_peek: true },
    files: { '/etc/hosts': '127.0.0.1 localhost\n' },
    expect: { changed: false, reads: 0, result: { appears_binary: false } },
  },
  {
    name: '_diff_peek: a NUL byte makes it binary',
    module: fileModule,
    args: { path: '/bin/x', _diff_peek: true },
    files: { '/bin/x': Buffer.from([0x7f, 0x45, 0x00, 0x01]) },
    expect: { changed: false, result: { appears_binary: true } },
  },
]);

moduleTable([
  {
    name: 'recurse asks for the tree in the same probe',
    module: fileModule,
    args: { path: '/d', state: 'directory', mode: '0700', recurse: true },
    facts: probe([dir(0)]),
    expect: { changed: false, readCommands: [/echo @@tree; if \[ -d \/d \]; then find -L \/d -mindepth 1 -printf/] },
  },
]);

test('file: tree parser', (t) => {
  t.regex(treeCommand('/d', false), /find -P \/d -mindepth 1/);
  t.deepEqual(parseTree('f|644|a|b|10|20|/d/x|y\u0000'), [{ type: 'f', mode: 0o644, owner: 'a', group: 'b', uid: 10, gid: 20, path: '/d/x|y' }]);
});

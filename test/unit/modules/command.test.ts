import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { chdirFailure, commandResult, globWord, guardCommand, inDir, parseGuards } from '../../../src/modules/command-plans.js';
import { commandModule } from '../../../src/modules/command.js';
import { extractInlineOptions, shlexSplit } from '../../../src/shell/shlex.js';
import { moduleTable } from '../../helpers/module-table.js';
import type { Plan } from '../../../src/modules/types.js';
import type { ExecutionContext } from 'ava';

const splits: Array<[string, string[]]> = [
  ['ls -l /x', ['ls', '-l', '/x']],
  ['echo "a b" c', ['echo', 'a b', 'c']],
  ["echo 'it''s'", ['echo', 'its']],
  ['echo "say \\"hi\\"" \\$HOME', ['echo', 'say "hi"', '$HOME']],
  ['echo a|b > c; d', ['echo', 'a|b', '>', 'c;', 'd']],
  ['  spaced   out  ', ['spaced', 'out']],
  ['echo ""', ['echo', '']],
  ['echo "a\\nb"', ['echo', 'a\\nb']],
];
for (const [line, words] of splits) {
  test(`shlex splits ${line}`, (t) => t.deepEqual(shlexSplit(line), words));
}

test('shlex refuses an unclosed quote', (t) => {
  t.throws(() => shlexSplit('echo "oops'), { message: /No closing quotation/ });
});

test('inline options come out of the free form, quoted text stays', (t) => {
  t.deepEqual(extractInlineOptions('tar xf a.tgz creates=/opt/x chdir="/tmp/my dir"', ['creates', 'chdir']), {
    rest: 'tar xf a.tgz',
    options: { creates: '/opt/x', chdir: '/tmp/my dir' },
  });
  t.deepEqual(extractInlineOptions("echo 'creates=/x' removes=/y", ['creates', 'removes']), {
    rest: "echo 'creates=/x'",
    options: { removes: '/y' },
  });
});

test('guards: globs stay globs, the rest is quoted', (t) => {
  t.is(globWord('/opt/etcd-v3.*/bin/etcd'), "/opt/etcd-v3.*/bin/etcd");
  t.is(globWord('/my dir/*.conf'), "'/my dir/'*.conf");
  t.is(globWord('/x;rm -rf /'), "'/x;rm -rf /'");
  t.is(
    guardCommand({ creates: '/x' }),
    '( m=no; for f in /x; do if [ -e "$f" ] || [ -L "$f" ]; then m=yes; break; fi; done; echo creates:$m )',
  );
  t.deepEqual(parseGuards('creates:yes\nremoves:no\n'), { creates: true, removes: false });
});

/** A user's command may fail: its step never stops the apply, `failed_when` and the result decide. */
const allowsFailure = (t: ExecutionContext, plan: Plan) => t.true(plan.steps?.every((s) => s.kind === 'exec' && s.allowFailure));

const OPAQUE = 'a bare command: nothing says what it changed';

moduleTable([
  {
    name: 'free form, no guard: opaque, no undo, no probe',
    module: commandModule,
    args: { cmd: 'echo "a b" | wc' },
    expect: { changed: true, opaque: true, steps: ["echo 'a b' '|' wc"], undo: null, reads: 0, diff: [], also: allowsFailure },
    idempotence: OPAQUE,
  },
  {
    name: 'argv words are quoted, never split',
    module: commandModule,
    args: { argv: ['printf', '%s\\n', 'a b;c'] },
    expect: { changed: true, steps: ["printf '%s\\n' 'a b;c'"], reads: 0, also: allowsFailure },
    idempotence: OPAQUE,
  },
  {
    name: 'chdir',
    module: commandModule,
    args: { cmd: 'make install', chdir: '/src/my app' },
    expect: { changed: true, steps: [inDir('make install', '/src/my app')], reads: 0, also: allowsFailure },
    idempotence: OPAQUE,
  },
  {
    name: 'rollback is the undo',
    module: commandModule,
    args: { cmd: 'etcdctl member add x', rollback: 'etcdctl member remove x' },
    expect: { changed: true, undo: ['etcdctl member remove x'], reads: 0, also: allowsFailure },
    idempotence: OPAQUE,
  },
  {
    name: 'creates exists: skipped',
    module: commandModule,
    args: { cmd: 'tar xf a.tgz', creates: '/opt/etcd' },
    facts: { 'for f in': 'creates:yes\n' },
    expect: { changed: false, reads: 1, msg: 'skipped, since /opt/etcd exists', result: { rc: 0, stdout: 'skipped, since /opt/etcd exists' } },
  },
  {
    name: 'creates missing: runs, and check mode can say so; once it exists, nothing to do',
    module: commandModule,
    args: { cmd: 'tar xf a.tgz', creates: '/opt/etcd' },
    facts: { 'for f in': 'creates:no\n' },
    expect: { changed: true, opaque: false, reads: 1, also: allowsFailure },
    after: { 'for f in': 'creates:yes\n' },
  },
  {
    name: 'removes missing: skipped',
    module: commandModule,
    args: { cmd: 'rm /tmp/x', removes: '/tmp/x' },
    facts: { 'for f in': 'removes:no\n' },
    expect: { changed: false, reads: 1, msg: 'skipped, since /tmp/x does not exist', result: { rc: 0, stdout: 'skipped, since /tmp/x does not exist' } },
  },
  {
    name: 'inline creates in the free form',
    module: commandModule,
    args: { cmd: 'tar xf a.tgz creates=/opt/etcd' },
    facts: { 'for f in': 'creates:yes\n' },
    expect: { changed: false, reads: 1, msg: 'skipped, since /opt/etcd exists', result: { rc: 0, stdout: 'skipped, since /opt/etcd exists' } },
  },
  {
    name: 'creates relative to chdir',
    module: commandModule,
    args: { cmd: 'make', chdir: '/src', creates: 'out/bin' },
    facts: { 'for f in': 'creates:yes\n' },
    expect: { changed: false, reads: 1, msg: 'skipped, since /src/out/bin exists', result: { rc: 0, stdout: 'skipped, since /src/out/bin exists' } },
  },
  {
    name: 'idempotent once creates exists',
    module: commandModule,
    args: { cmd: 'touch /x', creates: '/x' },
    facts: { 'for f in': 'creates:no\n' },
    expect: { changed: true, steps: ['touch /x'] },
    after: { 'for f in': 'creates:yes\n' },
  },
  {
    name: 'stdin gets a newline',
    module: commandModule,
    args: { cmd: 'cat', stdin: 'hello' },
    expect: { changed: true, also: (t, plan) => t.like(plan.steps?.[0], { stdin: 'hello\n' }) },
    idempotence: OPAQUE,
  },
  {
    name: 'stdin_add_newline: false keeps stdin as given',
    module: commandModule,
    args: { cmd: 'cat', stdin: 'hello', stdin_add_newline: false },
    expect: { changed: true, also: (t, plan) => t.like(plan.steps?.[0], { stdin: 'hello' }) },
    idempotence: OPAQUE,
  },
  { name: 'neither cmd nor argv is an error', module: commandModule, args: {}, expect: { error: 'no command given', errorResult: { rc: 256 } } },
  { name: 'both cmd and argv is an error', module: commandModule, args: { cmd: 'ls', argv: ['ls'] }, expect: { error: 'only command or argv can be given, not both', errorResult: { rc: 256 } } },
  {
    name: 'afterApply reads the step output',
    module: commandModule,
    args: { cmd: 'echo hi' },
    stepOutputs: { 'echo hi': 'hi\n' },
    expect: { changed: true, registered: { cmd: 'echo hi', rc: 0, stdout: 'hi', stdout_lines: ['hi'], failed: false, changed: true } },
    idempotence: OPAQUE,
  },
  {
    name: 'a guarded command shows what its guards expect in the diff',
    module: commandModule,
    args: { cmd: 'mv a b', chdir: '/src', creates: 'b', removes: '/src/a' },
    facts: { 'for f in': 'creates:no\nremoves:yes\n' },
    expect: {
      changed: true,
      diff: [
        { subject: '/src/b', before: 'absent', after: 'present', kind: 'summary' },
        { subject: '/src/a', before: 'present', after: 'absent', kind: 'summary' },
      ],
    },
    after: { 'for f in': 'creates:yes\nremoves:no\n' },
  },
  {
    name: 'an unguarded command shows nothing in the diff',
    module: commandModule,
    args: { cmd: 'date' },
    expect: { changed: true, diff: [] },
    idempotence: OPAQUE,
  },
]);

test('the registered result has Ansible\'s shape', (t) => {
  const end = new Date(2024, 0, 2, 3, 4, 5, 678);
  const ok = commandResult('echo hi', { rc: 0, stdout: 'hi\nthere\n', stderr: '', durationMs: 1500 }, { strip: true, end });
  t.deepEqual(ok, {
    cmd: 'echo hi',
    rc: 0,
    stdout: 'hi\nthere',
    stdout_lines: ['hi', 'there'],
    stderr: '',
    stderr_lines: [],
    start: '2024-01-02 03:04:04.178000',
    end: '2024-01-02 03:04:05.678000',
    delta: '0:00:01.500000',
    changed: true,
    failed: false,
  });
  const bad = commandResult(['false'], { rc: 1, stdout: '', stderr: 'nope\n', durationMs: 1 }, { strip: true, end });
  t.like(bad, { rc: 1, failed: true, msg: 'non-zero return code', stderr: 'nope', stderr_lines: ['nope'] });
});

const sh = (command: string) => {
  const out = spawnSync('sh', ['-c', command], { encoding: 'utf8' });
  return { rc: out.status ?? -1, stdout: out.stdout, stderr: out.stderr, durationMs: 0 };
};

test('chdir: the command runs in the folder, and a folder it cannot enter fails with Ansible\'s message', (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ezplay-chdir-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(path.join(root, 'file'), '');
  const ran = sh(inDir('pwd', root));
  t.is(ran.stdout.trim(), root);
  t.is(chdirFailure(ran, root), undefined);
  const missing = path.join(root, 'nope');
  t.is(chdirFailure(sh(inDir('echo ran', missing)), missing), `Unable to change directory before execution: [Errno 2] No such file or directory: b'${missing}'`);
  const file = path.join(root, 'file');
  const notDir = sh(inDir('echo ran', file));
  t.is(notDir.stdout, '', 'the command did not run');
  t.is(chdirFailure(notDir, file), `Unable to change directory before execution: [Errno 20] Not a directory: b'${file}'`);
  t.is(chdirFailure(sh(inDir('echo oops >&2; exit 1', root)), root), undefined, "the command's own failure is its own");
  mkdirSync(path.join(root, 'real', 'site'), { recursive: true });
  symlinkSync(path.join(root, 'real'), path.join(root, 'link'));
  t.is(sh(inDir('echo "$PWD"', path.join(root, 'link', 'site'))).stdout.trim(), path.join(root, 'real', 'site'), '$PWD is the physical path, as after os.chdir');
});

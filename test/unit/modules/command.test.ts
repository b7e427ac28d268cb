import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { commandResult, globWord, guardCommand, parseGuards } from '../../../src/modules/command-plans.js';
import { commandModule } from '../../../src/modules/command.js';
import { extractInlineOptions, shlexSplit } from '../../../src/shell/shlex.js';
import { describeSteps, planWith } from './core-modules-harness.js';

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

interface Case {
  title: string;
  args: Record<string, unknown>;
  probe?: string;
  changed: boolean;
  opaque?: boolean;
  steps?: string[];
  undo?: string[] | undefined;
  msg?: string;
}

const cases: Case[] = [
  { title: 'free form, no guard: opaque', args: { cmd: 'echo "a b" | wc' }, changed: true, opaque: true, steps: ["echo 'a b' '|' wc"], undo: undefined },
  { title: 'argv words are quoted, never split', args: { argv: ['printf', '%s\\n', 'a b;c'] }, changed: true, steps: ["printf '%s\\n' 'a b;c'"] },
  { title: 'chdir', args: { cmd: 'make install', chdir: '/src/my app' }, changed: true, steps: ["cd '/src/my app' && make install"] },
  { title: 'rollback is the undo', args: { cmd: 'etcdctl member add x', rollback: 'etcdctl member remove x' }, changed: true, undo: ['etcdctl member remove x'] },
  { title: 'creates exists: skipped', args: { cmd: 'tar xf a.tgz', creates: '/opt/etcd' }, probe: 'creates:yes\n', changed: false, msg: 'skipped, since /opt/etcd exists' },
  { title: 'creates missing: runs, and check mode can say so', args: { cmd: 'tar xf a.tgz', creates: '/opt/etcd' }, probe: 'creates:no\n', changed: true, opaque: false },
  { title: 'removes missing: skipped', args: { cmd: 'rm /tmp/x', removes: '/tmp/x' }, probe: 'removes:no\n', changed: false, msg: 'skipped, since /tmp/x does not exist' },
  { title: 'inline creates in the free form', args: { cmd: 'tar xf a.tgz creates=/opt/etcd' }, probe: 'creates:yes\n', changed: false, msg: 'skipped, since /opt/etcd exists' },
  { title: 'creates relative to chdir', args: { cmd: 'make', chdir: '/src', creates: 'out/bin' }, probe: 'creates:yes\n', changed: false, msg: 'skipped, since /src/out/bin exists' },
];

for (const c of cases) {
  test(`command: ${c.title}`, async (t) => {
    const conn = new FakeConnection();
    if (c.probe) conn.answer('for f in', { stdout: c.probe });
    const plan = await planWith(commandModule, conn, c.args);
    t.is(plan.changed, c.changed);
    t.is(conn.commands().length, c.probe ? 1 : 0, 'at most one probe');
    if (c.opaque !== undefined) t.is(plan.opaque, c.opaque);
    if (c.steps) t.deepEqual(describeSteps(plan.steps), c.steps);
    if ('undo' in c) t.deepEqual(c.undo === undefined ? undefined : describeSteps(plan.undo), c.undo);
    if (c.msg) {
      t.is(plan.msg, c.msg);
      t.like(plan.result, { rc: 0, stdout: c.msg });
    }
    if (plan.changed) t.true(plan.steps?.every((s) => s.kind === 'exec' && s.allowFailure));
  });
}

test('command: idempotent once creates exists', async (t) => {
  const conn = new FakeConnection().answer('for f in', { stdout: 'creates:no\n' });
  t.true((await planWith(commandModule, conn, { cmd: 'touch /x', creates: '/x' })).changed);
  conn.answers = [];
  conn.answer('for f in', { stdout: 'creates:yes\n' });
  t.false((await planWith(commandModule, conn, { cmd: 'touch /x', creates: '/x' })).changed);
});

test('command: stdin gets a newline unless told otherwise', async (t) => {
  const conn = new FakeConnection();
  const plan = await planWith(commandModule, conn, { cmd: 'cat', stdin: 'hello' });
  t.like(plan.steps?.[0], { stdin: 'hello\n' });
  const raw = await planWith(commandModule, conn, { cmd: 'cat', stdin: 'hello', stdin_add_newline: false });
  t.like(raw.steps?.[0], { stdin: 'hello' });
});

test('command: neither cmd nor argv, or both, is an error', async (t) => {
  const conn = new FakeConnection();
  await t.throwsAsync(planWith(commandModule, conn, {}), { message: /no command/ });
  await t.throwsAsync(planWith(commandModule, conn, { cmd: 'ls', argv: ['ls'] }), { message: /either/ });
});

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

test('command: afterApply reads the step output', async (t) => {
  const plan = await planWith(commandModule, new FakeConnection(), { cmd: 'echo hi' });
  const result = await plan.afterApply?.([{ rc: 0, stdout: 'hi\n', stderr: '', durationMs: 2 }]);
  t.like(result, { cmd: 'echo hi', rc: 0, stdout: 'hi', stdout_lines: ['hi'], failed: false, changed: true });
});

test('command: a guarded command shows what its guards expect in the diff; an unguarded one shows nothing', async (t) => {
  const conn = new FakeConnection().answer('for f in', { stdout: 'creates:no\nremoves:yes\n' });
  const plan = await planWith(commandModule, conn, { cmd: 'mv a b', chdir: '/src', creates: 'b', removes: '/src/a' });
  t.deepEqual(plan.diff, [
    { subject: '/src/b', before: 'absent', after: 'present', kind: 'summary' },
    { subject: '/src/a', before: 'present', after: 'absent', kind: 'summary' },
  ]);
  t.deepEqual((await planWith(commandModule, new FakeConnection(), { cmd: 'date' })).diff, []);
});

import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { shellModule, shellLine } from '../../../src/modules/shell.js';
import { describeSteps, planWith } from './core-modules-harness.js';

const lines: Array<[string, string | undefined, string | undefined, string]> = [
  ['cat /x | wc -l > /y', undefined, undefined, 'cat /x | wc -l > /y'],
  ['ls; exit 3', '/tmp', undefined, "cd /tmp && /bin/sh -c 'ls; exit 3'"],
  ['echo $0', undefined, '/bin/bash', "/bin/bash -c 'echo $0'"],
];
for (const [text, chdir, executable, expected] of lines) {
  test(`shell line: ${text} (chdir ${chdir}, executable ${executable})`, (t) => t.is(shellLine(text, chdir, executable), expected));
}

test('shell: runs the line as it is, opaque, no undo without rollback', async (t) => {
  const plan = await planWith(shellModule, new FakeConnection(), { cmd: 'systemctl daemon-reload && echo ok' });
  t.true(plan.changed && plan.opaque);
  t.deepEqual(describeSteps(plan.steps), ['systemctl daemon-reload && echo ok']);
  t.is(plan.undo, undefined);
});

test('shell: rollback line, and inline creates', async (t) => {
  const conn = new FakeConnection().answer('for f in', { stdout: 'creates:no\n' });
  const plan = await planWith(shellModule, conn, { cmd: 'echo x > /etc/x creates=/etc/x', rollback: 'rm -f /etc/x' });
  t.false(plan.opaque);
  t.deepEqual(describeSteps(plan.steps), ['echo x > /etc/x']);
  t.deepEqual(describeSteps(plan.undo), ['rm -f /etc/x']);
  conn.answers = [];
  conn.answer('for f in', { stdout: 'creates:yes\n' });
  t.false((await planWith(shellModule, conn, { cmd: 'echo x > /etc/x creates=/etc/x' })).changed, 'idempotent');
});

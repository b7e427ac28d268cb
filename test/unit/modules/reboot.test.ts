import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { ConnectionError } from '../../../src/errors.js';
import { rebootCommand, rebootModule, waitForReboot, type RebootArgs } from '../../../src/modules/reboot.js';
import type { HostContext } from '../../../src/modules/types.js';
import { describeSteps, planWith } from './core-modules-harness.js';

const OLD = '3f1c5d7e-8a9b-4c2d-9e0f-1a2b3c4d5e6f';
const NEW = 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d';
const ARGS: RebootArgs = { reboot_timeout: 5, pre_reboot_delay: 0, post_reboot_delay: 0, test_command: 'whoami', msg: 'Reboot initiated by ezplay' };

const commands: Array<[Partial<RebootArgs>, string]> = [
  [{}, "nohup sh -c 'sleep 1; shutdown -r now '\\''Reboot initiated by ezplay'\\''' >/dev/null 2>&1 &"],
  [{ pre_reboot_delay: 30, msg: 'kernel update' }, "nohup sh -c 'sleep 30; shutdown -r now '\\''kernel update'\\''' >/dev/null 2>&1 &"],
  [{ reboot_command: 'systemctl reboot' }, "nohup sh -c 'sleep 1; systemctl reboot' >/dev/null 2>&1 &"],
];
for (const [args, expected] of commands) {
  test(`reboot command ${JSON.stringify(args)}`, (t) => t.is(rebootCommand({ ...ARGS, ...args }), expected));
}

test('reboot plans one background step, nothing to undo, and reads only the boot id', async (t) => {
  const conn = new FakeConnection().answer(/boot_id/, { stdout: `${OLD}\n` });
  const plan = await planWith(rebootModule, conn, {});
  t.true(plan.changed);
  t.deepEqual(describeSteps(plan.steps), [commands[0]![1]]);
  t.deepEqual(plan.undo, []);
  t.deepEqual(conn.commands(), ['cat /proc/sys/kernel/random/boot_id']);
  t.is(typeof plan.afterApply, 'function');
});

test('reboot: an unreadable boot id is an error', async (t) => {
  const conn = new FakeConnection().answer(/boot_id/, { stdout: '', stderr: 'Permission denied', rc: 1 });
  await t.throwsAsync(planWith(rebootModule, conn, {}), { message: /cannot read the boot id: Permission denied/ });
});

/** A host that answers each boot-id read from `script` (an Error: the connection is down), and counts reconnections. */
function scriptedHost(script: Array<string | Error>, testRc: number[] = [0]) {
  const seen = { reconnects: 0, tests: 0 };
  const ctx = {
    gather: async () => {
      const next = script.length > 1 ? script.shift() : script[0];
      if (next instanceof Error) throw next;
      return next;
    },
    probe: async () => ({ rc: testRc[Math.min(seen.tests++, testRc.length - 1)] ?? 0, stdout: 'root\n', stderr: '' }),
    reconnect: async () => {
      seen.reconnects++;
    },
  } as unknown as HostContext;
  return { ctx, seen };
}

const lost = () => new ConnectionError('connection to h lost', { unreachable: true });

test('reboot waits through the old boot and a lost connection, reconnects, then runs test_command', async (t) => {
  const { ctx, seen } = scriptedHost([OLD, lost(), lost(), NEW]);
  const elapsed = await waitForReboot(ctx, ARGS, OLD, Date.now(), 0.01);
  t.true(elapsed >= 0);
  t.is(seen.reconnects, 2, 'one reconnection after each failed try');
  t.is(seen.tests, 1);
});

test('reboot: test_command must pass on the new boot', async (t) => {
  const { ctx, seen } = scriptedHost([NEW], [1, 1, 0]);
  await waitForReboot(ctx, ARGS, OLD, Date.now(), 0.01);
  t.is(seen.tests, 3);
});

test('reboot: a host that never comes back fails after reboot_timeout', async (t) => {
  const { ctx } = scriptedHost([lost()]);
  await t.throwsAsync(waitForReboot(ctx, { ...ARGS, reboot_timeout: 0 }, OLD, Date.now(), 0.01), { message: /not back within 0 s: connection to h lost/ });
});

test('reboot: a host that never reboots fails too', async (t) => {
  const { ctx } = scriptedHost([OLD]);
  await t.throwsAsync(waitForReboot(ctx, { ...ARGS, reboot_timeout: 0 }, OLD, Date.now(), 0.01), { message: /still runs its old boot/ });
});

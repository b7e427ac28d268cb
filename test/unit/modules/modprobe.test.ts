import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { modprobeModule, parseModules } from '../../../src/modules/modprobe.js';
import { describeSteps, planWith } from './core-modules-harness.js';

const PROBE = 'br_netfilter 32768 0 - Live 0x0\nip_tables 32768 1 - Live 0x0\n@@builtin\nkernel/drivers/block/loop.ko\nkernel/net/ipv4/tcp-bbr.ko.xz\n';

test('modules: loaded and built-in names, dashes as underscores', (t) => {
  const { loaded, builtin } = parseModules(PROBE);
  t.deepEqual([...loaded], ['br_netfilter', 'ip_tables']);
  t.deepEqual([...builtin], ['loop', 'tcp_bbr']);
});

const cases: Array<{ args: Record<string, unknown>; steps?: string[]; undo?: string[]; error?: RegExp }> = [
  { args: { name: 'br_netfilter' } },
  { args: { name: 'br-netfilter' } },
  { args: { name: 'loop' } },
  { args: { name: 'overlay' }, steps: ['modprobe overlay'], undo: ['modprobe -r overlay'] },
  { args: { name: 'dummy', params: 'numdummies=2 x="a b"' }, steps: ["modprobe dummy numdummies=2 'x=a b'"], undo: ['modprobe -r dummy'] },
  { args: { name: 'ip_tables', state: 'absent' }, steps: ['modprobe -r ip_tables'], undo: ['modprobe ip_tables'] },
  { args: { name: 'overlay', state: 'absent' } },
  { args: { name: 'loop', state: 'absent' }, error: /built into the kernel/ },
  { args: { name: 'x; reboot' }, error: /is not a module name/ },
  { args: { name: 'x', persistent: 'present' }, error: /must be one of disabled/ },
];

for (const c of cases) {
  test(`modprobe ${JSON.stringify(c.args)}`, async (t) => {
    const conn = new FakeConnection();
    conn.answer(/proc\/modules/, { stdout: PROBE });
    if (c.error) return void (await t.throwsAsync(planWith(modprobeModule, conn, c.args), { message: c.error }));
    const plan = await planWith(modprobeModule, conn, c.args);
    t.is(plan.changed, c.steps !== undefined);
    t.deepEqual(describeSteps(plan.steps), c.steps ?? []);
    t.deepEqual(describeSteps(plan.undo), c.undo ?? []);
  });
}

import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { parseHostnameFacts } from '../../../src/facts/hostname.js';
import { hostnameModule } from '../../../src/modules/hostname.js';
import { describeSteps, planWith } from './core-modules-harness.js';

// The module's probe, captured on Debian 12: a machine without systemd as PID 1 (the controller) ...
const NO_SYSTEMD = '@@ezplay:begin:kernel\nvm\n\n@@ezplay:end:0\n@@ezplay:begin:file\nvm\n\n@@ezplay:end:0\n@@ezplay:begin:systemd\n\n@@ezplay:end:1\n';
// ... and the same words from a lab machine booted by systemd
const SYSTEMD = '@@ezplay:begin:kernel\nmods1\n\n@@ezplay:end:0\n@@ezplay:begin:file\nmods1\n\n@@ezplay:end:0\n@@ezplay:begin:systemd\n/usr/bin/hostnamectl\n\n@@ezplay:end:0\n';
const NO_FILE = '@@ezplay:begin:kernel\nlocalhost\n\n@@ezplay:end:0\n@@ezplay:begin:file\n\n@@ezplay:end:1\n@@ezplay:begin:systemd\n\n@@ezplay:end:1\n';
const DRIFTED = '@@ezplay:begin:kernel\nold\n\n@@ezplay:end:0\n@@ezplay:begin:file\netcd1\n\n@@ezplay:end:0\n@@ezplay:begin:systemd\n\n@@ezplay:end:1\n';

test('hostname facts: kernel name, /etc/hostname, systemd', (t) => {
  t.deepEqual(parseHostnameFacts(NO_SYSTEMD), { current: 'vm', file: 'vm', systemd: false });
  t.deepEqual(parseHostnameFacts(SYSTEMD), { current: 'mods1', file: 'mods1', systemd: true });
  t.deepEqual(parseHostnameFacts(NO_FILE), { current: 'localhost', file: undefined, systemd: false });
});

const cases: Array<{ title: string; args: Record<string, unknown>; facts: string; steps?: string[]; undo?: string[]; diff?: string[]; error?: RegExp }> = [
  {
    title: 'systemd: hostnamectl; undo writes the old file and running name back',
    args: { name: 'etcd1' }, facts: SYSTEMD,
    steps: ['hostnamectl set-hostname etcd1'], undo: ['put /etc/hostname 644 root:root', 'hostname mods1'],
    diff: ['hostname: mods1 -> etcd1', '/etc/hostname: mods1\n -> etcd1\n'],
  },
  {
    title: 'without systemd: /etc/hostname and hostname',
    args: { name: 'etcd1' }, facts: NO_SYSTEMD,
    steps: ['put /etc/hostname 644 root:root', 'hostname etcd1'], undo: ['put /etc/hostname 644 root:root', 'hostname vm'],
  },
  {
    title: 'use=debian on a systemd host',
    args: { name: 'etcd1', use: 'debian' }, facts: SYSTEMD,
    steps: ['put /etc/hostname 644 root:root', 'hostname etcd1'], undo: ['put /etc/hostname 644 root:root', 'hostname mods1'],
  },
  {
    title: 'no /etc/hostname before: undo removes it',
    args: { name: 'etcd1' }, facts: NO_FILE,
    steps: ['put /etc/hostname 644 root:root', 'hostname etcd1'], undo: ['rm -f /etc/hostname', 'hostname localhost'],
  },
  {
    title: 'the file is right but the running name drifted: the running name only in the diff',
    args: { name: 'etcd1' }, facts: DRIFTED,
    steps: ['put /etc/hostname 644 root:root', 'hostname etcd1'], undo: ['put /etc/hostname 644 root:root', 'hostname old'],
    diff: ['hostname: old -> etcd1'],
  },
  { title: 'already named: no change', args: { name: 'mods1' }, facts: SYSTEMD },
  { title: 'use=systemd without systemd is an error', args: { name: 'x', use: 'systemd' }, facts: NO_SYSTEMD, error: /systemd and hostnamectl are not running/ },
  { title: 'a name with a space is refused', args: { name: 'a b' }, facts: NO_SYSTEMD, error: /not a valid hostname/ },
  { title: 'a name starting with a dash is refused', args: { name: '-x' }, facts: NO_SYSTEMD, error: /not a valid hostname/ },
];

for (const c of cases) {
  test(`hostname: ${c.title}`, async (t) => {
    const conn = new FakeConnection().answer(/uname -n/, { stdout: c.facts });
    if (c.error) return void (await t.throwsAsync(planWith(hostnameModule, conn, c.args), { message: c.error }));
    const plan = await planWith(hostnameModule, conn, c.args);
    t.is(plan.changed, c.steps !== undefined);
    t.deepEqual(describeSteps(plan.steps), c.steps ?? []);
    t.deepEqual(describeSteps(plan.undo), c.undo ?? []);
    if (c.diff) t.deepEqual(plan.diff?.map((d) => `${d.subject}: ${d.before} -> ${d.after}`), c.diff);
    const put = [...(plan.steps ?? []), ...(plan.undo ?? [])].filter((s) => s.kind === 'put');
    for (const p of put) t.regex(p.kind === 'put' && 'text' in p.content ? p.content.text : '', /^[\w.-]+\n$/);
  });
}

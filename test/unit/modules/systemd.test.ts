import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { createHostContext } from '../../../src/engine/host-context.js';
import { ModuleError } from '../../../src/errors.js';
import { validateArgs } from '../../../src/modules/args.js';
import { parseUnitFacts } from '../../../src/facts/systemd-unit.js';
import { service, systemd, systemdService } from '../../../src/modules/systemd.js';
import type { Module } from '../../../src/modules/types.js';

// `systemctl show -p Id,LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload,MainPID,LoadError`,
// captured from systemd 252 in a Debian 12 machine
const show = (id: string, load: string, active: string, sub: string, file: string, reload = 'no', pid = 0, error = '') =>
  `MainPID=${pid}\nId=${id}\nLoadState=${load}\nActiveState=${active}\nSubState=${sub}\nUnitFileState=${file}\nNeedDaemonReload=${reload}\nLoadError=${error}\n`;
const probe = (showOut: string, isEnabled: string, rc: number) =>
  `@@ezplay:begin:show\n${showOut}\n@@ezplay:end:0\n@@ezplay:begin:is-enabled\n${isEnabled}${isEnabled ? '\n' : ''}\n@@ezplay:end:${rc}\n`;

const STOPPED_DISABLED = probe(show('etcd.service', 'loaded', 'inactive', 'dead', 'disabled'), 'disabled', 1);
const RUNNING_DISABLED = probe(show('etcd.service', 'loaded', 'active', 'running', 'disabled', 'no', 51), 'disabled', 1);
const RUNNING_ENABLED = probe(show('etcd.service', 'loaded', 'active', 'running', 'enabled', 'no', 51), 'enabled', 0);
const CHANGED_ON_DISK = probe(show('etcd.service', 'loaded', 'active', 'running', 'enabled', 'yes', 51), 'enabled', 0);
const FAILED = probe(show('etcd.service', 'loaded', 'failed', 'failed', 'enabled'), 'enabled', 0);
const NOT_FOUND = probe(
  show('etcd.service', 'not-found', 'inactive', 'dead', '', 'no', 0, 'org.freedesktop.systemd1.NoSuchUnit "Unit etcd.service not found."'),
  '',
  1,
);
const MASKED = probe(
  show('etcd.service', 'masked', 'inactive', 'dead', 'masked', 'no', 0, 'org.freedesktop.systemd1.UnitMasked "Unit etcd.service is masked."'),
  'masked',
  1,
);
const STATIC = probe(show('systemd-journald.service', 'loaded', 'active', 'running', 'static', 'no', 17), 'static', 0);

async function planWith(module: Module<any>, given: Record<string, unknown>, stdout: string) {
  const conn = new FakeConnection().answer('systemctl', { stdout });
  const ctx = createHostContext({ host: 'h', conn, vars: {}, runId: 'r1', playbookDir: '/tmp' });
  return { plan: await module.plan(ctx, validateArgs(module.name, module.args, given)), conn };
}

const commands = (steps: { kind: string; command?: string }[] | undefined) => (steps ?? []).map((s) => s.command);

test('parses the captured probe of a unit that does not exist', (t) => {
  const f = parseUnitFacts(NOT_FOUND, 'etcd');
  t.is(f.id, 'etcd.service');
  t.is(f.loadState, 'not-found');
  t.is(f.isEnabled, '');
  t.is(f.isEnabledRc, 1);
  t.is(f.loadError, 'org.freedesktop.systemd1.NoSuchUnit "Unit etcd.service not found."');
});

test('parses the captured probe of a running unit', (t) => {
  const f = parseUnitFacts(CHANGED_ON_DISK, 'etcd');
  t.like(f, { activeState: 'active', subState: 'running', mainPid: 51, needDaemonReload: true, isEnabled: 'enabled', isEnabledRc: 0 });
});

const cases: Array<{ title: string; args: Record<string, unknown>; facts: string; diff?: string[]; steps?: string[]; undo?: string[] }> = [
  {
    title: 'starts and enables; undo stops and disables',
    args: { name: 'etcd', state: 'started', enabled: true },
    facts: STOPPED_DISABLED,
    diff: ['etcd.service: disabled -> enabled', 'etcd.service: inactive -> active'],
    steps: ['systemctl enable -- etcd.service', 'systemctl start -- etcd.service'],
    undo: ['systemctl stop -- etcd.service', 'systemctl disable -- etcd.service'],
  },
  {
    title: 'no_block queues the start',
    args: { name: 'etcd', state: 'started', no_block: true },
    facts: STOPPED_DISABLED,
    steps: ['systemctl start --no-block -- etcd.service'],
    undo: ['systemctl stop -- etcd.service'],
  },
  {
    title: 'starts a failed unit',
    args: { name: 'etcd', state: 'started' },
    facts: FAILED,
    diff: ['etcd.service: failed -> active'],
    steps: ['systemctl start -- etcd.service'],
  },
  {
    title: 'stops and disables; undo enables and starts',
    args: { name: 'etcd', state: 'stopped', enabled: false },
    facts: RUNNING_ENABLED,
    steps: ['systemctl disable -- etcd.service', 'systemctl stop -- etcd.service'],
    undo: ['systemctl start -- etcd.service', 'systemctl enable -- etcd.service'],
  },
  {
    title: 'restarted always restarts a running unit, with nothing to undo',
    args: { name: 'etcd', state: 'restarted' },
    facts: RUNNING_ENABLED,
    diff: ['etcd.service: active -> active (restarted)'],
    steps: ['systemctl restart -- etcd.service'],
    undo: [],
  },
  {
    title: 'restarted starts a stopped unit, undo stops it',
    args: { name: 'etcd', state: 'restarted' },
    facts: STOPPED_DISABLED,
    steps: ['systemctl start -- etcd.service'],
    undo: ['systemctl stop -- etcd.service'],
  },
  {
    title: 'reloaded reloads a running unit',
    args: { name: 'etcd', state: 'reloaded' },
    facts: RUNNING_DISABLED,
    steps: ['systemctl reload -- etcd.service'],
    undo: [],
  },
  {
    title: 'daemon_reload runs first when the unit changed on disk, even with nothing else to do',
    args: { name: 'etcd', state: 'started', daemon_reload: true },
    facts: CHANGED_ON_DISK,
    diff: ['etcd.service: unit file changed on disk -> reloaded'],
    steps: ['systemctl daemon-reload'],
    undo: [],
  },
  {
    title: 'daemon_reload goes before the other changes',
    args: { name: 'etcd', state: 'started', enabled: true, daemon_reload: true },
    facts: STOPPED_DISABLED,
    steps: ['systemctl daemon-reload', 'systemctl enable -- etcd.service', 'systemctl start -- etcd.service'],
  },
  {
    title: 'daemon_reload with no name always runs',
    args: { daemon_reload: true },
    facts: '',
    diff: ['systemd: unit files as loaded -> unit files reloaded'],
    steps: ['systemctl daemon-reload'],
    undo: [],
  },
  {
    title: 'masks a unit that does not exist; undo unmasks it',
    args: { name: 'etcd', masked: true },
    facts: NOT_FOUND,
    diff: ['etcd.service: unmasked -> masked'],
    steps: ['systemctl mask -- etcd.service'],
    undo: ['systemctl unmask -- etcd.service'],
  },
  {
    title: 'masking and stopping: undo unmasks before it starts',
    args: { name: 'etcd', masked: true, state: 'stopped' },
    facts: RUNNING_ENABLED,
    steps: ['systemctl mask -- etcd.service', 'systemctl stop -- etcd.service'],
    undo: ['systemctl unmask -- etcd.service', 'systemctl start -- etcd.service'],
  },
  {
    title: 'unmasking and starting: undo stops before it masks',
    args: { name: 'etcd', masked: false, state: 'started' },
    facts: MASKED,
    steps: ['systemctl unmask -- etcd.service', 'systemctl start -- etcd.service'],
    undo: ['systemctl stop -- etcd.service', 'systemctl mask -- etcd.service'],
  },
  {
    title: 'user scope',
    args: { name: 'etcd', state: 'started', scope: 'user' },
    facts: STOPPED_DISABLED,
    steps: ['systemctl --user start -- etcd.service'],
    undo: ['systemctl --user stop -- etcd.service'],
  },
  // no-op and idempotency
  { title: 'idempotent: running and enabled', args: { name: 'etcd', state: 'started', enabled: true }, facts: RUNNING_ENABLED },
  { title: 'idempotent: stopped and disabled', args: { name: 'etcd', state: 'stopped', enabled: false }, facts: STOPPED_DISABLED },
  { title: 'idempotent: masked', args: { name: 'etcd', masked: true }, facts: MASKED },
  { title: 'no-op: daemon_reload when nothing changed on disk', args: { name: 'etcd', daemon_reload: true, state: 'started' }, facts: RUNNING_ENABLED },
  { title: 'no-op: a static unit counts as enabled', args: { name: 'systemd-journald', enabled: true }, facts: STATIC },
  { title: 'no-op with a warning: a static unit cannot be disabled', args: { name: 'systemd-journald', enabled: false }, facts: STATIC },
];

for (const c of cases) {
  test(c.title, async (t) => {
    const { plan, conn } = await planWith(systemd, c.args, c.facts);
    t.true(conn.commands().length <= 1);
    if (!c.steps) {
      t.false(plan.changed);
      return;
    }
    t.true(plan.changed);
    if (c.diff) t.deepEqual(plan.diff?.map((d) => `${d.subject}: ${d.before} -> ${d.after}`), c.diff);
    t.deepEqual(commands(plan.steps), c.steps);
    if (c.undo) t.deepEqual(commands(plan.undo), c.undo);
  });
}

test('a missing unit is an error for state, even stopped, as in Ansible', async (t) => {
  for (const args of [{ name: 'etcd', state: 'stopped' }, { name: 'etcd', enabled: true }]) {
    const error = await t.throwsAsync(planWith(systemd, args, NOT_FOUND));
    t.true(error instanceof ModuleError);
    t.is(error?.message, 'Could not find the requested service etcd: host');
  }
});

test('a unit file on disk that systemd has not loaded yet is found', async (t) => {
  const onDiskOnly = probe(show('etcd.service', 'not-found', 'inactive', 'dead', ''), 'disabled', 1);
  const { plan } = await planWith(systemd, { name: 'etcd', state: 'started', daemon_reload: true }, onDiskOnly);
  t.deepEqual(commands(plan.steps), ['systemctl daemon-reload', 'systemctl start -- etcd.service']);
});

test('a static unit cannot be disabled: a warning, no change', async (t) => {
  const { plan } = await planWith(systemd, { name: 'systemd-journald', enabled: false }, STATIC);
  t.false(plan.changed);
  t.regex(plan.warnings?.[0] ?? '', /static/);
});

test('the probe is one command: show and is-enabled', async (t) => {
  const { conn } = await planWith(systemd, { name: 'etcd', state: 'started' }, RUNNING_ENABLED);
  t.is(conn.commands().length, 1);
  t.regex(conn.commands()[0] ?? '', /systemctl show -p Id,LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload,MainPID,LoadError -- etcd .*systemctl is-enabled -- etcd/s);
});

test('without systemd the error says so', async (t) => {
  const none = '@@ezplay:begin:show\nSystem has not been booted with systemd as init system (PID 1). Can\'t operate.\n\n@@ezplay:end:1\n';
  const error = await t.throwsAsync(planWith(systemd, { name: 'etcd', state: 'started' }, none));
  t.regex(error?.message ?? '', /^systemctl: System has not been booted/);
});

test('service and systemd_service plan the same way', async (t) => {
  for (const module of [service, systemdService]) {
    const { plan } = await planWith(module, { name: 'etcd', state: 'started', enabled: true }, STOPPED_DISABLED);
    t.deepEqual(commands(plan.steps), ['systemctl enable -- etcd.service', 'systemctl start -- etcd.service']);
  }
});

test('state without a name is an error', async (t) => {
  await t.throwsAsync(planWith(systemd, { state: 'started' }, ''), { message: /name is required/ });
});

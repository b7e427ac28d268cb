import test from 'ava';
import { ModuleError } from '../../../src/errors.js';
import { parseUnitFacts } from '../../../src/facts/systemd-unit.js';
import { service, systemd, systemdService } from '../../../src/modules/systemd.js';
import { moduleTable, type ModuleCase } from '../../helpers/module-table.js';

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

const STARTED_USER = RUNNING_DISABLED;
const MASKED_RUNNING = probe(show('etcd.service', 'masked', 'active', 'running', 'masked', 'no', 51), 'masked', 1);
const RUNNING_UNMASKED = probe(show('etcd.service', 'loaded', 'active', 'running', 'disabled', 'no', 51), 'disabled', 1);
const ON_DISK_ONLY = probe(show('etcd.service', 'not-found', 'inactive', 'dead', ''), 'disabled', 1);
const NO_SYSTEMD = "@@ezplay:begin:show\nSystem has not been booted with systemd as init system (PID 1). Can't operate.\n\n@@ezplay:end:1\n";

const unit = (facts: string) => ({ systemctl: facts });
const ALWAYS = 'runs every time it is asked for';

const cases: ModuleCase[] = [
  {
    name: 'starts and enables; undo stops and disables',
    module: systemd,
    args: { name: 'etcd', state: 'started', enabled: true },
    facts: unit(STOPPED_DISABLED),
    expect: {
      changed: true,
      reads: 1,
      diff: ['etcd.service: disabled -> enabled', 'etcd.service: inactive -> active'],
      steps: ['systemctl enable -- etcd.service', 'systemctl start -- etcd.service'],
      undo: ['systemctl stop -- etcd.service', 'systemctl disable -- etcd.service'],
    },
    after: unit(RUNNING_ENABLED),
  },
  {
    name: 'no_block queues the start',
    module: systemd,
    args: { name: 'etcd', state: 'started', no_block: true },
    facts: unit(STOPPED_DISABLED),
    expect: { changed: true, reads: 1, steps: ['systemctl start --no-block -- etcd.service'], undo: ['systemctl stop -- etcd.service'] },
    after: unit(RUNNING_DISABLED),
  },
  {
    name: 'starts a failed unit',
    module: systemd,
    args: { name: 'etcd', state: 'started' },
    facts: unit(FAILED),
    expect: { changed: true, reads: 1, diff: ['etcd.service: failed -> active'], steps: ['systemctl start -- etcd.service'] },
    after: unit(RUNNING_ENABLED),
  },
  {
    name: 'stops and disables; undo enables and starts',
    module: systemd,
    args: { name: 'etcd', state: 'stopped', enabled: false },
    facts: unit(RUNNING_ENABLED),
    expect: {
      changed: true,
      reads: 1,
      steps: ['systemctl disable -- etcd.service', 'systemctl stop -- etcd.service'],
      undo: ['systemctl start -- etcd.service', 'systemctl enable -- etcd.service'],
    },
    after: unit(STOPPED_DISABLED),
  },
  {
    name: 'restarted always restarts a running unit, with nothing to undo',
    module: systemd,
    args: { name: 'etcd', state: 'restarted' },
    facts: unit(RUNNING_ENABLED),
    expect: { changed: true, reads: 1, diff: ['etcd.service: active -> active (restarted)'], steps: ['systemctl restart -- etcd.service'], undo: [] },
    idempotence: `a restart ${ALWAYS}`,
  },
  {
    name: 'restarted starts a stopped unit, undo stops it',
    module: systemd,
    args: { name: 'etcd', state: 'restarted' },
    facts: unit(STOPPED_DISABLED),
    expect: { changed: true, reads: 1, steps: ['systemctl start -- etcd.service'], undo: ['systemctl stop -- etcd.service'] },
    idempotence: `a restart ${ALWAYS}`,
  },
  {
    name: 'reloaded reloads a running unit',
    module: systemd,
    args: { name: 'etcd', state: 'reloaded' },
    facts: unit(RUNNING_DISABLED),
    expect: { changed: true, reads: 1, steps: ['systemctl reload -- etcd.service'], undo: [] },
    idempotence: `a reload ${ALWAYS}`,
  },
  {
    name: 'daemon_reload runs first when the unit changed on disk, even with nothing else to do',
    module: systemd,
    args: { name: 'etcd', state: 'started', daemon_reload: true },
    facts: unit(CHANGED_ON_DISK),
    expect: { changed: true, reads: 1, diff: ['etcd.service: unit file changed on disk -> reloaded'], steps: ['systemctl daemon-reload'], undo: [] },
    after: unit(RUNNING_ENABLED),
  },
  {
    name: 'daemon_reload goes before the other changes',
    module: systemd,
    args: { name: 'etcd', state: 'started', enabled: true, daemon_reload: true },
    facts: unit(STOPPED_DISABLED),
    expect: { changed: true, reads: 1, steps: ['systemctl daemon-reload', 'systemctl enable -- etcd.service', 'systemctl start -- etcd.service'] },
    after: unit(RUNNING_ENABLED),
  },
  {
    name: 'daemon_reload with no name always runs',
    module: systemd,
    args: { daemon_reload: true },
    facts: unit(''),
    expect: { changed: true, reads: 0, diff: ['systemd: unit files as loaded -> unit files reloaded'], steps: ['systemctl daemon-reload'], undo: [] },
    idempotence: `a daemon-reload without a unit ${ALWAYS}`,
  },
  {
    name: 'masks a unit that does not exist; undo unmasks it',
    module: systemd,
    args: { name: 'etcd', masked: true },
    facts: unit(NOT_FOUND),
    expect: { changed: true, reads: 1, diff: ['etcd.service: unmasked -> masked'], steps: ['systemctl mask -- etcd.service'], undo: ['systemctl unmask -- etcd.service'] },
    after: unit(MASKED),
  },
  {
    name: 'masking and stopping: undo unmasks before it starts',
    module: systemd,
    args: { name: 'etcd', masked: true, state: 'stopped' },
    facts: unit(RUNNING_ENABLED),
    expect: {
      changed: true,
      reads: 1,
      steps: ['systemctl mask -- etcd.service', 'systemctl stop -- etcd.service'],
      undo: ['systemctl unmask -- etcd.service', 'systemctl start -- etcd.service'],
    },
    after: unit(MASKED),
  },
  {
    name: 'unmasking and starting: undo stops before it masks',
    module: systemd,
    args: { name: 'etcd', masked: false, state: 'started' },
    facts: unit(MASKED),
    expect: {
      changed: true,
      reads: 1,
      steps: ['systemctl unmask -- etcd.service', 'systemctl start -- etcd.service'],
      undo: ['systemctl stop -- etcd.service', 'systemctl mask -- etcd.service'],
    },
    after: unit(RUNNING_UNMASKED),
  },
  {
    name: 'user scope',
    module: systemd,
    args: { name: 'etcd', state: 'started', scope: 'user' },
    facts: unit(STOPPED_DISABLED),
    expect: { changed: true, reads: 1, steps: ['systemctl --user start -- etcd.service'], undo: ['systemctl --user stop -- etcd.service'] },
    after: unit(STARTED_USER),
  },
  // no-op and idempotency
  { name: 'idempotent: running and enabled', module: systemd, args: { name: 'etcd', state: 'started', enabled: true }, facts: unit(RUNNING_ENABLED), expect: { changed: false, reads: 1 } },
  { name: 'idempotent: stopped and disabled', module: systemd, args: { name: 'etcd', state: 'stopped', enabled: false }, facts: unit(STOPPED_DISABLED), expect: { changed: false, reads: 1 } },
  { name: 'idempotent: masked', module: systemd, args: { name: 'etcd', masked: true }, facts: unit(MASKED), expect: { changed: false, reads: 1 } },
  { name: 'idempotent: masked while still running is masked', module: systemd, args: { name: 'etcd', masked: true }, facts: unit(MASKED_RUNNING), expect: { changed: false, reads: 1 } },
  {
    name: 'no-op: daemon_reload when nothing changed on disk',
    module: systemd,
    args: { name: 'etcd', daemon_reload: true, state: 'started' },
    facts: unit(RUNNING_ENABLED),
    expect: { changed: false, reads: 1 },
  },
  { name: 'no-op: a static unit counts as enabled', module: systemd, args: { name: 'systemd-journald', enabled: true }, facts: unit(STATIC), expect: { changed: false, reads: 1 } },
  {
    name: 'a static unit cannot be disabled: a warning, no change',
    module: systemd,
    args: { name: 'systemd-journald', enabled: false },
    facts: unit(STATIC),
    expect: { changed: false, reads: 1, also: (t, plan) => t.regex(plan.warnings?.[0] ?? '', /static/) },
  },
  {
    name: 'a missing unit is an error for state, even stopped, as in Ansible',
    module: systemd,
    args: { name: 'etcd', state: 'stopped' },
    facts: unit(NOT_FOUND),
    expect: { error: 'Could not find the requested service etcd: host', errorClass: ModuleError },
  },
  {
    name: 'a missing unit is an error for enabled',
    module: systemd,
    args: { name: 'etcd', enabled: true },
    facts: unit(NOT_FOUND),
    expect: { error: 'Could not find the requested service etcd: host', errorClass: ModuleError },
  },
  {
    name: 'a unit file on disk that systemd has not loaded yet is found',
    module: systemd,
    args: { name: 'etcd', state: 'started', daemon_reload: true },
    facts: unit(ON_DISK_ONLY),
    expect: { changed: true, steps: ['systemctl daemon-reload', 'systemctl start -- etcd.service'] },
    after: unit(RUNNING_DISABLED),
  },
  {
    name: 'the probe is one command: show and is-enabled',
    module: systemd,
    args: { name: 'etcd', state: 'started' },
    facts: unit(RUNNING_ENABLED),
    expect: {
      changed: false,
      readCommands: [/systemctl show -p Id,LoadState,ActiveState,SubState,UnitFileState,NeedDaemonReload,MainPID,LoadError -- etcd .*systemctl is-enabled -- etcd/s],
    },
  },
  { name: 'without systemd the error says so', module: systemd, args: { name: 'etcd', state: 'started' }, facts: unit(NO_SYSTEMD), expect: { error: /^systemctl: System has not been booted/ } },
  { name: 'state without a name is an error', module: systemd, args: { state: 'started' }, facts: unit(''), expect: { error: /name is required/ } },
  ...[service, systemdService].map(
    (module): ModuleCase => ({
      name: 'plans the same way as systemd',
      module,
      args: { name: 'etcd', state: 'started', enabled: true },
      facts: unit(STOPPED_DISABLED),
      expect: { changed: true, steps: ['systemctl enable -- etcd.service', 'systemctl start -- etcd.service'] },
      after: unit(RUNNING_ENABLED),
    }),
  ),
];

moduleTable(cases);

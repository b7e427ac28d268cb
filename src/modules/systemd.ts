/**
 * `systemd` (alias `systemd_service`) and `service`: Ansible's service
 * managers, for systemd hosts only.
 */
import { ModuleError } from '../errors.js';
import { defineModule, type ArgSchema, type HostContext, type Module, type Plan } from './types.js';
import { planDaemonOnly, planUnit, type SystemdArgs } from './systemd-changes.js';
import { parseUnitFacts, SystemctlUnavailable, unitProbeCommand } from '../facts/systemd-unit.js';

const common: ArgSchema = {
  state: {
    type: 'str',
    choices: ['started', 'stopped', 'restarted', 'reloaded'],
    description:
      'started and stopped change only what differs; restarted and reloaded always act (and start a stopped unit). ' +
      'Undo stops what was started and starts what was stopped; a restart or reload has no undo.',
  },
  enabled: {
    type: 'bool',
    description: 'Whether the unit starts at boot (systemctl enable/disable). Undo does the opposite.',
  },
  masked: {
    type: 'bool',
    description: 'Whether the unit is masked so nothing can start it. Works on units that do not exist yet.',
  },
  daemon_reload: {
    type: 'bool',
    default: false,
    aliases: ['daemon-reload'],
    description:
      'Run systemctl daemon-reload before anything else. With a unit name it runs when the unit file changed ' +
      'on disk (NeedDaemonReload) or when the task changes something else; with no name it always runs.',
  },
  scope: {
    type: 'str',
    default: 'system',
    choices: ['system', 'user'],
    description: "Which manager: the system's, or the user's own (systemctl --user) for the connecting user.",
  },
  no_block: {
    type: 'bool',
    default: false,
    description:
      'Queue start, stop, restart or reload without waiting for it to finish (--no-block). Needed to start ' +
      'every member of a new etcd cluster at once: each one blocks until a quorum of members is up.',
  },
};

const systemdArgs: ArgSchema = {
  name: {
    type: 'str',
    aliases: ['service', 'unit'],
    description: "The unit, e.g. etcd or etcd.service (systemd adds '.service'). Optional with daemon_reload alone.",
  },
  ...common,
  daemon_reexec: {
    type: 'bool',
    default: false,
    aliases: ['daemon-reexec'],
    description: 'Run systemctl daemon-reexec before anything else (always counts as a change).',
  },
  force: {
    type: 'bool',
    default: false,
    description: 'Pass --force to enable and mask, replacing conflicting symlinks.',
  },
};

async function planSystemd(ctx: HostContext, args: SystemdArgs): Promise<Plan> {
  if (args.name === undefined) {
    if (args.state !== undefined || args.enabled !== undefined || args.masked !== undefined) {
      throw new ModuleError('systemd: name is required with state, enabled or masked');
    }
    return planDaemonOnly(args);
  }
  const res = await ctx.probe(unitProbeCommand(args.name, args.scope));
  try {
    return planUnit(args, parseUnitFacts(res.stdout, args.name));
  } catch (error) {
    if (error instanceof SystemctlUnavailable) throw new ModuleError(`systemctl: ${error.message}`, { rc: res.rc });
    throw error;
  }
}

const description =
  'Starts, stops, restarts, reloads, enables, disables and masks systemd units, reading the unit with one ' +
  '`systemctl show` and `systemctl is-enabled`. The unit must exist for state and enabled ' +
  "(\"Could not find the requested service NAME: host\", as Ansible says), even for stopped; masked does not need it. " +
  'daemon_reload counts as a change only when the unit changed on disk or something else changes, ' +
  'because a change is what makes ezplay run the task.';

function defineSystemd(name: string): Module<SystemdArgs> {
  return defineModule<SystemdArgs>({
    name,
    summary: 'Manage systemd units: state, enablement, masking, daemon-reload',
    description,
    args: systemdArgs,
    plan: planSystemd,
  });
}

export const systemd = defineSystemd('systemd');
export const systemdService = defineSystemd('systemd_service');

export const service = defineModule<SystemdArgs>({
  name: 'service',
  summary: 'Manage services (on systemd hosts: the same as systemd)',
  description: `Ansible's generic service module; ezplay targets systemd hosts only, so this is systemd with service's argument names. ${description}`,
  args: {
    name: { type: 'str', required: true, description: 'The service, e.g. etcd.' },
    ...common,
  },
  plan: (ctx, args) => planSystemd(ctx, { ...args, daemon_reexec: false, force: false }),
});

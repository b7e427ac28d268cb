/** `firewalld`: Ansible's ansible.posix.firewalld, for ports. */
import { ModuleError } from '../../errors.js';
import { defineModule } from '../types.js';
import { firewallProbeCommand, parseFirewallFacts } from '../../facts/firewall/state.js';
import { planFirewalldPort } from './firewalld.js';
import { parsePortRule, portLabel } from '../../facts/firewall/ports.js';

export interface FirewalldArgs {
  port: string;
  zone?: string;
  permanent: boolean;
  immediate: boolean;
  state: 'enabled' | 'disabled';
}

export const firewalld = defineModule<FirewalldArgs>({
  name: 'firewalld',
  summary: 'Open or close a port in firewalld',
  description:
    "Ansible's firewalld module for ports. As in Ansible, the running configuration changes when immediate is true " +
    'or permanent is false. firewalld must be running. Undo removes exactly the entries the task added (runtime, ' +
    'permanent or both) and adds back the ones it removed.',
  args: {
    port: { type: 'str', required: true, description: "Port or range with its protocol: '2379/tcp', '2379-2380/tcp'." },
    zone: { type: 'str', description: 'The zone; the default zone when not given.' },
    permanent: {
      type: 'bool',
      default: false,
      description: 'Change the permanent configuration, which survives reloads and reboots.',
    },
    immediate: {
      type: 'bool',
      default: false,
      description: 'Also change the running configuration when permanent is true.',
    },
    state: { type: 'str', required: true, choices: ['enabled', 'disabled'], description: 'enabled opens the port, disabled closes it.' },
  },
  async plan(ctx, args) {
    if (!args.port.includes('/')) throw new ModuleError(`port '${args.port}' needs its protocol, e.g. '${args.port}/tcp'`);
    const rule = parsePortRule(args.port, 'tcp');
    const facts = parseFirewallFacts((await ctx.probe(firewallProbeCommand(args.zone))).stdout);
    const fw = facts.firewalld;
    if (!fw) throw new ModuleError('firewalld is not running (firewall-cmd --state)');
    const change = planFirewalldPort(rule, fw, {
      open: args.state === 'enabled',
      zone: fw.zone,
      permanent: args.permanent,
      runtime: args.immediate || !args.permanent,
    });
    const result = { port: portLabel(rule), zone: fw.zone, state: args.state };
    if (!change) return { changed: false, result };
    const diff = [{ subject: portLabel(rule), before: change.before, after: change.after, kind: 'summary' as const }];
    return { changed: true, diff, steps: change.steps, undo: change.undo, result };
  },
});

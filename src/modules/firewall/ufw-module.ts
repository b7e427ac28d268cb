/** `ufw`: community.general.ufw, the everyday subset (simple port rules, enabling the firewall). */
import { ModuleError } from '../../errors.js';
import { defineModule, type Diff, type Step } from '../types.js';
import { run } from './change.js';
import { firewallFact } from '../../facts/firewall/state.js';
import { formatPorts, parsePortRule } from '../../facts/firewall/ports.js';
import { planUfwRule } from './ufw.js';
import type { UfwRule } from '../../facts/firewall/rules.js';

export interface UfwArgs {
  rule?: UfwRule['action'];
  port?: string;
  proto: 'tcp' | 'udp' | 'any';
  comment?: string;
  delete: boolean;
  state?: 'enabled' | 'disabled';
}

/** ufw's spelling of a port: `2379/tcp`, `2379:2380/tcp`, or a bare `2379` for both protocols. */
export function ufwPort(port: string, proto: UfwArgs['proto']): string {
  const r = parsePortRule(port, proto === 'any' ? 'tcp' : proto);
  if (proto === 'any' && r.from !== r.to) throw new ModuleError('ufw needs proto tcp or udp for a port range');
  return proto === 'any' ? formatPorts(r, ':') : `${formatPorts(r, ':')}/${r.proto}`;
}

export const ufw = defineModule<UfwArgs>({
  name: 'ufw',
  summary: 'Add or delete ufw port rules, enable or disable ufw',
  description:
    "community.general.ufw for simple port rules (no from/to/interface) and for turning ufw on and off. Rules are " +
    "compared with `ufw show added`, so they can be added while ufw is inactive. Rules go in before ufw is enabled. " +
    'Undo deletes the rules the task added, adds back the ones it deleted, and puts ufw back on or off.',
  args: {
    rule: { type: 'str', choices: ['allow', 'deny', 'reject', 'limit'], description: 'What the rule does with matching traffic.' },
    port: { type: 'str', aliases: ['to_port'], description: "Port or range ('2379', '2379:2380'); a range needs proto tcp or udp." },
    proto: { type: 'str', default: 'any', aliases: ['protocol'], choices: ['tcp', 'udp', 'any'], description: 'Protocol of the rule.' },
    comment: { type: 'str', description: 'A comment stored with the rule.' },
    delete: { type: 'bool', default: false, description: 'Delete the rule instead of adding it.' },
    state: {
      type: 'str',
      choices: ['enabled', 'disabled'],
      description: 'enabled turns ufw on (and on at boot), disabled turns it off. Enabling over SSH needs a rule that allows SSH first.',
    },
  },
  async plan(ctx, args) {
    if ((args.rule === undefined) !== (args.port === undefined)) throw new ModuleError('ufw: rule and port go together');
    if (args.rule === undefined && args.state === undefined) throw new ModuleError('ufw: give a rule and port, or state');
    const facts = await ctx.gather(firewallFact, undefined);
    if (!facts.ufw) throw new ModuleError('ufw is not installed');
    const diff: Diff[] = [];
    const steps: Step[] = [];
    const undo: Step[] = [];
    const warnings: string[] = [];
    if (args.rule !== undefined && args.port !== undefined) {
      const wanted: UfwRule = { action: args.rule, port: ufwPort(args.port, args.proto), ...(args.comment !== undefined ? { comment: args.comment } : {}) };
      const change = planUfwRule(facts.ufw.rules, wanted, !args.delete);
      if (change) {
        diff.push({ subject: `ufw ${wanted.port}`, before: change.before, after: change.after, kind: 'summary' });
        steps.push(...change.steps);
        undo.unshift(...change.undo);
      }
    }
    const active = facts.ufw.active;
    if (args.state !== undefined && (args.state === 'enabled') !== active) {
      const [on, off] = [run('ufw --force enable', 'enable ufw'), run('ufw disable', 'disable ufw')];
      diff.push({ subject: 'ufw', before: active ? 'active' : 'inactive', after: active ? 'inactive' : 'active', kind: 'summary' });
      steps.push(active ? off : on);
      undo.unshift(active ? { ...on, description: 'enable ufw again' } : { ...off, description: 'disable ufw again' });
      const ssh = facts.ufw.rules.some((r) => r.action !== 'deny' && r.action !== 'reject' && /^(22|ssh|OpenSSH)(\/tcp)?$/.test(r.port));
      if (!active && !ssh && !(args.port !== undefined && /^22(\/tcp)?$/.test(args.port))) {
        warnings.push('enabling ufw with no rule allowing 22/tcp: SSH connections may be cut');
      }
    }
    const result = { ufw: active ? 'active' : 'inactive' };
    if (!steps.length) return { changed: false, result };
    return { changed: true, diff, steps, undo, result, ...(warnings.length ? { warnings } : {}) };
  },
});

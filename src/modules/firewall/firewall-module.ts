/**
 * `firewall`: ezplay's own module. Opens or closes ports in whichever
 * firewall is active on the host (firewalld, ufw, nftables, iptables), and
 * does nothing, saying so, when none is.
 */
import { defineModule, type Diff, type Step } from '../types.js';
import type { RuleChange } from './change.js';
import { MARK } from '../../facts/firewall/matches.js';
import { activeBackend, firewallFact, type Backend, type FirewallFacts } from '../../facts/firewall/state.js';
import { planFirewalldPort } from './firewalld.js';
import { planIptablesPort, saveStep } from './iptables.js';
import { planNftPort } from './nft.js';
import { formatPorts, parsePortRules, portLabel, type PortRule, type Proto } from '../../facts/firewall/ports.js';
import { planUfwRule } from './ufw.js';

export interface FirewallArgs {
  port: unknown;
  proto: Proto;
  state: 'enabled' | 'disabled' | 'present' | 'absent' | 'open' | 'closed';
  zone?: string;
  permanent: boolean;
  immediate: boolean;
}

function planPort(backend: Backend, f: FirewallFacts, rule: PortRule, open: boolean, a: FirewallArgs): RuleChange | undefined {
  switch (backend) {
    case 'firewalld': {
      const fw = f.firewalld!;
      return planFirewalldPort(rule, fw, { open, zone: fw.zone, permanent: a.permanent, runtime: a.immediate });
    }
    case 'ufw': {
      const port = `${formatPorts(rule, ':')}/${rule.proto}`;
      const change = planUfwRule(f.ufw!.rules, { action: 'allow', port, comment: MARK }, open);
      return change && { ...change, before: open ? 'closed' : 'open (ufw)', after: open ? 'open (ufw)' : 'closed' };
    }
    case 'nftables':
      return planNftPort(f.nftables!, rule, open);
    case 'iptables':
      return planIptablesPort(f.iptables!.rules, rule, open, f.iptables!.persistent);
  }
}

export const firewall = defineModule<FirewallArgs>({
  name: 'firewall',
  summary: 'Open or close ports in whichever firewall is active',
  description:
    'Finds the active firewall with one probe: firewalld if running, else ufw if active, else an nftables ' +
    "`inet` table with an input hook chain, else iptables whenever `iptables -S INPUT` works (even with an ACCEPT " +
    'policy, so the port stays open if the policy later becomes DROP). With none of them it changes nothing and warns. ' +
    'A port already accepted by a plain rule (ezplay\'s or not) counts as open. Rules ezplay adds carry the comment ' +
    "'ezplay' and go first in the chain. Persistence: firewalld gets runtime and permanent (per the arguments), ufw " +
    'is persistent, iptables is saved with netfilter-persistent when installed, nftables rules last until reboot ' +
    '(a warning says so). IPv4 only for iptables. Undo closes exactly what the task opened and reopens what it closed.',
  args: {
    port: {
      type: 'raw',
      required: true,
      description: "A port (2379), a range ('2379-2380' or '2379:2380'), or a list of them; '2379/udp' sets the protocol of one item.",
    },
    proto: { type: 'str', default: 'tcp', choices: ['tcp', 'udp'], description: 'Protocol of the ports.' },
    state: {
      type: 'str',
      default: 'enabled',
      choices: ['enabled', 'disabled', 'present', 'absent', 'open', 'closed'],
      description: 'enabled (also present, open) lets the ports in; disabled (also absent, closed) removes the rules that do.',
    },
    zone: { type: 'str', description: "firewalld zone; the default zone when not given. Ignored by other firewalls." },
    permanent: {
      type: 'bool',
      default: true,
      description: "firewalld: change the permanent configuration (survives reload and reboot). Ignored by other firewalls.",
    },
    immediate: {
      type: 'bool',
      default: true,
      description: 'firewalld: change the running configuration now. Ignored by other firewalls.',
    },
  },
  async plan(ctx, args) {
    const rules = parsePortRules(args.port, args.proto);
    const open = ['enabled', 'present', 'open'].includes(args.state);
    const facts = await ctx.gather(firewallFact, args.zone);
    const backend = activeBackend(facts);
    const ports = rules.map(portLabel);
    if (!backend) {
      const msg = `no active firewall (firewalld, ufw, nftables or iptables) on ${ctx.host}: ${ports.join(', ')} left as they are`;
      ctx.warn(msg);
      return { changed: false, msg, result: { backend: null, ports } };
    }
    const diff: Diff[] = [];
    const steps: Step[] = [];
    const undo: Step[] = [];
    const changes: RuleChange[] = [];
    for (const rule of rules) {
      const change = planPort(backend, facts, rule, open, args);
      if (!change) continue;
      diff.push({ subject: portLabel(rule), before: change.before, after: change.after, kind: 'summary' });
      steps.push(...change.steps);
      changes.push(change);
    }
    // rules removed by position come back in ascending order of their old positions, the rest newest first
    const positioned = changes.every((c) => c.position !== undefined);
    const ordered = positioned ? changes.sort((a, b) => (a.position ?? 0) - (b.position ?? 0)) : changes.reverse();
    for (const c of ordered) undo.push(...c.undo);
    const result = { backend, ports, ...(backend === 'firewalld' ? { zone: facts.firewalld!.zone } : {}) };
    if (!steps.length) return { changed: false, result };
    if (backend === 'iptables') {
      steps.push(...saveStep(facts.iptables!.persistent));
      undo.push(...saveStep(facts.iptables!.persistent));
    }
    const warnings =
      backend === 'nftables'
        ? ['nftables rules are not written to /etc/nftables.conf: they last until reboot']
        : backend === 'iptables' && !facts.iptables!.persistent
          ? ['netfilter-persistent is not installed: the iptables rules last until reboot']
          : [];
    return { changed: true, diff, steps, undo, result, ...(warnings.length ? { warnings } : {}) };
  },
});

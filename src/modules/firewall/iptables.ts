/**
 * iptables (on Debian 12 the nf_tables backend behind the same commands):
 * rules are read from `iptables -S`, written with -I/-D, and saved with
 * netfilter-persistent when it is installed.
 */
import { sh } from '../../shell/quote.js';
import { run, type RuleChange } from './change.js';
import { formatPorts, type PortRule } from '../../facts/firewall/ports.js';
import { findIptablesPortRule, iptablesPortSpec } from '../../facts/firewall/matches.js';
import type { Step } from '../types.js';
import type { IptablesRule } from '../../facts/firewall/rules.js';

/** netfilter-persistent saves the whole ruleset, so it runs once, after all of a task's rules. */
export function saveStep(persistent: boolean): Step[] {
  return persistent ? [run('netfilter-persistent save', 'save the rules for the next boot')] : [];
}

export function planIptablesPort(rules: IptablesRule[], rule: PortRule, open: boolean, persistent: boolean): RuleChange | undefined {
  const found = findIptablesPortRule(rules, rule);
  const label = `${formatPorts(rule, '-')}/${rule.proto}`;
  const after = `open (iptables INPUT${persistent ? ', saved' : ''})`;
  if (open && !found) {
    const spec = iptablesPortSpec(rule);
    // inserted first: appended after a DROP or REJECT rule it would never match
    return {
      before: 'closed',
      after,
      steps: [run(sh`iptables -w -I INPUT ${spec}`, `accept ${label}`)],
      undo: [run(sh`iptables -w -D INPUT ${spec}`, `remove the rule accepting ${label} again`)],
    };
  }
  if (!open && found) {
    return {
      before: after,
      after: 'closed',
      steps: [run(sh`iptables -w -D INPUT ${found.spec}`, `remove the rule accepting ${label}`)],
      undo: [run(sh`iptables -w -I INPUT ${found.position} ${found.spec}`, `accept ${label} again, at its old place`)],
      position: found.position,
    };
  }
  return undefined;
}

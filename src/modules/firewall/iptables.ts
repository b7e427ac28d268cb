/**
 * iptables (on Debian 12 the nf_tables backend behind the same commands):
 * rules are read from `iptables -S`, written with -I/-D, and saved with
 * netfilter-persistent when it is installed.
 */
import { sh } from '../../shell/quote.js';
import { shlexSplit } from '../../shell/shlex.js';
import { MARK, run, type RuleChange } from './change.js';
import { formatPorts, type PortRule } from '../../facts/firewall/ports.js';
import type { Step } from '../types.js';

export interface IptablesRule {
  chain: string;
  /** the rule's words after `-A CHAIN` */
  spec: string[];
  /** 1-based position in its chain */
  position: number;
}

/** `iptables -S CHAIN` lines; `-P` policy lines are skipped. */
export function parseIptablesRules(out: string): IptablesRule[] {
  const rules: IptablesRule[] = [];
  const positions = new Map<string, number>();
  for (const line of out.split('\n')) {
    if (!line.startsWith('-A ')) continue;
    const [, chain = '', ...spec] = shlexSplit(line);
    const position = (positions.get(chain) ?? 0) + 1;
    positions.set(chain, position);
    rules.push({ chain, spec, position });
  }
  return rules;
}

/** The rule ezplay adds for a port, in the words `iptables -S` prints back. */
export function iptablesPortSpec(rule: PortRule, comment: string | null = MARK): string[] {
  return [
    '-p', rule.proto, '-m', rule.proto, '--dport', formatPorts(rule, ':'),
    ...(comment !== null ? ['-m', 'comment', '--comment', comment] : []),
    '-j', 'ACCEPT',
  ];
}

/** Any rule in INPUT that accepts exactly this port with no other condition (ours or the admin's). */
export function findIptablesPortRule(rules: IptablesRule[], rule: PortRule): IptablesRule | undefined {
  const bare = iptablesPortSpec(rule, null).join(' ');
  return rules.find((r) => {
    if (r.chain !== 'INPUT') return false;
    const words = [...r.spec];
    const c = words.indexOf('--comment');
    if (c >= 2 && words[c - 1] === 'comment' && words[c - 2] === '-m') words.splice(c - 2, 4);
    return words.join(' ') === bare;
  });
}

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

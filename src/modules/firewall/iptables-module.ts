/** `iptables`: Ansible's iptables module, the everyday subset for one rule. */
import { sh } from '../../shell/quote.js';
import { defineModule } from '../types.js';
import { batchProbe, parseSections, section } from '../../facts/sections.js';
import { run } from './change.js';
import { parseIptablesRules } from '../../facts/firewall/rules.js';
import { planChainChanges } from './iptables-chain.js';

export interface IptablesArgs {
  table: string;
  /** undefined: INPUT for a rule, the whole table for flush */
  chain?: string;
  protocol?: string;
  source?: string;
  destination_port?: string;
  jump?: string;
  comment?: string;
  state: 'present' | 'absent';
  action: 'append' | 'insert';
  ip_version: 'ipv4' | 'ipv6';
  policy?: 'ACCEPT' | 'DROP' | 'QUEUE' | 'RETURN';
  flush: boolean;
}

/** The rule's words in iptables' own order, so `iptables -S` prints them back the same. */
export function iptablesSpec(a: IptablesArgs): string[] {
  const proto = a.protocol?.toLowerCase();
  const ports = a.destination_port !== undefined && (proto === 'tcp' || proto === 'udp');
  return [
    ...(a.source !== undefined ? ['-s', a.source] : []),
    ...(proto !== undefined ? ['-p', proto] : []),
    ...(ports ? ['-m', proto as string, '--dport', String(a.destination_port).replace('-', ':')] : []),
    ...(a.comment !== undefined ? ['-m', 'comment', '--comment', a.comment] : []),
    ...(a.jump !== undefined ? ['-j', a.jump] : []),
  ];
}

export const iptables = defineModule<IptablesArgs>({
  name: 'iptables',
  summary: 'Add or remove one iptables rule',
  description:
    "Ansible's iptables module for one rule: whether it exists is asked with `iptables -C`. Rules are not saved " +
    '(as in Ansible); pair with netfilter-persistent if they must survive a reboot. Undo deletes a rule the task ' +
    'added and puts a rule it deleted back at its old place in the chain. With `flush` or `policy` the task is about the ' +
    'chain instead of a rule: `flush` empties the chain (the whole table without `chain`) and undo appends its rules again ' +
    'in their order; `policy` sets a built-in chain\'s policy and undo sets the old one. Given both, the chain is flushed ' +
    'and then its policy set (Ansible ignores `policy` when flushing).',
  args: {
    table: { type: 'str', default: 'filter', choices: ['filter', 'nat', 'mangle', 'raw', 'security'], description: 'The table.' },
    chain: { type: 'str', description: 'The chain, e.g. INPUT (the default for a rule). `flush` without a chain flushes every chain of the table.' },
    protocol: { type: 'str', description: 'Protocol: tcp, udp, icmp, all.' },
    source: { type: 'str', description: 'Source address or network, e.g. 10.0.0.0/24.' },
    destination_port: { type: 'str', description: "Destination port or range ('2379', '2379:2380'); needs protocol tcp or udp." },
    jump: { type: 'str', description: 'Target: ACCEPT, DROP, REJECT, or a chain.' },
    comment: { type: 'str', description: 'A comment stored with the rule (-m comment).' },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'], description: 'Whether the rule should exist.' },
    action: {
      type: 'str',
      default: 'append',
      choices: ['append', 'insert'],
      description: 'Add the rule at the end of the chain (append, -A) or at its start (insert, -I).',
    },
    ip_version: { type: 'str', default: 'ipv4', choices: ['ipv4', 'ipv6'], description: 'iptables or ip6tables.' },
    policy: {
      type: 'str',
      choices: ['ACCEPT', 'DROP', 'QUEUE', 'RETURN'],
      description: "The policy of a built-in `chain` (-P); the rule arguments are then ignored.",
    },
    flush: { type: 'bool', default: false, description: 'Delete every rule of `chain`, or of every chain of `table` (-F); the rule arguments are then ignored.' },
  },
  async plan(ctx, input) {
    if (input.flush || input.policy !== undefined) return planChainChanges(ctx, input);
    const args = { ...input, chain: input.chain ?? 'INPUT' };
    const bin = args.ip_version === 'ipv6' ? 'ip6tables' : 'iptables';
    const spec = iptablesSpec(args);
    const base = [bin, '-w', '-t', args.table];
    const res = await ctx.probe(
      batchProbe([
        { name: 'check', command: sh`${[...base, '-C', args.chain, ...spec]} 2>/dev/null` },
        { name: 'rules', command: sh`${[...base, '-S', args.chain]} 2>/dev/null` },
      ]),
    );
    const sections = parseSections(res.stdout);
    const present = section(sections, 'check').rc === 0;
    const result = { table: args.table, chain: args.chain, rule: spec.join(' '), state: args.state };
    if (present === (args.state === 'present')) return { changed: false, result };
    const add = run(sh`${[...base, args.action === 'insert' ? '-I' : '-A', args.chain, ...spec]}`, `add the rule to ${args.chain}`);
    const del = run(sh`${[...base, '-D', args.chain, ...spec]}`, `delete the rule from ${args.chain}`);
    const subject = `${bin} ${args.table} ${args.chain} ${spec.join(' ')}`;
    return {
      changed: true,
      diff: [{ subject, before: present ? 'present' : 'absent', after: args.state, kind: 'summary' }],
      steps: [present ? del : add],
      undo: [present ? restoreStep(base, args, spec, section(sections, 'rules').out) ?? add : del],
      result,
    };
  },
});

/**
 * Undo of a deletion: the rule goes back where `-D` will take it from (the
 * first rule that matches), so the chain reads as before; order decides
 * which rule wins. Undefined when the rule is not recognisable in
 * `iptables -S` (a host name as source, say).
 */
function restoreStep(base: string[], args: IptablesArgs & { chain: string }, spec: string[], listing: string) {
  const wanted = normaliseSpec(spec, args.ip_version).join('\0');
  const found = parseIptablesRules(listing).find((r) => r.chain === args.chain && r.spec.join('\0') === wanted);
  if (!found) return undefined;
  return run(sh`${[...base, '-I', args.chain, found.position, ...spec]}`, `put the rule back at position ${found.position} of ${args.chain}`);
}

/** iptables -S prints a plain address as a one-host network: 10.0.0.1 is 10.0.0.1/32. */
function normaliseSpec(spec: string[], ipVersion: IptablesArgs['ip_version']): string[] {
  return spec.map((word, i) => {
    if (i === 0 || spec[i - 1] !== '-s' || word.includes('/')) return word;
    return `${word}/${ipVersion === 'ipv6' ? 128 : 32}`;
  });
}

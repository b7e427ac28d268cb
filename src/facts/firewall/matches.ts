/**
 * Which rule a firewall already has for a port, found in its parsed
 * listing (pure): the checks the firewall modules plan from. Rules ezplay
 * adds carry a comment, so undo and later runs find them again.
 */
import { formatPorts, type PortRule } from './ports.js';
import type { IptablesRule, NftChain, NftRule, UfwRule } from './rules.js';

/** The comment that marks rules ezplay added. */
export const MARK = 'ezplay';

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

/** The rule text ezplay adds for a port, as nft prints it back. */
export function nftRuleText(rule: PortRule): string {
  return `${rule.proto} dport ${formatPorts(rule, '-')} accept comment "${MARK}"`;
}

/** Any rule that accepts exactly this port, with no other condition (ours or the admin's). */
export function findNftRule(chain: NftChain, rule: PortRule): NftRule | undefined {
  const plain = new RegExp(`^${rule.proto} dport ${formatPorts(rule, '-')}( counter packets \\d+ bytes \\d+)? accept( comment ".*")?$`);
  return chain.rules.find((r) => plain.test(r.text.replace(/\s+/g, ' ')));
}

/** The same ufw action on the same port, whatever its comment. */
export function findUfwRule(rules: UfwRule[], wanted: UfwRule): UfwRule | undefined {
  return rules.find((r) => r.action === wanted.action && r.port === wanted.port);
}

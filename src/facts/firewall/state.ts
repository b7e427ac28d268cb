/**
 * Which firewall is active on a host and what it lets in, read in one
 * command. Each backend's output is parsed by its own pure parser.
 */
import { sh } from '../../shell/quote.js';
import { batchProbe, parseSections, section } from '../sections.js';
import { parseFirewalldPorts } from '../../modules/firewall/firewalld.js';
import { parseIptablesRules, type IptablesRule } from '../../modules/firewall/iptables.js';
import { findInputChain, type NftChain } from '../../modules/firewall/nft.js';
import { parseUfwAdded, type UfwRule } from '../../modules/firewall/ufw.js';
import type { PortRule } from './ports.js';

export type Backend = 'firewalld' | 'ufw' | 'nftables' | 'iptables';

export interface FirewallFacts {
  firewalld?: { zone: string; runtime: PortRule[]; permanent: PortRule[] };
  ufw?: { active: boolean; rules: UfwRule[] };
  nftables?: NftChain;
  iptables?: { rules: IptablesRule[]; persistent: boolean };
}

/** firewall-cmd is slow (a Python program): it runs only when the daemon is up. */
export function firewallProbeCommand(zone: string | undefined): string {
  const z = zone !== undefined ? [`--zone=${zone}`] : [];
  const fwd = (args: string[]) => sh`[ "$fwd" = running ] && firewall-cmd ${args}`;
  return batchProbe([
    { name: 'firewalld-state', command: 'fwd=$(firewall-cmd --state 2>/dev/null); echo "$fwd"' },
    { name: 'firewalld-zone', command: zone !== undefined ? sh`echo ${zone}` : fwd(['--get-default-zone']) },
    { name: 'firewalld-runtime', command: fwd([...z, '--list-ports']) },
    { name: 'firewalld-permanent', command: fwd(['--permanent', ...z, '--list-ports']) },
    { name: 'ufw-status', command: 'command -v ufw >/dev/null 2>&1 && ufw status 2>&1' },
    { name: 'ufw-added', command: 'command -v ufw >/dev/null 2>&1 && ufw show added 2>&1' },
    { name: 'nft', command: 'command -v nft >/dev/null 2>&1 && nft -a list ruleset 2>&1' },
    { name: 'iptables', command: 'command -v iptables >/dev/null 2>&1 && iptables -w -S INPUT 2>&1' },
    { name: 'netfilter-persistent', command: 'command -v netfilter-persistent' },
  ]);
}

export function parseFirewallFacts(stdout: string): FirewallFacts {
  const s = parseSections(stdout);
  const facts: FirewallFacts = {};
  if (section(s, 'firewalld-state').out.trim() === 'running') {
    facts.firewalld = {
      zone: section(s, 'firewalld-zone').out.trim(),
      runtime: parseFirewalldPorts(section(s, 'firewalld-runtime').out),
      permanent: parseFirewalldPorts(section(s, 'firewalld-permanent').out),
    };
  }
  const ufwStatus = section(s, 'ufw-status');
  if (ufwStatus.rc === 0) {
    facts.ufw = { active: /^Status: active/m.test(ufwStatus.out), rules: parseUfwAdded(section(s, 'ufw-added').out) };
  }
  const nft = section(s, 'nft');
  const chain = nft.rc === 0 ? findInputChain(nft.out) : undefined;
  if (chain) facts.nftables = chain;
  const ipt = section(s, 'iptables');
  if (ipt.rc === 0 && /^-P INPUT /m.test(ipt.out)) {
    facts.iptables = { rules: parseIptablesRules(ipt.out), persistent: section(s, 'netfilter-persistent').rc === 0 };
  }
  return facts;
}

/**
 * The firewall that decides, in order: firewalld and ufw manage the kernel's
 * tables themselves, so they win when running; then a native nftables input
 * chain; then iptables whenever it works, even with an ACCEPT policy, so the
 * rule is in place before anyone sets the policy to DROP.
 */
export function activeBackend(f: FirewallFacts): Backend | undefined {
  if (f.firewalld) return 'firewalld';
  if (f.ufw?.active) return 'ufw';
  if (f.nftables) return 'nftables';
  if (f.iptables) return 'iptables';
  return undefined;
}

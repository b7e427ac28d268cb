/**
 * The chains of one iptables table (or one chain of it): their rules and
 * the built-in chains' policies, from `iptables -S`. Read by the iptables
 * module's `policy` and `flush`.
 */
import { FactError, defineFact } from '../types.js';
import { sh } from '../../shell/quote.js';
import { parseIptablesRules, type IptablesRule } from './rules.js';

export interface IptablesChainsRequest {
  bin: 'iptables' | 'ip6tables';
  table: string;
  /** one chain; undefined: the whole table */
  chain?: string;
}

export interface IptablesChains {
  rules: IptablesRule[];
  /** built-in chain -> ACCEPT, DROP, ... (user chains have none) */
  policies: Map<string, string>;
  /** every chain listed, built-in or not (`-P` and `-N` lines) */
  chains: string[];
}

/** `-P INPUT DROP` and `-N MYCHAIN` lines. */
export function parseIptablesChains(out: string): IptablesChains {
  const policies = new Map<string, string>();
  const chains: string[] = [];
  for (const line of out.split('\n')) {
    const [flag, chain, policy] = line.trim().split(/\s+/);
    if ((flag === '-P' || flag === '-N') && chain) chains.push(chain);
    if (flag === '-P' && chain && policy) policies.set(chain, policy);
  }
  return { rules: parseIptablesRules(out), policies, chains };
}

export const iptablesChainsFact = defineFact<IptablesChainsRequest, IptablesChains>({
  name: 'iptables_chains',
  command: (r) => sh`${[r.bin, '-w', '-t', r.table, '-S', ...(r.chain !== undefined ? [r.chain] : [])]}`,
  parse(out, r) {
    if (out.rc !== 0) throw new FactError(`${r.bin} -t ${r.table} -S ${r.chain ?? ''}: ${out.stderr.trim() || `exit ${out.rc}`}`, out.rc);
    return parseIptablesChains(out.stdout);
  },
});

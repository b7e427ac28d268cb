/**
 * The iptables module's chain-wide arguments: `flush` (every rule of a
 * chain, or of the whole table) and `policy` (a built-in chain's default
 * target). Undo appends the flushed rules again in their order and sets the
 * old policy back.
 */
import { ModuleError } from '../../errors.js';
import { sh } from '../../shell/quote.js';
import { iptablesChainsFact } from '../../facts/firewall/iptables-chains.js';
import type { Diff, HostContext, Plan, Step } from '../types.js';
import { run } from './change.js';

export interface ChainArgs {
  table: string;
  chain?: string;
  policy?: string;
  flush: boolean;
  ip_version: 'ipv4' | 'ipv6';
}

export async function planChainChanges(ctx: HostContext, a: ChainArgs): Promise<Plan> {
  const bin = a.ip_version === 'ipv6' ? 'ip6tables' : 'iptables';
  if (a.policy !== undefined && a.chain === undefined) throw new ModuleError('iptables: policy needs a chain');
  const facts = await ctx.gather(iptablesChainsFact, { bin, table: a.table, ...(a.chain !== undefined ? { chain: a.chain } : {}) });
  const base = [bin, '-w', '-t', a.table];
  const diff: Diff[] = [];
  const steps: Step[] = [];
  const undo: Step[] = [];
  const where = a.chain ?? `table ${a.table}`;
  if (a.flush && facts.rules.length > 0) {
    const lines = facts.rules.map((r) => sh`${['-A', r.chain, ...r.spec]}`);
    diff.push({ subject: `${bin} ${a.table} ${a.chain ?? '(every chain)'} rules`, before: `${lines.join('\n')}\n`, after: '', kind: 'content' });
    steps.push(run(sh`${[...base, '-F', ...(a.chain !== undefined ? [a.chain] : [])]}`, `flush ${where}`));
    // the rules come back in their old order; a flushed chain is empty, so appending restores it exactly
    undo.push(...facts.rules.map((r) => run(sh`${[...base, '-A', r.chain, ...r.spec]}`, `add rule ${r.position} of ${r.chain} back`)));
  }
  if (a.policy !== undefined) {
    const chain = a.chain as string;
    const current = facts.policies.get(chain);
    if (current === undefined) throw new ModuleError(`iptables: chain ${chain} of table ${a.table} has no policy (only built-in chains have one)`);
    if (current !== a.policy) {
      diff.push({ subject: `${bin} ${a.table} ${chain} policy`, before: current, after: a.policy, kind: 'summary' });
      steps.push(run(sh`${[...base, '-P', chain, a.policy]}`, `set the policy of ${chain} to ${a.policy}`));
      undo.unshift(run(sh`${[...base, '-P', chain, current]}`, `set the policy of ${chain} back to ${current}`));
    }
  }
  const result = { table: a.table, chain: a.chain ?? null, flush: a.flush, ...(a.policy !== undefined ? { policy: a.policy } : {}) };
  if (steps.length === 0) return { changed: false, result };
  return { changed: true, diff, steps, undo, result };
}

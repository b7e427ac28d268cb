/**
 * Native nftables: ezplay's rules go at the top of the host's own input
 * chain (an `inet` table with a `hook input` chain, as Debian's
 * /etc/nftables.conf has), marked with a comment so undo finds them again.
 * They last until reboot: ezplay does not rewrite /etc/nftables.conf.
 */
import { sh } from '../../shell/quote.js';
import { MARK, run, type RuleChange } from './change.js';
import { formatPorts, type PortRule } from '../../facts/firewall/ports.js';

export interface NftRule {
  /** the rule as nft prints it, without its handle */
  text: string;
  handle: number;
}

export interface NftChain {
  table: string;
  chain: string;
  rules: NftRule[];
}

/** The first `inet` table's chain hooked on input, from `nft -a list ruleset`. */
export function findInputChain(out: string): NftChain | undefined {
  let table: string | undefined;
  let chain: (NftChain & { hooked: boolean }) | undefined;
  let depth = 0;
  for (const raw of out.split('\n')) {
    const line = raw.trim();
    const body = line.replace(/\s*# handle \d+$/, '');
    if (depth === 0) {
      const t = /^table (\S+) (\S+) \{$/.exec(body);
      if (t) [table, depth] = [t[1] === 'inet' ? t[2] : undefined, 1];
      continue;
    }
    if (depth === 1) {
      const c = /^chain (\S+) \{$/.exec(body);
      if (c && table) [chain, depth] = [{ table, chain: c[1] ?? '', rules: [], hooked: false }, 2];
      else if (body.endsWith('{')) depth++;
      else if (body === '}') [table, depth] = [undefined, 0];
      continue;
    }
    if (depth === 2 && chain) {
      if (body === '}') {
        if (chain.hooked) return { table: chain.table, chain: chain.chain, rules: chain.rules };
        [chain, depth] = [undefined, 1];
      } else if (/\bhook input\b/.test(body)) chain.hooked = true;
      else {
        const r = /^(.*?)\s*# handle (\d+)$/.exec(line);
        if (r) chain.rules.push({ text: r[1] ?? '', handle: Number(r[2]) });
      }
      continue;
    }
    // inside a set or map
    if (body.endsWith('{')) depth++;
    else if (body === '}') depth--;
  }
  return undefined;
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

// prints the handles of the rules whose text is exactly $r, at undo time
const HANDLES_OF = '{ line = $0; sub(/^[ \\t]+/, "", line); if (index(line, r " # handle ") == 1) print $NF }';

export function planNftPort(chain: NftChain, rule: PortRule, open: boolean): RuleChange | undefined {
  const { table, chain: name } = chain;
  const found = findNftRule(chain, rule);
  const label = formatPorts(rule, '-');
  if (open && !found) {
    const text = nftRuleText(rule);
    return {
      before: 'closed',
      after: `open (nftables, inet ${table} ${name})`,
      steps: [run(sh`nft ${`insert rule inet ${table} ${name} ${text}`}`, `accept ${label}/${rule.proto} in inet ${table} ${name}`)],
      // the handle is known only once the rule exists: look it up when undoing
      undo: [
        run(
          sh`nft -a list chain inet ${table} ${name} | awk -v r=${text} ${HANDLES_OF} | while read -r h; do nft delete rule inet ${table} ${name} handle "$h"; done`,
          `remove the rule accepting ${label}/${rule.proto} again`,
        ),
      ],
    };
  }
  if (!open && found) {
    return {
      before: `open (nftables, inet ${table} ${name})`,
      after: 'closed',
      steps: [run(sh`nft delete rule inet ${table} ${name} handle ${found.handle}`, `remove the rule accepting ${label}/${rule.proto}`)],
      undo: [run(sh`nft ${`insert rule inet ${table} ${name} ${found.text}`}`, `accept ${label}/${rule.proto} again`)],
    };
  }
  return undefined;
}

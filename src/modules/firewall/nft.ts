/**
 * Native nftables: ezplay's rules go at the top of the host's own input
 * chain (an `inet` table with a `hook input` chain, as Debian's
 * /etc/nftables.conf has), marked with a comment so undo finds them again.
 * They last until reboot: ezplay does not rewrite /etc/nftables.conf.
 */
import { sh } from '../../shell/quote.js';
import { run, type RuleChange } from './change.js';
import { formatPorts, type PortRule } from '../../facts/firewall/ports.js';
import { findNftRule, nftRuleText } from '../../facts/firewall/matches.js';
import type { NftChain } from '../../facts/firewall/rules.js';

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

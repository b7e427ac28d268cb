/**
 * ufw: rules are persistent by nature; `ufw show added` lists them as the
 * very commands that added them, active or not.
 */
import { sh } from '../../shell/quote.js';
import { run, type RuleChange } from './change.js';
import { findUfwRule } from '../../facts/firewall/matches.js';
import type { UfwRule } from '../../facts/firewall/rules.js';

function ruleWords(r: UfwRule): string[] {
  return [r.action, r.port, ...(r.comment !== undefined ? ['comment', r.comment] : [])];
}

export function planUfwRule(rules: UfwRule[], wanted: UfwRule, present: boolean): RuleChange | undefined {
  const found = findUfwRule(rules, wanted);
  if (present && !found) {
    return {
      before: 'no rule',
      after: `ufw ${wanted.action}`,
      steps: [run(sh`ufw ${ruleWords(wanted)}`, `ufw ${wanted.action} ${wanted.port}`)],
      undo: [run(sh`ufw delete ${ruleWords(wanted)}`, `remove the ufw rule for ${wanted.port} again`)],
    };
  }
  if (!present && found) {
    return {
      before: `ufw ${found.action}`,
      after: 'no rule',
      steps: [run(sh`ufw delete ${ruleWords(found)}`, `remove the ufw rule for ${found.port}`)],
      undo: [run(sh`ufw ${ruleWords(found)}`, `add the ufw rule for ${found.port} again`)],
    };
  }
  return undefined;
}

/**
 * ufw: rules are persistent by nature; `ufw show added` lists them as the
 * very commands that added them, active or not.
 */
import { sh } from '../../shell/quote.js';
import { shlexSplit } from '../../shell/shlex.js';
import { run, type RuleChange } from './change.js';

export interface UfwRule {
  action: 'allow' | 'deny' | 'reject' | 'limit';
  /** `2379/tcp`, `2379:2380/tcp` or a bare `2379` (both protocols) */
  port: string;
  comment?: string;
}

const ACTIONS = new Set(['allow', 'deny', 'reject', 'limit']);

/** Simple rules of `ufw show added` (`ufw allow 2379/tcp comment 'ezplay'`); rules with from/to are skipped. */
export function parseUfwAdded(out: string): UfwRule[] {
  const rules: UfwRule[] = [];
  for (const line of out.split('\n')) {
    if (!line.startsWith('ufw ')) continue;
    let words: string[];
    try {
      words = shlexSplit(line);
    } catch {
      continue;
    }
    const [, action = '', port = '', ...rest] = words;
    if (!ACTIONS.has(action)) continue;
    if (rest.length === 0) rules.push({ action: action as UfwRule['action'], port });
    else if (rest.length === 2 && rest[0] === 'comment') rules.push({ action: action as UfwRule['action'], port, comment: rest[1] ?? '' });
  }
  return rules;
}

function ruleWords(r: UfwRule): string[] {
  return [r.action, r.port, ...(r.comment !== undefined ? ['comment', r.comment] : [])];
}

/** The same action on the same port, whatever its comment. */
export function findUfwRule(rules: UfwRule[], wanted: UfwRule): UfwRule | undefined {
  return rules.find((r) => r.action === wanted.action && r.port === wanted.port);
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

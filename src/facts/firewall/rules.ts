/**
 * The rules each firewall reports, parsed from its own listing (pure, and
 * tested from captured output).
 */
import { shlexSplit } from '../../shell/shlex.js';
import { parsePortRule, type PortRule } from './ports.js';

/** `firewall-cmd --list-ports`: `2379/tcp 2380-2381/udp` */
export function parseFirewalldPorts(out: string): PortRule[] {
  return out
    .split(/\s+/)
    .filter((w) => /^\d+(-\d+)?\/(tcp|udp)$/.test(w))
    .map((w) => parsePortRule(w, 'tcp'));
}

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

/** One rule of `ufw show added`. */
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


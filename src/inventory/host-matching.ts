/**
 * Evaluates a host pattern against an inventory the way Ansible's
 * InventoryManager does, and keeps what the engine needs to warn about.
 */
import type { Inventory } from './inventory.js';
import {
  LOCALHOST_NAMES,
  applySubscript,
  isWildcard,
  nameMatcher,
  orderPatternParts,
  splitPattern,
  splitSubscript,
} from './patterns.js';

export interface PatternMatch {
  /** matching hosts: unions in the order written, then intersections, then exclusions */
  hosts: string[];
  /** parts that named no group and no host; Ansible warns and ignores them */
  unmatched: string[];
  /** names in `hosts` that are the implicit localhost, absent from the inventory */
  implicit: string[];
}

export function matchPattern(inventory: Inventory, pattern: string | readonly string[]): PatternMatch {
  const result: PatternMatch = { hosts: [], unmatched: [], implicit: [] };
  let chosen = new Set<string>();
  for (const part of orderPatternParts(splitPattern(pattern))) {
    const op = part[0] === '&' || part[0] === '!' ? part[0] : '';
    const body = op ? part.slice(1) : part;
    const one = matchOnePart(inventory, body);
    if (one.nothingNamed) result.unmatched.push(part);
    if (one.implicit && !result.implicit.includes(body)) result.implicit.push(body);
    if (op === '!') {
      const drop = new Set(one.hosts);
      chosen = new Set([...chosen].filter((h) => !drop.has(h)));
    } else if (op === '&') {
      const keep = new Set(one.hosts);
      chosen = new Set([...chosen].filter((h) => keep.has(h)));
    } else {
      for (const h of one.hosts) chosen.add(h);
    }
  }
  result.hosts = [...chosen];
  result.implicit = result.implicit.filter((h) => chosen.has(h));
  return result;
}

interface PartMatch {
  hosts: string[];
  nothingNamed: boolean;
  implicit: boolean;
}

function matchOnePart(inventory: Inventory, part: string): PartMatch {
  // a plain host name is taken as the host, without looking further
  if (inventory.hosts.has(part)) return { hosts: [part], nothingNamed: false, implicit: false };
  const { expr, subscript } = splitSubscript(part);
  if (expr === 'all' || expr === '*') {
    return { hosts: applySubscript(allHosts(inventory), subscript, part), nothingNamed: false, implicit: false };
  }
  const test = nameMatcher(expr);
  const groups = [...inventory.groups.keys()].filter(test);
  const hosts = new Set(groups.flatMap((g) => inventory.groupHosts(g)));
  // Ansible looks at host names when no group matched, or for patterns made to match many
  if (groups.length === 0 || isWildcard(expr)) {
    for (const h of inventory.hosts.keys()) if (test(h)) hosts.add(h);
  }
  if (hosts.size === 0 && groups.length === 0 && LOCALHOST_NAMES.includes(expr)) {
    return { hosts: applySubscript([expr], subscript, part), nothingNamed: false, implicit: true };
  }
  return {
    hosts: applySubscript([...hosts], subscript, part),
    nothingNamed: hosts.size === 0 && groups.length === 0,
    implicit: false,
  };
}

/** Every listed host: those of 'all' and its groups, then any not reachable from it. */
function allHosts(inventory: Inventory): string[] {
  const hosts = new Set(inventory.groupHosts('all'));
  for (const h of inventory.hosts.keys()) hosts.add(h);
  return [...hosts];
}

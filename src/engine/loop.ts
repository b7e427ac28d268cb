/**
 * Loop keywords into item lists, as Ansible's `loop` and `with_*` lookups
 * produce them. The list-shaping lookups are pure; `with_first_found`,
 * `with_fileglob` and `with_inventory_hostnames` are the lookup plugins of
 * the same names (template/lookups), run through the LoopLookup given.
 */
import { EngineError, type SourcePos } from '../errors.js';
import { LOOKUP_LOOP_KINDS, type TaskNode } from '../load/model.js';
import { sequenceItems } from './loop-sequence.js';

export type LoopKind = NonNullable<TaskNode['loopKind']>;

/** Runs a lookup plugin with the current variables: `with_fileglob: '*.conf'` is `query('fileglob', '*.conf')`. */
export type LoopLookup = (name: string, terms: unknown[]) => unknown[];

/** The folder first_found looks in for a task's module, as Ansible's task executor picks it. */
export function lookupSubdir(module: string): string {
  if (module.includes('template')) return 'templates';
  if (module.includes('var')) return 'vars';
  return 'files';
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

export function loopItems(kind: TaskNode['loopKind'], value: unknown, pos: SourcePos | undefined, lookup?: LoopLookup): unknown[] {
  if (value === undefined || value === null) return [];
  const fail = (msg: string): never => {
    throw new EngineError(msg, pos);
  };
  if (kind && (LOOKUP_LOOP_KINDS as readonly string[]).includes(kind)) {
    if (!lookup) return fail(`with_${kind} needs the lookup plugins`);
    return lookup(kind, asList(value));
  }
  switch (kind) {
    case 'items':
      // with_items flattens one level
      return asList(value).flatMap((v) => (Array.isArray(v) ? v : [v]));
    case 'dict': {
      if (!isRecord(value)) return fail('with_dict expects a mapping');
      return Object.entries(value).map(([key, v]) => ({ key, value: v }));
    }
    case 'indexed_items':
      return asList(value).flatMap((v) => (Array.isArray(v) ? v : [v])).map((v, i) => [i, v]);
    case 'sequence':
      return asList(value).flatMap((term) => sequenceItems(String(term), fail));
    case 'flattened':
      return flatten(asList(value));
    case 'nested':
      return nested(asList(value), fail);
    case 'together':
      return together(asList(value), fail);
    case 'subelements':
      return subelements(asList(value), fail);
    default:
      if (typeof value === 'string') return fail(`loop expects a list, got the string '${value.slice(0, 60)}'`);
      if (!Array.isArray(value)) return fail('loop expects a list');
      return value;
  }
}


/** with_flattened: every nested list opened, at any depth. */
export function flatten(list: unknown[]): unknown[] {
  return list.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]));
}

function listTerms(terms: unknown[], kind: string, fail: (msg: string) => never): unknown[][] {
  if (terms.length === 0) fail(`with_${kind} requires at least one element in the nested list`);
  return terms.map((t) => (Array.isArray(t) ? t : fail(`with_${kind}: each element must be a list, got ${JSON.stringify(t)}`)));
}

/** with_nested: the product of the lists, first list outermost. */
export function nested(terms: unknown[], fail: (msg: string) => never): unknown[][] {
  return listTerms(terms, 'nested', fail).reduce<unknown[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);
}

/** with_together: the lists side by side, the shorter ones filled with None (null). */
export function together(terms: unknown[], fail: (msg: string) => never): unknown[][] {
  const lists = listTerms(terms, 'together', fail);
  const length = Math.max(...lists.map((l) => l.length));
  return Array.from({ length }, (_, i) => lists.map((l) => (i < l.length ? l[i] : null)));
}

/**
 * with_subelements: [list or mapping of records, 'key.sub', {skip_missing}]
 * into [record without its list, one element of the list] pairs.
 */
export function subelements(terms: unknown[], fail: (msg: string) => never): unknown[][] {
  const [source, keyPath, flags] = terms;
  if (terms.length < 2 || terms.length > 3 || typeof keyPath !== 'string') {
    fail('with_subelements expects a list or mapping, a key name, and optionally {skip_missing: true}');
  }
  if (flags !== undefined && !isRecord(flags)) fail('with_subelements: the third term must be a mapping of flags');
  const skipMissing = isRecord(flags) && (flags.skip_missing === true || /^(yes|true|on|1)$/i.test(String(flags.skip_missing ?? '')));
  const records = isRecord(source) ? Object.values(source) : Array.isArray(source) ? source : fail('with_subelements: the first term must be a list or a mapping');
  const keys = (keyPath as string).split('.');
  const out: unknown[][] = [];
  for (const record of records) {
    if (!isRecord(record)) fail(`with_subelements expects records (mappings), got ${JSON.stringify(record)}`);
    const copy: Record<string, unknown> = structuredClone(record as Record<string, unknown>);
    if (copy.skipped !== undefined && copy.skipped !== false) continue;
    let holder: Record<string, unknown> | undefined = copy;
    for (const key of keys.slice(0, -1)) {
      const next: unknown = holder?.[key];
      if (!isRecord(next)) {
        if (skipMissing) holder = undefined;
        else fail(`with_subelements: '${key}' should name a mapping in ${JSON.stringify(record)}`);
        break;
      }
      holder = next;
    }
    const last = keys[keys.length - 1] as string;
    if (!holder || !(last in holder)) {
      if (skipMissing) continue;
      fail(`with_subelements: could not find '${last}' key in iterated item ${JSON.stringify(record)}`);
    }
    const list = holder![last];
    if (!Array.isArray(list)) fail(`with_subelements: the key ${last} should point to a list, got ${JSON.stringify(list)}`);
    delete holder![last];
    for (const element of list as unknown[]) out.push([copy, element]);
  }
  return out;
}

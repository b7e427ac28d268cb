/**
 * The lookups that only shape lists: `items`, `list`, `dict`,
 * `indexed_items`, `nested`, `together`, `subelements` and `sequence`, as
 * ansible-core 2.14 writes them, with its error messages. They are what
 * both `lookup('<name>', ...)` and the `with_<name>` loops run; a loop's
 * terms come as Ansible's listify leaves them (a mapping stays one).
 */
import { isMapping, pyRepr, pyStr } from './python-values.js';
import { sequenceLookup } from './sequence-lookup.js';
import { TemplateRuntimeError } from './undefined.js';

/** A pure lookup: terms (a list, or a loop's mapping) in, items out. */
export type ListLookup = (terms: unknown, kwargs?: Record<string, unknown>) => unknown[];

const fail = (msg: string): never => {
  throw new TemplateRuntimeError(msg);
};

/** What Python's `for x in terms` walks: a list's items, a mapping's keys. */
function iterate(terms: unknown): unknown[] {
  if (Array.isArray(terms)) return terms;
  if (isMapping(terms)) return Object.keys(terms);
  return [terms];
}

/** LookupBase._flatten: lists inside the list opened one level. */
function flattenOnce(terms: readonly unknown[]): unknown[] {
  return terms.flatMap((t) => (Array.isArray(t) ? t : [t]));
}

/** listify_lookup_plugin_terms for one term: a string (or any scalar) is a list of itself. */
function listify(term: unknown): unknown[] {
  if (Array.isArray(term)) return term;
  if (isMapping(term)) return Object.keys(term);
  return [term];
}

function nested(terms: unknown): unknown[] {
  const lists = iterate(terms).map(listify);
  if (lists.length === 0) fail('with_nested requires at least one element in the nested list');
  const [first, ...rest] = lists as [unknown[], ...unknown[][]];
  const combined = rest.reduce<unknown[]>((acc, list) => acc.flatMap((x) => list.map((y) => flattenOnce([x, y]))), first);
  return combined.map((x) => flattenOnce(Array.isArray(x) ? x : [x]));
}

function together(terms: unknown): unknown[] {
  const lists = iterate(terms).map(listify);
  if (lists.length === 0) fail('with_together requires at least one element in each list');
  const length = Math.max(...lists.map((l) => l.length));
  return Array.from({ length }, (_, i) => flattenOnce(lists.map((l) => (i < l.length ? l[i] : null))));
}

function indexedItems(terms: unknown): unknown[] {
  if (!Array.isArray(terms)) fail('with_indexed_items expects a list');
  return flattenOnce(terms as unknown[]).map((item, i) => [i, item]);
}

function dict(terms: unknown): unknown[] {
  return (Array.isArray(terms) ? terms : [terms]).flatMap((term) => {
    if (!isMapping(term)) return fail('with_dict expects a dict');
    return Object.keys(term).map((key) => ({ key, value: term[key] }));
  });
}

const SUBELEMENTS_FLAGS = ['skip_missing'];

/**
 * [records (a list, or a mapping whose values are records), 'key.sub',
 * {skip_missing}] into [record without that list, one element of it] pairs.
 */
function subelements(terms: unknown): unknown[] {
  const termsError = (msg = ''): never => fail(`subelements lookup expects a list of two or three items, ${msg}`);
  if (!Array.isArray(terms) || terms.length < 2 || terms.length > 3) return termsError();
  const source = Array.isArray(terms[0]) || isMapping(terms[0]) ? terms[0] : listify(terms[0]);
  const keyPath = terms[1];
  if (!(Array.isArray(source) || isMapping(source)) || typeof keyPath !== 'string') {
    return termsError('first a dict or a list, second a string pointing to the subkey');
  }
  const flags = terms.length === 3 ? terms[2] : {};
  if (!isMapping(flags) && !iterate(flags).every((k) => typeof k === 'string' && SUBELEMENTS_FLAGS.includes(k))) {
    termsError(`the optional third item must be a dict with flags ${pyRepr(SUBELEMENTS_FLAGS)}`);
  }
  let records: unknown[];
  if (isMapping(source)) {
    // the registered result of a task that was skipped whole
    if (source.skipped !== undefined && source.skipped !== false) return [];
    records = Object.values(source);
  } else records = source;
  const skipMissing = isMapping(flags) && /^(1|true|yes|on|y|t)$/i.test(pyStr(flags.skip_missing ?? false));
  const keys = keyPath.split('.');
  const out: unknown[] = [];
  for (const original of records) {
    if (!isMapping(original)) fail(`subelements lookup expects a dictionary, got '${pyStr(original)}'`);
    if ((original as Record<string, unknown>).skipped !== undefined && (original as Record<string, unknown>).skipped !== false) continue;
    // the record handed out lacks the list, as Ansible pops it; the variable itself is left alone
    const record = structuredClone(original) as Record<string, unknown>;
    let holder: Record<string, unknown> = record;
    let list: unknown[] = [];
    for (const [i, key] of keys.entries()) {
      const last = i === keys.length - 1;
      if (!(key in holder)) {
        if (skipMissing) continue;
        fail(`could not find '${key}' key in iterated item '${pyStr(holder)}'`);
      }
      const value = holder[key];
      if (!last) {
        if (isMapping(value)) holder = value;
        else if (!skipMissing) fail(`the key ${key} should point to a dictionary, got '${pyStr(value)}'`);
        continue;
      }
      if (!Array.isArray(value)) fail(`the key ${key} should point to a list, got '${pyStr(value)}'`);
      list = value as unknown[];
      delete holder[key];
    }
    for (const element of list) out.push([record, element]);
  }
  return out;
}

export const LIST_LOOKUPS: Record<string, ListLookup> = {
  items: (terms) => flattenOnce(iterate(terms)),
  list: (terms) => (Array.isArray(terms) ? terms : fail('with_list expects a list')),
  dict,
  indexed_items: indexedItems,
  nested,
  together,
  subelements,
  sequence: sequenceLookup,
};

/** Filters on lists: ordering, set algebra, aggregation, shape. */
import { param, type CallArgs } from '../call-args.js';
import { add } from '../operators.js';
import { isMapping, pyCompare, pyContains, pyEquals, pyStr, toList, truthy } from '../python-values.js';
import { PythonRandom, randrange, shuffleInPlace, systemRandom, type RandomSource } from '../python-random.js';
import { FilterError, TemplateRuntimeError, Undefined } from '../undefined.js';
import { attributeKey } from './attributes.js';
import type { ImplTable } from './registry.js';

/** Python's Random(seed), or the system's randomness without one (shuffle takes a false seed as none). */
function randomSource(seed: unknown, falseIsNone = false): RandomSource {
  if (seed === null || seed === undefined || (falseIsNone && !truthy(seed))) return systemRandom;
  return new PythonRandom(typeof seed === 'number' && Number.isInteger(seed) ? seed : typeof seed === 'boolean' ? Number(seed) : pyStr(seed));
}

const isIterable = (value: unknown): boolean => typeof value === 'string' || Array.isArray(value) || isMapping(value);

function inRange<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof RangeError) throw new TemplateRuntimeError(error.message);
    throw error;
  }
}

function foldCase(value: unknown, caseSensitive: boolean): unknown {
  if (caseSensitive) return value;
  if (typeof value === 'string') return value.toLowerCase();
  if (Array.isArray(value)) return value.map((v) => foldCase(v, false));
  return value;
}

function keyFunction(call: CallArgs, caseIndex: number, attrIndex: number): (item: unknown) => unknown {
  const caseSensitive = truthy(param(call, caseIndex, 'case_sensitive', false));
  const attr = attributeKey(param<unknown>(call, attrIndex, 'attribute', null));
  return (item) => foldCase(attr(item), caseSensitive);
}

/** Jinja's unique: keeps the first of each value, in order. */
export function unique(items: unknown[], key: (item: unknown) => unknown = (x) => x): unknown[] {
  const seen: unknown[] = [];
  const out: unknown[] = [];
  for (const item of items) {
    const k = key(item);
    if (seen.some((s) => pyEquals(s, k))) continue;
    seen.push(k);
    out.push(item);
  }
  return out;
}

function extreme(items: unknown[], call: CallArgs, sign: number): unknown {
  if (!items.length) return new Undefined('No aggregated item, sequence was empty.');
  const key = keyFunction(call, 0, 1);
  return items.reduce((best, item) => (pyCompare(key(item), key(best)) * sign > 0 ? item : best));
}

export function flatten(items: unknown[], levels: number | null, skipNulls: boolean): unknown[] {
  const out: unknown[] = [];
  for (const item of items) {
    if (skipNulls && (item === null || item === 'None' || item === 'null')) continue;
    if (Array.isArray(item) && (levels === null || levels >= 1)) out.push(...flatten(item, levels === null ? null : levels - 1, skipNulls));
    else out.push(item);
  }
  return out;
}

function zip(lists: unknown[][], longest: boolean, fill: unknown): unknown[][] {
  const n = lists.length ? Math[longest ? 'max' : 'min'](...lists.map((l) => l.length)) : 0;
  return Array.from({ length: n }, (_, i) => lists.map((l) => (i < l.length ? l[i] : fill)));
}

function product(lists: unknown[][]): unknown[][] {
  return lists.reduce<unknown[][]>((acc, list) => acc.flatMap((prefix) => list.map((x) => [...prefix, x])), [[]]);
}

const inList = (list: unknown[]) => (x: unknown) => pyContains(list, x);

/** Ansible's subelements: each item paired with each entry of its list at `path` (`'a.b'` or `['a', 'b']`). */
function subelements(value: unknown, path: unknown, skipMissing: boolean): unknown[][] {
  let elements: unknown[];
  if (isMapping(value)) elements = Object.values(value);
  else if (Array.isArray(value)) elements = value;
  else throw new FilterError('obj must be a list of dicts or a nested dict');
  let keys: unknown[];
  if (Array.isArray(path)) keys = path;
  else if (typeof path === 'string') keys = path.split('.');
  else throw new FilterError('subelements must be a list or a string');
  const out: unknown[][] = [];
  for (const element of elements) {
    let values: unknown = element;
    for (const key of keys) {
      if (!isMapping(values)) throw new FilterError(`the key ${pyStr(key)} should point to a dictionary, got '${pyStr(values)}'`);
      if (!Object.hasOwn(values, pyStr(key))) {
        if (skipMissing) {
          values = [];
          break;
        }
        throw new FilterError(`could not find '${pyStr(key)}' key in iterated item ${pyStr(values)}`);
      }
      values = values[pyStr(key)];
    }
    if (!Array.isArray(values)) throw new FilterError(`the key '${pyStr(keys[keys.length - 1])}' should point to a list, got ${pyStr(values)}`);
    for (const v of values) out.push([element, v]);
  }
  return out;
}

export const sequenceFilters: ImplTable = {
  join: (value, call) => {
    const key = attributeKey(param<unknown>(call, 1, 'attribute', null));
    return toList(value).map((item) => pyStr(key(item))).join(pyStr(param(call, 0, 'd', '')));
  },
  first: (value) => {
    const items = toList(value);
    return items.length ? items[0] : new Undefined('No first item, sequence was empty.');
  },
  last: (value) => {
    const items = toList(value);
    return items.length ? items[items.length - 1] : new Undefined('No last item, sequence was empty.');
  },
  min: (value, call) => extreme(toList(value), call, -1),
  max: (value, call) => extreme(toList(value), call, 1),
  sort: (value, call) => {
    const key = keyFunction(call, 1, 2);
    const sign = truthy(param(call, 0, 'reverse', false)) ? -1 : 1;
    return [...toList(value)].sort((a, b) => pyCompare(key(a), key(b)) * sign);
  },
  unique: (value, call) => unique(toList(value), keyFunction(call, 0, 1)),
  union: (value, call) => unique([...toList(value), ...toList(call.args[0])]),
  intersect: (value, call) => unique(toList(value).filter(inList(toList(call.args[0])))),
  difference: (value, call) => unique(toList(value).filter((x) => !inList(toList(call.args[0]))(x))),
  symmetric_difference: (value, call) => {
    const a = toList(value);
    const b = toList(call.args[0]);
    const both = a.filter(inList(b));
    return unique([...a, ...b]).filter((x) => !pyContains(both, x));
  },
  reverse: (value) => (typeof value === 'string' ? Array.from(value).reverse().join('') : [...toList(value)].reverse()),
  flatten: (value, call) => {
    const levels = param<unknown>(call, 0, 'levels', null);
    return flatten(toList(value), levels === null ? null : Number(levels), truthy(param(call, 1, 'skip_nulls', true)));
  },
  zip: (value, call) => zip([toList(value), ...call.args.map(toList)], false, null),
  zip_longest: (value, call) => zip([toList(value), ...call.args.map(toList)], true, call.kwargs.fillvalue ?? null),
  product: (value, call) => product([toList(value), ...call.args.map(toList)]),
  sum: (value, call) => {
    const key = attributeKey(param<unknown>(call, 0, 'attribute', null));
    return toList(value).reduce((total, item) => add(total, key(item)), param(call, 1, 'start', 0));
  },
  dictsort: (value, call) => {
    if (!isMapping(value)) throw new TemplateRuntimeError('dictsort expects a dictionary');
    const caseSensitive = truthy(param(call, 0, 'case_sensitive', false));
    const index = param<unknown>(call, 1, 'by', 'key') === 'value' ? 1 : 0;
    const sign = truthy(param(call, 2, 'reverse', false)) ? -1 : 1;
    return Object.keys(value).map((k) => [k, value[k]]).sort((a, b) => pyCompare(foldCase(a[index], caseSensitive), foldCase(b[index], caseSensitive)) * sign);
  },
  // Ansible's random(end, start, step, seed): randrange on an integer, a choice from a sequence
  random: (value, call) => {
    const source = randomSource(param<unknown>(call, 2, 'seed', null));
    const start = param<unknown>(call, 0, 'start', null);
    const step = param<unknown>(call, 1, 'step', null);
    if (typeof value === 'number' || typeof value === 'boolean') {
      if (!Number.isInteger(Number(value))) throw new FilterError('random can only be used on sequences and integers');
      return inRange(() => randrange(source, truthy(start) ? Number(start) : 0, Number(value), truthy(step) ? Number(step) : 1));
    }
    if (!isIterable(value)) throw new FilterError('random can only be used on sequences and integers');
    if (truthy(start) || truthy(step)) throw new FilterError('start and step can only be used with integer values');
    const items = typeof value === 'string' ? Array.from(value) : toList(value);
    if (!items.length) throw new TemplateRuntimeError('Cannot choose from an empty sequence');
    return items[source.randbelow(items.length)];
  },
  // Ansible's shuffle(seed): a shuffled copy; a value that is no sequence comes back as it is
  shuffle: (value, call) => {
    if (!isIterable(value)) return value;
    const items = typeof value === 'string' ? Array.from(value) : [...toList(value)];
    return shuffleInPlace(randomSource(param<unknown>(call, 0, 'seed', null), true), items);
  },
  subelements: (value, call) => subelements(value, param(call, 0, 'subelements', ''), truthy(param(call, 1, 'skip_missing', false))),
  batch: (value, call) => {
    const size = Number(call.args[0]);
    const fill = param<unknown>(call, 1, 'fill_with', null);
    const items = toList(value);
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
    const last = out[out.length - 1];
    if (fill !== null && last) while (last.length < size) last.push(fill);
    return out;
  },
};

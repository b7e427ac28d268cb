/**
 * Methods of Python's str, list and dict that templates call on values:
 * `TMP_NODES.rstrip(',')`, `name.split('.')[0]`, `d.items()`, `x.get('k', 1)`.
 */
import { splitArgs } from './call-args.js';
import { braceFormat } from './python-format.js';
import { pyEquals, pyRepr, pyStr, toList, typeName, unwrap, type Mapping } from './python-values.js';
import { PythonException } from './undefined.js';

type Method<T> = (self: T, ...args: unknown[]) => unknown;

function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  if (chars === undefined || chars === null) {
    if (left) s = s.replace(/^\s+/, '');
    if (right) s = s.replace(/\s+$/, '');
    return s;
  }
  const set = new Set(pyStr(chars));
  let start = 0;
  let end = s.length;
  if (left) while (start < end && set.has(s[start]!)) start++;
  if (right) while (end > start && set.has(s[end - 1]!)) end--;
  return s.slice(start, end);
}

/** Python's str.split: without a separator, splits on runs of whitespace and drops empty parts. */
export function pySplit(s: string, sep?: unknown, maxsplit?: unknown): string[] {
  const limit = maxsplit === undefined || maxsplit === null ? -1 : Number(maxsplit);
  if (sep === undefined || sep === null) {
    const parts: string[] = [];
    let rest = s.replace(/^\s+/, '');
    while (rest !== '') {
      if (limit >= 0 && parts.length === limit) { parts.push(rest); break; }
      const m = /\s+/.exec(rest);
      if (!m) { parts.push(rest); break; }
      parts.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    return parts;
  }
  const separator = pyStr(sep);
  if (separator === '') throw new PythonException('ValueError', 'empty separator');
  const parts = s.split(separator);
  if (limit < 0 || parts.length <= limit + 1) return parts;
  return [...parts.slice(0, limit), parts.slice(limit).join(separator)];
}

function prefixes(value: unknown): string[] {
  return Array.isArray(value) ? value.map(pyStr) : [pyStr(value)];
}

function countOf(s: string, sub: string): number {
  if (sub === '') return s.length + 1;
  return s.split(sub).length - 1;
}

function titleCase(s: string): string {
  return s.toLowerCase().replace(/(^|[^A-Za-z'])([a-z])/g, (_m, pre: string, ch: string) => pre + ch.toUpperCase());
}

const STR_METHODS: Record<string, Method<string>> = {
  strip: (s, chars) => stripChars(s, chars, true, true),
  lstrip: (s, chars) => stripChars(s, chars, true, false),
  rstrip: (s, chars) => stripChars(s, chars, false, true),
  split: (s, sep, maxsplit) => pySplit(s, sep, maxsplit),
  rsplit: (s, sep, maxsplit) => {
    if (maxsplit === undefined || Number(maxsplit) < 0) return pySplit(s, sep);
    const reversed = pySplit([...s].reverse().join(''), sep === undefined || sep === null ? sep : [...pyStr(sep)].reverse().join(''), maxsplit);
    return reversed.map((p) => [...p].reverse().join('')).reverse();
  },
  splitlines: (s) => s.split(/\r\n|\r|\n/).filter((line, i, all) => i < all.length - 1 || line !== ''),
  startswith: (s, prefix) => prefixes(prefix).some((p) => s.startsWith(p)),
  endswith: (s, suffix) => prefixes(suffix).some((p) => s.endsWith(p)),
  replace: (s, old, replacement, count) => {
    const parts = s.split(pyStr(old));
    const limit = count === undefined || Number(count) < 0 ? parts.length : Number(count) + 1;
    return parts.slice(0, limit).join(pyStr(replacement)) + (limit < parts.length ? pyStr(old) + parts.slice(limit).join(pyStr(old)) : '');
  },
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  casefold: (s) => s.toLowerCase(),
  swapcase: (s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  title: (s) => titleCase(s),
  capitalize: (s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  join: (s, items) => toList(items).map((item, i) => {
    if (typeof unwrap(item) !== 'string') throw new PythonException('TypeError', `sequence item ${i}: expected str instance, ${typeName(item)} found`);
    return pyStr(item);
  }).join(s),
  format: (s, ...raw) => {
    const { args, kwargs } = splitArgs(raw);
    return braceFormat(s, args, kwargs);
  },
  find: (s, sub) => s.indexOf(pyStr(sub)),
  rfind: (s, sub) => s.lastIndexOf(pyStr(sub)),
  index: (s, sub) => {
    const at = s.indexOf(pyStr(sub));
    if (at < 0) throw new PythonException('ValueError', 'substring not found');
    return at;
  },
  count: (s, sub) => countOf(s, pyStr(sub)),
  isdigit: (s) => /^\d+$/.test(s),
  isnumeric: (s) => /^\d+$/.test(s),
  isdecimal: (s) => /^\d+$/.test(s),
  isalpha: (s) => /^\p{L}+$/u.test(s),
  isalnum: (s) => /^[\p{L}\d]+$/u.test(s),
  isspace: (s) => /^\s+$/.test(s),
  islower: (s) => /\p{Ll}/u.test(s) && s === s.toLowerCase(),
  isupper: (s) => /\p{Lu}/u.test(s) && s === s.toUpperCase(),
  zfill: (s, width) => {
    const sign = /^[+-]/.test(s) ? s[0]! : '';
    return sign + s.slice(sign.length).padStart(Number(width) - sign.length, '0');
  },
  ljust: (s, width, fill) => s.padEnd(Number(width), fill === undefined ? ' ' : pyStr(fill)),
  rjust: (s, width, fill) => s.padStart(Number(width), fill === undefined ? ' ' : pyStr(fill)),
  center: (s, width, fill) => {
    const missing = Math.max(0, Number(width) - s.length);
    const ch = fill === undefined ? ' ' : pyStr(fill);
    const left = Math.floor(missing / 2) + (missing % 2 && Number(width) % 2 ? 1 : 0);
    return ch.repeat(left) + s + ch.repeat(missing - left);
  },
  partition: (s, sep) => {
    const at = s.indexOf(pyStr(sep));
    return at < 0 ? [s, '', ''] : [s.slice(0, at), pyStr(sep), s.slice(at + pyStr(sep).length)];
  },
  removeprefix: (s, prefix) => (s.startsWith(pyStr(prefix)) ? s.slice(pyStr(prefix).length) : s),
  removesuffix: (s, suffix) => (pyStr(suffix) !== '' && s.endsWith(pyStr(suffix)) ? s.slice(0, -pyStr(suffix).length) : s),
  encode: (s) => s,
  decode: (s) => s,
};

function indexIn(list: unknown[], item: unknown): number {
  return list.findIndex((v) => pyEquals(v, item));
}

// The mutating ones exist because a common Jinja idiom builds a list with
// `{% set _ = acc.append(x) %}`; they return None as Python does.
const LIST_METHODS: Record<string, Method<unknown[]>> = {
  index: (list, item) => {
    const at = indexIn(list, item);
    if (at < 0) throw new PythonException('ValueError', `${pyRepr(item)} is not in list`);
    return at;
  },
  count: (list, item) => list.filter((v) => pyEquals(v, item)).length,
  copy: (list) => [...list],
  append: (list, item) => { list.push(item); return null; },
  extend: (list, items) => { list.push(...toList(items)); return null; },
  insert: (list, at, item) => { list.splice(Number(at), 0, item); return null; },
  pop: (list, at) => {
    if (!list.length) throw new PythonException('IndexError', 'pop from empty list');
    const index = at === undefined ? list.length - 1 : (Number(at) + list.length) % list.length;
    return list.splice(index, 1)[0];
  },
  remove: (list, item) => {
    const at = indexIn(list, item);
    if (at < 0) throw new PythonException('ValueError', 'list.remove(x): x not in list');
    list.splice(at, 1);
    return null;
  },
};

const DICT_METHODS: Record<string, Method<Mapping>> = {
  items: (d) => Object.keys(d).map((k) => [k, d[k]]),
  keys: (d) => Object.keys(d),
  values: (d) => Object.keys(d).map((k) => d[k]),
  get: (d, key, fallback = null) => {
    const value = d[pyStr(key)];
    return value === undefined ? fallback : value;
  },
  copy: (d) => ({ ...d }),
  update: (d, ...raw) => {
    const { args, kwargs } = splitArgs(raw);
    for (const source of args) Object.assign(d, source);
    Object.assign(d, kwargs);
    return null;
  },
  setdefault: (d, key, fallback = null) => {
    const k = pyStr(key);
    if (!Object.hasOwn(d, k)) d[k] = fallback;
    return d[k];
  },
  pop: (d, key, ...rest) => {
    const k = pyStr(key);
    if (!Object.hasOwn(d, k)) {
      if (rest.length) return rest[0];
      throw new PythonException('KeyError', `KeyError: '${k}'`);
    }
    const value = d[k];
    delete d[k];
    return value;
  },
};

function bind<T>(table: Record<string, Method<T>>, self: T, name: string): ((...args: unknown[]) => unknown) | undefined {
  const method = Object.hasOwn(table, name) ? table[name] : undefined;
  return method && ((...args: unknown[]) => method(self, ...args));
}

export const strMethod = (s: string, name: string) => bind(STR_METHODS, s, name);
export const listMethod = (list: unknown[], name: string) => bind(LIST_METHODS, list, name);
export const dictMethod = (d: Mapping, name: string) => bind(DICT_METHODS, d, name);

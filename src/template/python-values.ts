/**
 * Python semantics for JavaScript values: how Jinja2 under Ansible prints,
 * tests and compares them. `True` prints as "True", a list as "['a', 'b']",
 * an empty list is false, `1 == '1'` is false.
 */
import { SafeString } from './nunjucks-internals.js';
import { TemplateRuntimeError, Undefined, PythonException } from './undefined.js';
import { VaultText } from '../vault/value.js';

export type Mapping = Record<string, unknown>;

/**
 * A float with a whole value, as `10 / 2` gives: Python prints it `5.0`.
 * Only printing tells it from the number; everything else unwraps it.
 */
export class WholeFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
}

/**
 * A Python object that is neither a number, text, list nor dict (a datetime,
 * a timedelta): it names its type, prints itself, and says how it compares
 * and subtracts. Attributes and methods are its own properties.
 */
export abstract class PyObject {
  abstract readonly pyType: string;
  abstract pyStr(): string;
  pyRepr(): string {
    return this.pyStr();
  }
  /** <0, 0 or >0 against `other`, or undefined when Python would refuse to order them */
  compareTo(_other: unknown): number | undefined {
    return undefined;
  }
  /** `this - other`, or undefined when the types do not subtract */
  minus(_other: unknown): unknown {
    return undefined;
  }
}

/** A float result: whole values keep their float-ness for printing. */
export function floatResult(n: number): number | WholeFloat {
  return Number.isInteger(n) && Math.abs(n) < 1e16 ? new WholeFloat(n) : n;
}

/** The value with every WholeFloat inside it a plain number (what leaves the template layer). */
export function plainNumbers(value: unknown, depth = 0): unknown {
  if (value instanceof WholeFloat) return value.value;
  // a datetime leaves as the text Python's str() gives it
  if (value instanceof PyObject) return value.pyStr();
  if (depth > 50 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    return value.some((v) => typeof v === 'object' && v !== null) ? value.map((v) => plainNumbers(v, depth + 1)) : value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const plain = typeof v === 'object' && v !== null ? plainNumbers(v, depth + 1) : v;
    if (plain !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = plain;
  }
  return out ?? value;
}

export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof SafeString) && !(value instanceof Undefined) && !(value instanceof WholeFloat) && !(value instanceof PyObject) && !(value instanceof VaultText);
}

export function isString(value: unknown): value is string {
  return typeof value === 'string' || value instanceof SafeString || value instanceof VaultText;
}

/**
 * Plain strings for SafeStrings (macro output, `safe`) and `!vault` values
 * (decrypted here, where a template uses one), anything else unchanged.
 */
export function unwrap(value: unknown): unknown {
  if (value instanceof WholeFloat) return value.value;
  if (value instanceof VaultText) return value.text;
  return value instanceof SafeString ? value.val : value;
}

/** Python's name of the value's type, for error messages and `type_debug`. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (value instanceof Undefined) return 'AnsibleUndefined';
  if (value instanceof VaultText) return 'AnsibleVaultEncryptedUnicode';
  if (isString(value)) return 'str';
  if (value instanceof WholeFloat) return 'float';
  if (value instanceof PyObject) return value.pyType;
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'function') return 'function';
  return 'dict';
}

/** Python's str(type(value)): `<class 'bool'>`. */
export function pyClass(value: unknown): string {
  return `<class '${typeName(value)}'>`;
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return String(n);
}

/** Python's str(): what `{{ x }}`, `~` and `| string` produce. */
export function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Undefined) value.fail();
  if (value instanceof SafeString) return value.val;
  if (value instanceof VaultText) return value.text;
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return formatNumber(value);
  if (value instanceof WholeFloat) return `${value.value}.0`;
  if (value instanceof PyObject) return value.pyStr();
  if (typeof value === 'object') return pyRepr(value);
  return String(value);
}

export function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return quote + out + quote;
}

/** Python's repr(): how values look inside printed lists and dicts. */
export function pyRepr(value: unknown, depth = 0): string {
  if (depth > 100) throw new TemplateRuntimeError('value is nested too deeply to print (a cycle?)');
  if (value instanceof Undefined) value.fail();
  if (isString(value)) return reprString(String(unwrap(value)));
  if (value instanceof PyObject) return value.pyRepr();
  if (Array.isArray(value)) return `[${value.map((v) => pyRepr(v, depth + 1)).join(', ')}]`;
  if (isMapping(value)) {
    const parts = Object.keys(value).map((k) => `${reprString(k)}: ${pyRepr(value[k], depth + 1)}`);
    return `{${parts.join(', ')}}`;
  }
  return pyStr(value);
}

/** Jinja truthiness: empty strings, lists and dicts are false; undefined fails. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (value === true) return true;
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (value instanceof WholeFloat) return value.value !== 0;
  if (value instanceof Undefined) value.fail();
  if (value instanceof SafeString) return value.val.length > 0;
  if (value instanceof VaultText) return value.text.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') {
    for (const _ in value) return true;
    return Object.keys(value).length > 0;
  }
  return true;
}

function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return undefined;
}

/** Python ==: no coercion between strings and numbers, deep for lists and dicts. */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a instanceof Undefined) a.fail();
  if (b instanceof Undefined) b.fail();
  a = unwrap(a);
  b = unwrap(b);
  if (a === b) return true;
  if (a === undefined || a === null) return b === undefined || b === null;
  if (a instanceof PyObject) return a.compareTo(b) === 0;
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined || nb !== undefined) return na === nb;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => pyEquals(v, b[i]));
  }
  if (isMapping(a) && isMapping(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && pyEquals(a[k], b[k]));
  }
  return false;
}

/** Python ordering: numbers with numbers, strings with strings, lists element-wise. */
export function pyCompare(a: unknown, b: unknown, op = '<'): number {
  if (a instanceof Undefined) a.fail();
  if (b instanceof Undefined) b.fail();
  a = unwrap(a);
  b = unwrap(b);
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return na < nb ? -1 : na > nb ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const ordered = a instanceof PyObject ? a.compareTo(b) : undefined;
  if (ordered !== undefined) return ordered;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEquals(a[i], b[i])) return pyCompare(a[i], b[i], op);
    }
    return a.length - b.length;
  }
  throw new PythonException('TypeError', `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** Python's `in`: substring, list membership or dict key. */
export function pyContains(container: unknown, item: unknown): boolean {
  if (container instanceof Undefined) container.fail();
  if (item instanceof Undefined) item.fail();
  container = unwrap(container);
  if (typeof container === 'string') {
    if (!isString(item)) throw new TemplateRuntimeError(`'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(String(unwrap(item)));
  }
  if (Array.isArray(container)) return container.some((v) => pyEquals(v, item));
  if (isMapping(container)) {
    const key = String(unwrap(item));
    return Object.hasOwn(container, key) || (Reflect.has(container, key) && !(key in Object.prototype));
  }
  throw new TemplateRuntimeError(`argument of type '${typeName(container)}' is not iterable`);
}

/** Turns a value into the list that Python's iteration would walk. */
export function toList(value: unknown): unknown[] {
  if (value instanceof Undefined) value.fail();
  value = unwrap(value);
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return Array.from(value);
  if (value instanceof Map || value instanceof Set) return Array.from(value.keys());
  if (isMapping(value)) {
    if (Symbol.iterator in value) return Array.from(value as unknown as Iterable<unknown>);
    return Object.keys(value);
  }
  throw new TemplateRuntimeError(`'${typeName(value)}' object is not iterable`);
}

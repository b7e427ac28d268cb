/** Filters about values in general: defaults, conversions, sizes. */
import { param } from '../call-args.js';
import { isMapping, isString, pyStr, toList, truthy, typeName } from '../python-values.js';
import { FilterError, requireDefined, TemplateRuntimeError, Undefined } from '../undefined.js';
import { lenient, raw, type ImplTable } from './registry.js';

const TRUE_WORDS = new Set(['yes', 'on', '1', 'true']);

/** Ansible's `bool`: True, 'yes', 'on', '1', 'true' (any case) and 1 are true; all else is false. */
export function toBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1;
  if (typeof value === 'string') return TRUE_WORDS.has(value.toLowerCase());
  return false;
}

function parseInt10(text: string, base: number): number | undefined {
  const s = text.trim().replace(/_/g, '');
  const prefixes: Record<number, RegExp> = { 16: /^[+-]?(0x)?[0-9a-f]+$/i, 8: /^[+-]?(0o)?[0-7]+$/i, 2: /^[+-]?(0b)?[01]+$/i, 10: /^[+-]?\d+$/ };
  const shape = prefixes[base];
  if (shape ? !shape.test(s) : !/^[+-]?[0-9a-z]+$/i.test(s)) return undefined;
  const negative = s.startsWith('-');
  const digits = s.replace(/^[+-]/, '').replace(/^0[xob]/i, '');
  const n = parseInt(digits, base);
  return Number.isNaN(n) ? undefined : negative ? -n : n;
}

function parseFloatStrict(text: string): number | undefined {
  const s = text.trim().replace(/_/g, '').toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(s)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

export function toInt(value: unknown, fallback: unknown = 0, base = 10): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : fallback;
  if (typeof value === 'string') {
    const n = parseInt10(value, base) ?? parseFloatStrict(value);
    return n === undefined || !Number.isFinite(n) ? fallback : Math.trunc(n);
  }
  return fallback;
}

export function toFloat(value: unknown, fallback: unknown = 0): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return parseFloatStrict(value) ?? fallback;
  return fallback;
}

/** Python's round(): halves go to the even neighbour. */
function pyRound(value: number, precision: number): number {
  const scale = 10 ** precision;
  const x = value * scale;
  let r = Math.round(x);
  if (Math.abs(x % 1) === 0.5) r = 2 * Math.round(x / 2);
  return r / scale;
}

export function length(value: unknown): number {
  if (isString(value)) return Array.from(String(value)).length;
  if (Array.isArray(value)) return value.length;
  if (isMapping(value)) return Object.keys(value).length;
  throw new TemplateRuntimeError(`object of type '${typeName(value)}' has no len()`);
}

export const coreFilters: ImplTable = {
  default: lenient((value, call) => {
    const fallback = param(call, 0, 'default_value', '');
    const boolean = param(call, 1, 'boolean', false);
    if (value instanceof Undefined || (truthy(boolean) && !truthy(value))) return fallback;
    return value;
  }),
  mandatory: lenient((value, call) => {
    if (value instanceof Undefined) {
      // Ansible's words, the name quoted with a space after it ("Mandatory variable 'x'  not defined.")
      const msg = param<unknown>(call, 0, 'msg', null);
      throw new FilterError(msg === null ? `Mandatory variable ${value.name === undefined ? '' : `'${value.name}' `} not defined.` : pyStr(msg));
    }
    return value;
  }),
  // None stays None, as Ansible's to_bool gives it back
  bool: (value) => (value === null ? null : toBool(value)),
  int: (value, call) => toInt(value, param(call, 0, 'default', 0), Number(param(call, 1, 'base', 10))),
  float: (value, call) => toFloat(value, param(call, 0, 'default', 0)),
  string: (value) => pyStr(value),
  abs: (value) => {
    if (typeof value !== 'number') throw new TemplateRuntimeError(`bad operand type for abs(): '${typeName(value)}'`);
    return Math.abs(value);
  },
  round: (value, call) => {
    const precision = Number(param(call, 0, 'precision', 0));
    const method = param<unknown>(call, 1, 'method', 'common');
    const n = Number(toFloat(value));
    if (method === 'ceil') return Math.ceil(n * 10 ** precision) / 10 ** precision;
    if (method === 'floor') return Math.floor(n * 10 ** precision) / 10 ** precision;
    if (method !== 'common') throw new TemplateRuntimeError('method must be common, ceil or floor');
    return pyRound(n, precision);
  },
  // the branch not taken may be undefined; the one taken comes back as it is (an Undefined that default catches)
  ternary: lenient((value, call) => {
    requireDefined(value);
    const noneValue = param<unknown>(call, 2, 'none_val', null);
    if (value === null && noneValue !== null) return noneValue;
    return truthy(value) ? param(call, 0, 'true_val', null) : param(call, 1, 'false_val', null);
  }),
  // sees a `!vault` value undecrypted: AnsibleVaultEncryptedUnicode
  type_debug: raw(lenient((value) => typeName(value))),
  list: (value) => [...toList(value)],
  length: (value) => length(value),
};
coreFilters.d = coreFilters.default!;
coreFilters.count = coreFilters.length!;

/**
 * The runtime our compiled templates call instead of nunjucks' own (see
 * compile.ts): strict undefined lookups, Python methods on values, Python's
 * str() for output, and the operators of operators.ts. It is an object
 * derived from nunjucks' runtime, passed to each render, so nunjucks itself
 * is left untouched.
 */
import type { RenderContext } from './context.js';
import { internals, SafeString } from './nunjucks-internals.js';
import * as operators from './operators.js';
import { dictMethod, listMethod, strMethod } from './python-methods.js';
import { VaultText } from '../vault/value.js';
import { isMapping, pyStr, truthy, typeName, WholeFloat } from './python-values.js';
import { TemplateRuntimeError, Undefined } from './undefined.js';

function missingAttribute(obj: unknown, key: unknown, path: string | undefined): Undefined {
  const subject = path ?? `${typeName(obj)} object`;
  if (Array.isArray(obj) && typeof key === 'number') return new Undefined(`'${subject}' has no element ${key}`, String(key));
  return new Undefined(`'${subject}' has no attribute '${String(key)}'`, String(key));
}

function isObjectPrototypeMember(obj: object, key: string): boolean {
  return key in Object.prototype && !Object.hasOwn(obj, key);
}

/**
 * `a.b` and `a['b']`. Undefined propagates (as AnsibleUndefined does) so that
 * `a.b.c | default(x)` works; a missing key yields an Undefined naming it.
 */
export function memberLookup(obj: unknown, key: unknown, path?: string): unknown {
  if (obj instanceof Undefined) return obj;
  if (obj === null || obj === undefined) return new Undefined(`'${path ?? 'None'}' is None and has no attribute '${String(key)}'`, String(key));
  if (obj instanceof SafeString) obj = obj.val;
  if (obj instanceof VaultText) obj = obj.text;
  if (typeof obj === 'string') {
    if (typeof key === 'number') {
      const ch = obj.at(key);
      return ch === undefined ? new Undefined(`string index out of range: ${key}`) : ch;
    }
    return strMethod(obj, String(key)) ?? missingAttribute(obj, key, path);
  }
  if (Array.isArray(obj)) {
    if (typeof key === 'number') return key < obj.length && key >= -obj.length ? obj.at(key) : missingAttribute(obj, key, path);
    return listMethod(obj, String(key)) ?? missingAttribute(obj, key, path);
  }
  if (typeof obj === 'object') {
    const name = String(key);
    const value = (obj as Record<string, unknown>)[name];
    if (value !== undefined && !isObjectPrototypeMember(obj as object, name)) {
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(obj) : value;
    }
    return (isMapping(obj) && dictMethod(obj, name)) || missingAttribute(obj, key, path);
  }
  return missingAttribute(obj, key, path);
}

/** `seq[start:stop:step]` with Python's rules for negative and omitted bounds. */
export function sliceLookup(obj: unknown, start: number | null, stop: number | null, step: number | null): unknown {
  if (obj instanceof Undefined) obj.fail();
  if (obj instanceof SafeString) obj = obj.val;
  if (obj instanceof VaultText) obj = obj.text;
  if (typeof obj !== 'string' && !Array.isArray(obj)) throw new TemplateRuntimeError(`'${typeName(obj)}' object is not subscriptable`);
  const items: unknown[] = typeof obj === 'string' ? Array.from(obj) : obj;
  const n = items.length;
  const by = step ?? 1;
  if (by === 0) throw new TemplateRuntimeError('slice step cannot be zero');
  const clamp = (i: number, low: number, high: number) => Math.min(Math.max(i < 0 ? i + n : i, low), high);
  const from = start === null ? (by > 0 ? 0 : n - 1) : clamp(start, by > 0 ? 0 : -1, by > 0 ? n : n - 1);
  const to = stop === null ? (by > 0 ? n : -1) : clamp(stop, by > 0 ? 0 : -1, by > 0 ? n : n - 1);
  const out: unknown[] = [];
  for (let i = from; by > 0 ? i < to : i > to; i += by) out.push(items[i]);
  return typeof obj === 'string' ? out.join('') : out;
}

/** What `*value` or `**value` gives to a call, until spreadArgs opens it. */
class StarArg {
  constructor(readonly value: unknown, readonly mapping: boolean) {}
}

export function starArg(value: unknown, mapping: boolean): StarArg {
  return new StarArg(value, mapping);
}

const isKeywordArgs = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.hasOwn(value, '__keywords');

/**
 * A call's arguments with Python's `*list` opened into positional arguments
 * and `**mapping` merged into the keyword arguments (nunjucks' trailing
 * `__keywords` object). A name given twice fails, as in Python.
 */
export function spreadArgs(args: readonly unknown[]): unknown[] {
  if (!args.some((a) => a instanceof StarArg)) return [...args];
  const positional: unknown[] = [];
  let keywords: Record<string, unknown> | undefined;
  const addKeywords = (more: Record<string, unknown>) => {
    keywords ??= {};
    for (const [key, value] of Object.entries(more)) {
      if (key === '__keywords') continue;
      if (Object.hasOwn(keywords, key)) throw new TemplateRuntimeError(`got multiple values for keyword argument '${key}'`);
      keywords[key] = value;
    }
  };
  for (const arg of args) {
    if (!(arg instanceof StarArg)) {
      if (isKeywordArgs(arg)) addKeywords(arg);
      else positional.push(arg);
      continue;
    }
    if (arg.value instanceof Undefined) arg.value.fail();
    if (!arg.mapping) positional.push(...(iterable(arg.value, 1) as unknown[]));
    else if (isMapping(arg.value)) addKeywords(arg.value);
    else throw new TemplateRuntimeError(`argument after ** must be a mapping, not ${typeName(arg.value)}`);
  }
  if (keywords) positional.push(Object.assign(keywords, { __keywords: true }));
  return positional;
}

export function callWrap(fn: unknown, name: string, context: RenderContext, args: unknown[]): unknown {
  if (fn instanceof Undefined) fn.fail();
  if (typeof fn !== 'function') throw new TemplateRuntimeError(`'${name}' is not callable (it is a ${typeName(fn)})`);
  return fn.apply(context, spreadArgs(args).map((a) => (a instanceof WholeFloat ? a.value : a)));
}

/** What `{{ x }}` writes: Python's str(), except that None writes nothing, as Ansible does. */
export function suppressValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return pyStr(value);
}

/** Records the line (1-based, in the template text) of the first failure. */
export function handleError(error: unknown, lineno: number): unknown {
  const err = error instanceof Error ? error : new TemplateRuntimeError(String(error));
  const tagged = err as Error & { lineno?: number };
  if (tagged.lineno === undefined) tagged.lineno = lineno + 1;
  return err;
}

/** What a `for` loop walks: a list, a string's characters, a dict's keys (or items with two names). */
export function iterable(value: unknown, names: number): unknown {
  if (value instanceof Undefined) value.fail();
  if (value instanceof SafeString) value = value.val;
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return Array.from(value);
  if (value === null || value === undefined) throw new TemplateRuntimeError("'NoneType' object is not iterable");
  if (typeof value === 'object') {
    if (Symbol.iterator in value) return Array.from(value as Iterable<unknown>);
    return names === 1 ? Object.keys(value) : value;
  }
  throw new TemplateRuntimeError(`'${typeName(value)}' object is not iterable`);
}

/** A dict literal; keys are expressions in Jinja (`{ item.name: 1 }`). */
export function makeDict(entries: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < entries.length; i += 2) {
    const key = entries[i];
    if (key instanceof Undefined) key.fail();
    out[pyStr(key)] = entries[i + 1];
  }
  return out;
}

export interface TestHost {
  getTest(name: string): (this: RenderContext, value: unknown, ...args: unknown[]) => unknown;
}

/** `value is name(args)`; tests always yield a boolean. */
export function runTest(env: TestHost, context: RenderContext, name: string, value: unknown, args: unknown[]): boolean {
  // tests see numbers; only these three tell 5.0 from 5
  if (value instanceof WholeFloat && (name === 'float' || name === 'integer' || name === 'number')) return name !== 'integer';
  return Boolean(env.getTest(name).call(context, value, ...spreadArgs(args)));
}

export function inlineIfUndefined(line: number): Undefined {
  return new Undefined(`the inline if-expression on line ${line} evaluated to false and no else section was defined`);
}

const methods = {
  memberLookup, sliceLookup, callWrap, starArg, spreadArgs, suppressValue, handleError, iterable, makeDict, runTest, inlineIfUndefined,
  truthy,
  contextOrFrameLookup(context: RenderContext, frame: { lookup(name: string): unknown }, name: string): unknown {
    const local = frame.lookup(name);
    return local !== undefined ? local : context.lookup(name);
  },
  ...operators,
};

export type Runtime = Record<string, unknown> & typeof methods;

export const runtime: Runtime = Object.assign(Object.create(internals.runtime) as Record<string, unknown>, methods);

/**
 * A runtime for single-expression templates that keeps the expression's value
 * instead of printing it, so `"{{ groups['etcd'] }}"` stays a list.
 */
export function nativeRuntime(slot: { value: unknown }): Runtime {
  return Object.assign(Object.create(runtime) as Runtime, {
    suppressValue(value: unknown): string {
      slot.value = value;
      return '';
    },
  });
}

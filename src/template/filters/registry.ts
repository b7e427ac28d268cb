/**
 * How filters and tests are written and registered. An implementation sees
 * plain values (SafeStrings unwrapped) and Python-style arguments; unless it
 * is marked lenient, any undefined argument fails before it runs, which is
 * what makes `{{ nope | upper }}` name `nope`.
 */
import { splitArgs, type CallArgs } from '../call-args.js';
import type { RenderContext } from '../context.js';
import { unwrap } from '../python-values.js';
import { requireDefined } from '../undefined.js';

export type Impl = (value: unknown, call: CallArgs, context: RenderContext) => unknown;
export type ImplTable = Record<string, Impl>;

const lenientImpls = new WeakSet<Impl>();

/** Marks an implementation that inspects undefined values itself (`default`, `is defined`). */
export function lenient(impl: Impl): Impl {
  lenientImpls.add(impl);
  return impl;
}

const rawImpls = new WeakSet<Impl>();

/** Marks a test that sees the value as it is, a `!vault` value still encrypted (`vault_encrypted`, `string`). */
export function raw(impl: Impl): Impl {
  rawImpls.add(impl);
  return impl;
}

export type NunjucksCallable = (this: RenderContext, value: unknown, ...raw: unknown[]) => unknown;

export function toNunjucks(impl: Impl): NunjucksCallable {
  const isLenient = lenientImpls.has(impl);
  const isRaw = rawImpls.has(impl);
  return function (this: RenderContext, value: unknown, ...raw: unknown[]): unknown {
    const call = splitArgs(raw);
    if (!isLenient) {
      requireDefined(value, ...call.args);
      for (const key of Object.keys(call.kwargs)) requireDefined(call.kwargs[key]);
    }
    call.args = call.args.map(unwrap);
    return impl(isRaw ? value : unwrap(value), call, this);
  };
}

/** Wraps one of nunjucks' own filters or tests so that it too is strict about undefined. */
export function strictBuiltin(fn: (...args: unknown[]) => unknown): NunjucksCallable {
  return function (this: RenderContext, value: unknown, ...raw: unknown[]): unknown {
    requireDefined(value, ...raw);
    return fn.call(this, unwrap(value), ...raw);
  };
}

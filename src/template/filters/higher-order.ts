/** Filters that apply other filters, tests or attribute lookups to each item. */
import type { CallArgs } from '../call-args.js';
import { COLLECTION_PREFIX } from '../compiler.js';
import type { RenderContext } from '../context.js';
import { memberLookup } from '../runtime.js';
import { pyStr, toList, truthy } from '../python-values.js';
import { requireDefined, TemplateRuntimeError, Undefined } from '../undefined.js';
import { getAttribute } from './attributes.js';
import { lenient, type ImplTable } from './registry.js';

/** Positional and keyword arguments back in nunjucks' calling form. */
function rawArgs(args: unknown[], kwargs: Record<string, unknown>): unknown[] {
  return Object.keys(kwargs).length ? [...args, { ...kwargs, __keywords: true }] : args;
}

function testFunction(context: RenderContext, args: unknown[], kwargs: Record<string, unknown>): (value: unknown) => boolean {
  if (!args.length) return (value) => truthy(value);
  const [name, ...rest] = args;
  const test = context.env.getTest(pyStr(name).replace(COLLECTION_PREFIX, ''));
  const extra = rawArgs(rest, kwargs);
  return (value) => Boolean(test.call(context, value, ...extra));
}

function select(value: unknown, call: CallArgs, context: RenderContext, keep: boolean): unknown[] {
  const test = testFunction(context, call.args, call.kwargs);
  return toList(value).filter((item) => test(item) === keep);
}

function selectAttribute(value: unknown, call: CallArgs, context: RenderContext, keep: boolean): unknown[] {
  const [attribute, ...rest] = call.args;
  if (attribute === undefined) throw new TemplateRuntimeError('selectattr/rejectattr need an attribute name');
  const test = testFunction(context, rest, call.kwargs);
  return toList(value).filter((item) => test(getAttribute(item, attribute)) === keep);
}

export const higherOrderFilters: ImplTable = {
  map: (value, call, context) => {
    const items = toList(value);
    if (Object.hasOwn(call.kwargs, 'attribute')) {
      const fallback = call.kwargs.default;
      return items.map((item) => {
        const got = getAttribute(item, call.kwargs.attribute);
        return got instanceof Undefined && Object.hasOwn(call.kwargs, 'default') ? fallback : got;
      });
    }
    const [name, ...rest] = call.args;
    if (name === undefined) throw new TemplateRuntimeError('map needs a filter name or attribute=');
    const filter = context.env.getFilter(pyStr(name).replace(COLLECTION_PREFIX, ''));
    const extra = rawArgs(rest, call.kwargs);
    return items.map((item) => filter.call(context, item, ...extra));
  },
  select: (value, call, context) => select(value, call, context, true),
  reject: (value, call, context) => select(value, call, context, false),
  selectattr: (value, call, context) => selectAttribute(value, call, context, true),
  rejectattr: (value, call, context) => selectAttribute(value, call, context, false),
  // an undefined container yields its Undefined (which `default` catches), as a lookup on it does
  extract: lenient((item, call) => {
    const [container, morekeys] = call.args;
    requireDefined(item, morekeys);
    const keys = morekeys === undefined || morekeys === null ? [item] : Array.isArray(morekeys) ? [item, ...morekeys] : [item, morekeys];
    return keys.reduce<unknown>((obj, key) => memberLookup(obj, key), container);
  }),
};

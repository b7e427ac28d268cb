/** Filters on structured data: merging dicts, reshaping, JSON and YAML. */
import jmespath from 'jmespath';
import YAML from 'yaml';
import { param } from '../call-args.js';
import { isMapping, isString, pyClass, pyContains, pyStr, truthy, typeName, unwrap, WholeFloat, type Mapping } from '../python-values.js';
import { dumpYaml, type DumpOptions } from '../yaml-emitter.js';
import { FilterError, TemplateRuntimeError, Undefined } from '../undefined.js';
import { flatten } from './sequences.js';
import { raw, type ImplTable } from './registry.js';
import { VaultText } from '../../vault/value.js';

type ListMerge = 'replace' | 'keep' | 'append' | 'prepend' | 'append_rp' | 'prepend_rp';

function mergeLists(x: unknown[], y: unknown[], how: ListMerge): unknown[] {
  switch (how) {
    case 'replace': return y;
    case 'keep': return x;
    case 'append': return [...x, ...y];
    case 'prepend': return [...y, ...x];
    case 'append_rp': return [...x.filter((v) => !pyContains(y, v)), ...y];
    case 'prepend_rp': return [...y, ...x.filter((v) => !pyContains(y, v))];
  }
}

/** Ansible's merge_hash: `y` wins; copies, never changes its inputs. */
export function mergeHash(x: Mapping, y: Mapping, recursive: boolean, listMerge: ListMerge): Mapping {
  const out: Mapping = { ...x };
  for (const key of Object.keys(y)) {
    const yv = y[key];
    const xv = out[key];
    if (!Object.hasOwn(out, key)) out[key] = yv;
    else if (isMapping(xv) && isMapping(yv)) out[key] = recursive ? mergeHash(xv, yv, recursive, listMerge) : yv;
    else if (Array.isArray(xv) && Array.isArray(yv)) out[key] = mergeLists(xv, yv, listMerge);
    else out[key] = yv;
  }
  return out;
}

function assertDefinedDeep(value: unknown, depth = 0): void {
  if (value instanceof Undefined) value.fail();
  if (depth > 50) return;
  if (Array.isArray(value)) value.forEach((v) => assertDefinedDeep(v, depth + 1));
  else if (isMapping(value)) Object.keys(value).forEach((k) => assertDefinedDeep(value[k], depth + 1));
}

/** Python's type name and json.dumps of a value that is not a dict, for merge_hash's complaint. */
function notDicts(x: unknown, y: unknown): FilterError {
  const shown = (v: unknown) => {
    try {
      return compactJson(v);
    } catch {
      return pyStr(v);
    }
  };
  return new FilterError(`failed to combine variables, expected dicts but got a '${typeName(x)}' and a '${typeName(y)}': \n${shown(x)}\n${shown(y)}`);
}

/**
 * Ansible's combine: the terms flattened one level (nulls dropped), one term
 * given back as it is, else merged from the last (highest priority) back to
 * the first, each step checking that both sides are dicts.
 */
function combine(terms: unknown[], kwargs: Record<string, unknown>): unknown {
  const unknownKeys = Object.keys(kwargs).filter((k) => k !== 'recursive' && k !== 'list_merge');
  if (unknownKeys.length) throw new FilterError("'recursive' and 'list_merge' are the only valid keyword arguments");
  const listMerge = String(kwargs.list_merge ?? 'replace') as ListMerge;
  const dicts = flatten(terms, 1, true);
  assertDefinedDeep(dicts);
  if (!dicts.length) return {};
  if (dicts.length === 1) return dicts[0];
  if (!['replace', 'keep', 'append', 'prepend', 'append_rp', 'prepend_rp'].includes(listMerge)) {
    throw new FilterError("merge_hash: 'list_merge' argument can only be equal to 'replace', 'keep', 'append', 'prepend', 'append_rp' or 'prepend_rp'");
  }
  const recursive = truthy(kwargs.recursive ?? false);
  return dicts.slice(0, -1).reduceRight<unknown>((result, d) => {
    if (!isMapping(d) || !isMapping(result)) throw notDicts(d, result);
    return mergeHash(d, result, recursive, listMerge);
  }, dicts[dicts.length - 1]);
}

interface JsonOptions {
  indent: number | null;
  sortKeys: boolean;
  itemSeparator: string;
  keySeparator: string;
}

function jsonString(s: string): string {
  // Python's json.dumps escapes everything outside ASCII (ensure_ascii)
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** json.dumps(value) with Python's defaults: `{"a": 1, "b": [1, 2]}`. */
export function compactJson(value: unknown): string {
  return pyJson(value, { indent: null, sortKeys: false, itemSeparator: ', ', keySeparator: ': ' });
}

/** Python's json.dumps. */
export function pyJson(value: unknown, options: JsonOptions, level = 0): string {
  value = unwrap(value);
  if (value instanceof Undefined) value.fail();
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : '-Infinity';
  if (typeof value === 'string') return jsonString(value);
  const nested = (items: string[], open: string, close: string): string => {
    if (!items.length) return open + close;
    if (options.indent === null) return open + items.join(options.itemSeparator) + close;
    const inner = '\n' + ' '.repeat(options.indent * (level + 1));
    return open + inner + items.join(options.itemSeparator + inner) + '\n' + ' '.repeat(options.indent * level) + close;
  };
  if (Array.isArray(value)) return nested(value.map((v) => pyJson(v, options, level + 1)), '[', ']');
  if (isMapping(value)) {
    const keys = Object.keys(value);
    if (options.sortKeys) keys.sort();
    return nested(keys.map((k) => jsonString(k) + options.keySeparator + pyJson(value[k], options, level + 1)), '{', '}');
  }
  throw new TemplateRuntimeError(`Object of type ${typeName(value)} is not JSON serializable`);
}

function toJson(value: unknown, kwargs: Record<string, unknown>, nice: boolean): string {
  const indentArg = kwargs.indent ?? (nice ? 4 : null);
  const indent = indentArg === null ? null : Number(indentArg);
  const sortKeys = truthy(kwargs.sort_keys ?? nice);
  return pyJson(value, { indent, sortKeys, itemSeparator: indent === null ? ', ' : ',', keySeparator: ': ' });
}


const views = new WeakMap<object, object>();
const targets = new WeakMap<object, object>();

/**
 * The value as JMESPath should see it, read only where the query looks:
 * `hostvars | json_query('*.ip')` reads each host's `ip`, never every
 * variable of every host (a host's variables hold hostvars again).
 */
function lazyView(value: unknown): unknown {
  value = unwrap(value);
  if (value instanceof Undefined) return null;
  if (typeof value !== 'object' || value === null) return value;
  let view = views.get(value);
  if (!view) {
    view = new Proxy(value, { get: (target, key, receiver) => (typeof key === 'string' ? lazyView(Reflect.get(target, key, receiver)) : Reflect.get(target, key, receiver)) });
    views.set(value, view);
    targets.set(view, value);
  }
  return view;
}

/** A query's result with the views taken off again: what it picked out is the caller's own value. */
function unview(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const target = targets.get(value);
  if (target) return target;
  if (Array.isArray(value)) return value.map(unview);
  return Object.fromEntries(Object.keys(value).map((k) => [k, unview((value as Record<string, unknown>)[k])]));
}

/** Plain data for the YAML dumper; whole floats (5.0) stay marked so they are written as floats. */
function yamlData(value: unknown): unknown {
  // a `!vault` value is written as its vault text, as Ansible's dumper writes it
  if (value instanceof WholeFloat || value instanceof VaultText) return value;
  value = unwrap(value);
  if (value instanceof Undefined) value.fail();
  if (Array.isArray(value)) return value.map(yamlData);
  if (isMapping(value)) return Object.fromEntries(Object.keys(value).map((k) => [k, yamlData(value[k])]));
  return value;
}

/** Ansible's to_yaml (default_flow_style=None) and to_nice_yaml (block style, indent 4), as PyYAML with libyaml writes them. */
function toYaml(value: unknown, kwargs: Record<string, unknown>, nice: boolean): string {
  const flow = kwargs.default_flow_style;
  const options: DumpOptions = {
    flowStyle: nice ? false : flow === undefined || flow === null ? null : truthy(flow),
    indent: Number(kwargs.indent ?? (nice ? 4 : 2)),
    sortKeys: kwargs.sort_keys === undefined ? true : truthy(kwargs.sort_keys),
    explicitStart: truthy(kwargs.explicit_start ?? false),
  };
  if (kwargs.width !== undefined) options.width = Number(kwargs.width);
  return dumpYaml(yamlData(value), options, { wholeFloat: (v) => (v instanceof WholeFloat ? v.value : undefined) });
}

export const dataFilters: ImplTable = {
  combine: (value, call) => combine([value, ...call.args], call.kwargs),
  dict2items: (value, call) => {
    if (!isMapping(value)) throw new TemplateRuntimeError(`dict2items requires a dictionary, got ${pyClass(value)} instead.`);
    const k = pyStr(param(call, 0, 'key_name', 'key'));
    const v = pyStr(param(call, 1, 'value_name', 'value'));
    return Object.keys(value).map((key) => ({ [k]: key, [v]: value[key] }));
  },
  items2dict: (value, call) => {
    const k = pyStr(param(call, 0, 'key_name', 'key'));
    const v = pyStr(param(call, 1, 'value_name', 'value'));
    if (!Array.isArray(value)) throw new TemplateRuntimeError(`items2dict requires a list, got ${pyClass(value)} instead.`);
    const out: Mapping = {};
    for (const item of value) {
      if (!isMapping(item)) throw new TemplateRuntimeError(`items2dict requires a list of dictionaries, got ${pyStr(value)} instead.`);
      if (!Object.hasOwn(item, k) || !Object.hasOwn(item, v)) {
        throw new TemplateRuntimeError(`items2dict requires each dictionary in the list to contain the keys '${k}' and '${v}', got ${pyStr(value)} instead.`);
      }
      out[pyStr(item[k])] = item[v];
    }
    return out;
  },
  to_json: (value, call) => toJson(value, call.kwargs, false),
  to_nice_json: (value, call) => toJson(value, { indent: param(call, 0, 'indent', 4), sort_keys: call.kwargs.sort_keys ?? true }, true),
  from_json: (value) => {
    if (!isString(value)) throw new TemplateRuntimeError(`from_json expects a string, got ${typeName(value)}`);
    try {
      return JSON.parse(String(value));
    } catch (err) {
      throw new TemplateRuntimeError(`from_json: ${(err as Error).message}`);
    }
  },
  json_query: (value, call) => {
    try {
      return unview(jmespath.search(lazyView(value), pyStr(param(call, 0, 'expr', ''))));
    } catch (err) {
      throw new TemplateRuntimeError(`JMESPathError in json_query filter plugin: ${(err as Error).message}`);
    }
  },
  // raw: a `!vault` value given to them stays one (yamlData unwraps the rest)
  to_yaml: raw((value, call) => toYaml(value, call.kwargs, false)),
  to_nice_yaml: raw((value, call) => toYaml(value, { ...call.kwargs, indent: param(call, 0, 'indent', 4) }, true)),
  from_yaml: (value) => (isString(value) ? YAML.parse(String(value), { version: '1.1' }) : value),
  from_yaml_all: (value) => (isString(value) ? YAML.parseAllDocuments(String(value), { version: '1.1' }).map((doc) => doc.toJS()) : value),
};

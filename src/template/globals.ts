/**
 * Functions and constants every template sees: `lookup`/`query`, `range`,
 * `dict`, `omit`. `lookup('file')` reads from the controller, relative paths
 * against the Templar's search paths.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { unsupportedAnsibleName } from '../common/ansible-names.js';
import { splitArgs } from './call-args.js';
import type { RenderContext } from './context.js';
import { isMapping, pyStr, toList, truthy } from './python-values.js';
import { TemplateRuntimeError, Undefined } from './undefined.js';

/**
 * The value of `omit`. A module argument equal to it is dropped, as in
 * Ansible; unique per process so that no real value collides with it.
 */
export const OMIT = `__omit_place_holder__${randomBytes(20).toString('hex')}`;

type Lookup = (terms: unknown[], kwargs: Record<string, unknown>, context: RenderContext) => unknown[];

function readLookupFile(path: string, searchPaths: readonly string[]): string {
  const candidates = isAbsolute(path) ? [path] : [...searchPaths.map((dir) => join(dir, path)), ...searchPaths.map((dir) => join(dir, 'files', path)), path];
  for (const candidate of candidates) {
    try {
      return readFileSync(candidate, 'utf8');
    } catch {
      // try the next place
    }
  }
  throw new TemplateRuntimeError(`could not locate file in lookup: ${path}`);
}

function lookupPlugins(searchPaths: readonly string[]): Record<string, Lookup> {
  return {
    env: (terms, kwargs) => terms.map((t) => process.env[pyStr(t)] ?? (kwargs.default !== undefined ? kwargs.default : '')),
    file: (terms, kwargs) => terms.map((t) => {
      const text = readLookupFile(pyStr(t), searchPaths);
      const strip = (kwargs.rstrip ?? true) !== false;
      const lstrip = kwargs.lstrip === true;
      return lstrip ? (strip ? text.trim() : text.trimStart()) : strip ? text.trimEnd() : text;
    }),
    vars: (terms, kwargs, context) => terms.map((t) => {
      const value = context.lookup(pyStr(t));
      if (value instanceof Undefined) {
        if (Object.hasOwn(kwargs, 'default')) return kwargs.default;
        throw new TemplateRuntimeError(`No variable found with this name: ${pyStr(t)}`);
      }
      return value;
    }),
    items: (terms) => terms.flatMap((t) => (Array.isArray(t) ? t : [t])),
    list: (terms) => terms,
    dict: (terms) => terms.flatMap((t) => {
      if (!isMapping(t)) throw new TemplateRuntimeError('with_dict expects a dict');
      return Object.keys(t).map((key) => ({ key, value: t[key] }));
    }),
    indexed_items: (terms) => terms.flatMap((t) => (Array.isArray(t) ? t : [t])).map((item, i) => [i, item]),
  };
}

function runLookup(plugins: Record<string, Lookup>, context: RenderContext, raw: unknown[]): { values: unknown[]; wantlist: boolean } {
  const { args, kwargs } = splitArgs(raw);
  const [name, ...terms] = args;
  for (const term of terms) if (term instanceof Undefined) term.fail();
  const plugin = plugins[pyStr(name).replace(/^ansible\.builtin\./, '')];
  if (!plugin) throw new TemplateRuntimeError(unsupportedAnsibleName('lookup', pyStr(name)) ?? `lookup plugin (${pyStr(name)}) not found`);
  const { wantlist, errors, ...options } = kwargs;
  try {
    return { values: plugin(terms, options, context), wantlist: truthy(wantlist ?? false) };
  } catch (err) {
    if (errors === 'ignore') return { values: [], wantlist: truthy(wantlist ?? false) };
    throw err;
  }
}

function pyRange(...args: unknown[]): number[] {
  const n = args.map(Number);
  const [start, stop, step] = n.length === 1 ? [0, n[0]!, 1] : [n[0]!, n[1]!, n[2] ?? 1];
  if (step === 0) throw new TemplateRuntimeError('range() arg 3 must not be zero');
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  if (out.length > 100000) throw new TemplateRuntimeError('range too big');
  return out;
}

export function createGlobals(searchPaths: readonly string[]): Record<string, unknown> {
  const plugins = lookupPlugins(searchPaths);
  return {
    omit: OMIT,
    range: pyRange,
    lookup(this: RenderContext, ...raw: unknown[]): unknown {
      const { values, wantlist } = runLookup(plugins, this, raw);
      if (wantlist) return values;
      // Ansible joins a list of strings with commas, else gives the lone item or the list
      if (values.every((v) => typeof v === 'string')) return values.join(',');
      return values.length === 1 ? values[0] : values;
    },
    query(this: RenderContext, ...raw: unknown[]): unknown[] {
      return runLookup(plugins, this, raw).values;
    },
    q(this: RenderContext, ...raw: unknown[]): unknown[] {
      return runLookup(plugins, this, raw).values;
    },
    dict(...raw: unknown[]): Record<string, unknown> {
      const { args, kwargs } = splitArgs(raw);
      const out: Record<string, unknown> = {};
      for (const source of args) {
        if (isMapping(source)) Object.assign(out, source);
        else for (const pair of toList(source)) {
          const [k, v] = toList(pair);
          out[pyStr(k)] = v;
        }
      }
      return Object.assign(out, kwargs);
    },
  };
}

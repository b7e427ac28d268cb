/**
 * Functions and constants every template sees: `lookup`/`query`, `range`,
 * `dict`, `omit`. The lookup plugins themselves are in lookups.ts.
 */
import { randomBytes } from 'node:crypto';
import { unsupportedAnsibleName } from '../common/ansible-names.js';
import { splitArgs } from './call-args.js';
import type { RenderContext } from './context.js';
import { pyDateTime, strftime } from './datetime.js';
import { lookupPlugins, type FileRenderer, type Lookup } from './lookups.js';
import { LOOKUP_TERM_GLOBAL } from './parser.js';
import { isMapping, pyStr, toList, truthy } from './python-values.js';
import { TemplateRuntimeError, Undefined } from './undefined.js';

/**
 * The value of `omit`. A module argument equal to it is dropped, as in
 * Ansible; unique per process so that no real value collides with it.
 */
export const OMIT = `__omit_place_holder__${randomBytes(20).toString('hex')}`;

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

/** Renders a lookup's term written as a template, with the variables of the render it is in. */
export type TermRenderer = (text: string, context: RenderContext) => unknown;

export function createGlobals(searchPaths: readonly string[], renderFile: FileRenderer, renderTerm?: TermRenderer): Record<string, unknown> {
  const plugins = lookupPlugins(searchPaths, renderFile);
  return {
    [LOOKUP_TERM_GLOBAL](this: RenderContext, text: string): unknown {
      return renderTerm ? renderTerm(text, this) : text;
    },
    omit: OMIT,
    range: pyRange,
    // undef(hint=None): an undefined value that fails with the hint when used, for a variable a play must override
    undef(...raw: unknown[]): Undefined {
      const { args, kwargs } = splitArgs(raw);
      const hint = args[0] ?? kwargs.hint;
      return new Undefined(hint === undefined || hint === null ? 'Mandatory variable has not been overridden' : pyStr(hint));
    },
    // now(utc=False, fmt=None): the time as Python's str(datetime), or formatted
    now(...raw: unknown[]): string {
      const { args, kwargs } = splitArgs(raw);
      const utc = truthy(args[0] ?? kwargs.utc ?? false);
      const fmt = args[1] ?? kwargs.fmt;
      const when = new Date();
      return fmt === undefined || fmt === null ? pyDateTime(when, utc) : strftime(pyStr(fmt), when, utc);
    },
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

/**
 * The nunjucks Environment set up as Ansible sets up Jinja2: no autoescape,
 * trim_blocks on, lstrip_blocks off, Ansible's filters, tests and globals,
 * and `{% include %}`/`{% import %}`/`{% extends %}` resolved against the
 * search paths with our compiler and runtime.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { RenderContext, type RenderEnv } from './context.js';
import { coreFilters } from './filters/core.js';
import { dataFilters } from './filters/data.js';
import { networkFilters } from './filters/network.js';
import { higherOrderFilters } from './filters/higher-order.js';
import { sequenceFilters } from './filters/sequences.js';
import { stringFilters } from './filters/strings.js';
import { textFormFilters } from './filters/text-forms.js';
import { vaultFilters } from './filters/vault.js';
import { strictBuiltin, toNunjucks, type ImplTable } from './filters/registry.js';
import { createGlobals, type TermRenderer } from './globals.js';
import type { FileRenderer } from './lookups.js';
import { Environment, Frame, type NunjucksFrame } from './nunjucks-internals.js';
import type { Program } from './program.js';
import { runtime } from './runtime.js';
import { tests } from './tests.js';
import { TemplateRuntimeError } from './undefined.js';

export const LEXER_OPTIONS = { trimBlocks: true, lstripBlocks: false };

export interface TemplarEnvironment extends RenderEnv {
  filters: Record<string, unknown>;
  tests: Record<string, unknown>;
  opts: { autoescape: boolean };
  getTemplate: (...args: unknown[]) => unknown;
}

type Callback = (err: unknown, result?: unknown) => void;

function register(target: Record<string, unknown>, table: ImplTable): void {
  for (const name of Object.keys(table)) target[name] = toNunjucks(table[name]!);
}

/** A template loaded by include/import/extends, in the shape nunjucks' generated code expects. */
function loadedTemplate(env: TemplarEnvironment, name: string, program: Program) {
  const tag = (cb: Callback): Callback => (err, result) => {
    if (err instanceof Error && !(err as { included?: boolean }).included) {
      const lineno = (err as { lineno?: number }).lineno;
      err.message = `${name}${lineno ? `:${lineno}` : ''}: ${err.message}`;
      Object.assign(err, { included: true, lineno: undefined });
    }
    cb(err, result);
  };
  const run = (ctx: Record<string, unknown>, parentFrame: NunjucksFrame | undefined, cb: Callback): RenderContext => {
    const context = new RenderContext(env, ctx ?? {}, program.blocks);
    const frame = parentFrame ? parentFrame.push(true) : new Frame();
    frame.topLevel = true;
    program.root(env, context, frame, runtime, tag(cb));
    return context;
  };
  return {
    blocks: program.blocks,
    rootRenderFunc: program.root,
    render: (ctx: Record<string, unknown>, frame: NunjucksFrame, cb: Callback) => run(ctx, frame, cb),
    getExported(...args: unknown[]) {
      const cb = args.pop() as Callback;
      const [ctx, frame] = args as [Record<string, unknown> | undefined, NunjucksFrame | undefined];
      const context = run(ctx ?? {}, frame, (err) => (err ? cb(err) : undefined));
      cb(null, context.getExported());
    },
  };
}

/**
 * `includeDirs`: where `{% include %}`, `{% import %}` and `{% extends %}`
 * look, asked at each use because it depends on the file being rendered.
 */
export function createEnvironment(
  searchPaths: readonly string[],
  compile: (text: string) => Program,
  renderFile: FileRenderer,
  includeDirs: () => readonly string[] = () => searchPaths,
  renderTerm?: TermRenderer,
): TemplarEnvironment {
  const env = new Environment([], { autoescape: false, trimBlocks: true, lstripBlocks: false, throwOnUndefined: false }) as unknown as TemplarEnvironment;
  for (const name of Object.keys(env.filters)) env.filters[name] = strictBuiltin(env.filters[name] as (...a: unknown[]) => unknown);
  for (const name of Object.keys(env.tests)) env.tests[name] = strictBuiltin(env.tests[name] as (...a: unknown[]) => unknown);
  for (const table of [coreFilters, stringFilters, sequenceFilters, higherOrderFilters, dataFilters, networkFilters, textFormFilters, vaultFilters]) register(env.filters, table);
  register(env.tests, tests);
  Object.assign(env.globals, createGlobals(searchPaths, renderFile, renderTerm));

  env.getTemplate = (...args: unknown[]) => {
    const [name, , , ignoreMissing, cb] = args as [unknown, unknown, unknown, boolean, Callback];
    try {
      const file = String(name);
      const dirs = includeDirs();
      const candidates = isAbsolute(file) ? [file] : dirs.map((dir) => join(dir, file));
      let text: string | undefined;
      for (const candidate of candidates) {
        try {
          text = readFileSync(candidate, 'utf8');
          break;
        } catch {
          // try the next search path
        }
      }
      if (text === undefined) {
        if (ignoreMissing) text = '';
        else throw new TemplateRuntimeError(`template not found: ${file} (searched ${dirs.join(', ') || 'no search paths'})`);
      }
      // Jinja drops an included file's last line break (keep_trailing_newline off)
      cb(null, loadedTemplate(env, file, compile(text.replace(/\r?\n$/, ''))));
    } catch (err) {
      cb(err);
    }
  };
  return env;
}

/**
 * The context compiled templates read variables from. nunjucks' own Context
 * copies every variable into a fresh object on each render; ours reads the
 * caller's variables in place, so a lazily resolving Proxy is only asked for
 * the names a template uses, and `{% set %}` writes to a layer of its own
 * instead of the caller's object.
 */
import { undefinedVariable } from './undefined.js';

/** A compiled template's root or block function. */
export type Block = (env: unknown, context: unknown, frame: unknown, runtime: unknown, cb: (err: unknown, out?: string) => void) => void;

type Callable = (this: RenderContext, value: unknown, ...args: unknown[]) => unknown;

/** The part of the nunjucks Environment that compiled templates and filters use. */
export interface RenderEnv {
  globals: Record<string, unknown>;
  getFilter(name: string): Callable;
  getTest(name: string): Callable;
}

export class RenderContext {
  ctx: Record<string, unknown>;
  private layered = false;
  blocks: Record<string, Block[]> = {};
  exported: string[] = [];

  constructor(readonly env: RenderEnv, vars: Record<string, unknown>, blocks?: Record<string, Block>) {
    this.ctx = vars;
    if (blocks) for (const name of Object.keys(blocks)) this.addBlock(name, blocks[name]!);
  }

  lookup(name: string): unknown {
    const value = this.ctx[name];
    // Object.prototype members (`constructor`, `toString`) are not variables.
    if (value !== undefined && !(name in Object.prototype && !Object.hasOwn(this.ctx, name))) return value;
    if (Object.hasOwn(this.env.globals, name)) return this.env.globals[name];
    return undefinedVariable(name);
  }

  setVariable(name: string, value: unknown): void {
    if (!this.layered) {
      this.ctx = Object.create(this.ctx) as Record<string, unknown>;
      this.layered = true;
    }
    // Defined, not assigned: an assignment would reach a Proxy prototype's set trap.
    Object.defineProperty(this.ctx, name, { value, writable: true, enumerable: true, configurable: true });
  }

  getVariables(): Record<string, unknown> {
    return this.ctx;
  }

  addBlock(name: string, block: Block): this {
    (this.blocks[name] ??= []).push(block);
    return this;
  }

  getBlock(name: string): Block {
    const block = this.blocks[name]?.[0];
    if (!block) throw new Error(`unknown block "${name}"`);
    return block;
  }

  getSuper(env: unknown, name: string, block: Block, frame: unknown, runtime: unknown, cb: unknown): void {
    const chain = this.blocks[name] ?? [];
    const next = chain[chain.indexOf(block) + 1];
    if (chain.indexOf(block) < 0 || !next) throw new Error(`no super block available for "${name}"`);
    next(env, this, frame, runtime, cb as (err: unknown, out?: string) => void);
  }

  addExport(name: string): void {
    this.exported.push(name);
  }

  getExported(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const name of this.exported) out[name] = this.ctx[name];
    return out;
  }
}

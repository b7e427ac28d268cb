/**
 * The parts of nunjucks that @types/nunjucks does not describe: its parser,
 * compiler, node classes and runtime. We build our own compiler and runtime on
 * top of them (see compile.ts and runtime.ts), so their shapes are declared
 * here once, as loosely as they are used.
 */
import nunjucks from 'nunjucks';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type AnyNode = any;

export interface NunjucksFrame {
  lookup(name: string): unknown;
  set(name: string, value: unknown, resolveUp?: boolean): void;
  push(isolateWrites?: boolean): NunjucksFrame;
  topLevel: boolean;
}

export interface Internals {
  parser: { Parser: any };
  compiler: { Compiler: any };
  lexer: { lex(src: string, opts: object): any; TOKEN_LEFT_BRACKET: string; TOKEN_RIGHT_BRACKET: string; TOKEN_COLON: string };
  transformer: { transform(ast: AnyNode, asyncFilters: string[], name?: string): AnyNode };
  nodes: Record<string, any> & { Node: any; NodeList: any };
  runtime: Record<string, any> & {
    Frame: new (parent?: NunjucksFrame, isolateWrites?: boolean) => NunjucksFrame;
    SafeString: new (value: string) => { val: string; toString(): string };
  };
  lib: { TemplateError: any; _assign(target: object, source: object): void };
}

const base = nunjucks as unknown as Internals & typeof nunjucks;

// nunjucks' index does not export the transformer; the compiler requires it
// relative to itself, so resolve it the same way.
import { createRequire } from 'node:module';
const requireCjs = createRequire(import.meta.url);
const transformer = requireCjs('nunjucks/src/transformer') as Internals['transformer'];

export const internals: Internals = { ...base, transformer };
export const { Environment } = nunjucks;
export const SafeString = base.runtime.SafeString;
export const Frame = base.runtime.Frame;

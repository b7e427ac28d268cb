/**
 * Turns template text into a runnable program: parse (parser.ts), generate
 * JavaScript (compiler.ts), evaluate it once. The Templar caches programs by
 * text, so each distinct template is compiled once per run.
 */
import { JinjaCompiler, type CompilerNames } from './compiler.js';
import { internals, type AnyNode } from './nunjucks-internals.js';
import { parseTemplate, type LexerOptions } from './parser.js';

import type { Block as RenderFunction } from './context.js';

export interface Program {
  root: RenderFunction;
  blocks: Record<string, RenderFunction>;
  /** the text is one `{{ expr }}` with only whitespace around it */
  singleExpression: boolean;
}

const { nodes } = internals;

function isSingleExpression(root: AnyNode): boolean {
  let expressions = 0;
  for (const child of root.children as AnyNode[]) {
    if (!(child instanceof nodes.Output)) return false;
    for (const part of child.children as AnyNode[]) {
      if (part instanceof nodes.TemplateData) {
        if (String(part.value).trim() !== '') return false;
      } else expressions++;
    }
  }
  return expressions === 1;
}

export function compileProgram(text: string, lexer: LexerOptions, names: CompilerNames): Program {
  const ast = parseTemplate(text, lexer);
  const singleExpression = isSingleExpression(ast);
  const compiler = new JinjaCompiler(names);
  compiler.compile(internals.transformer.transform(ast, []));
  // The generated code is built from our AST by our compiler; it is the same
  // mechanism nunjucks uses for every template.
  const props = new Function(compiler.getCode())() as Record<string, RenderFunction>;
  const blocks: Record<string, RenderFunction> = {};
  for (const key of Object.keys(props)) if (key.startsWith('b_')) blocks[key.slice(2)] = props[key]!;
  return { root: props.root!, blocks, singleExpression };
}

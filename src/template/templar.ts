/**
 * The entry point of template/: renders strings and values with Jinja2
 * semantics as Ansible has them. Pure: it knows nothing of hosts or tasks;
 * the caller passes the variables (possibly a lazily resolving Proxy).
 */
import type { SourcePos } from '../errors.js';
import { RenderContext } from './context.js';
import { createEnvironment, LEXER_OPTIONS, type TemplarEnvironment } from './environment.js';
import { Frame } from './nunjucks-internals.js';
import { compileProgram, type Program } from './program.js';
import { parsePythonLiteral } from '../inventory/python-literal.js';
import { isMapping, plainNumbers, pyStr, truthy as isTruthy, unwrap, WholeFloat } from './python-values.js';
import { nativeRuntime, runtime, type Runtime } from './runtime.js';
import { expandLinePrefixes, readOverrideHeader } from './override-header.js';
import { DEFAULT_DELIMITERS, type Delimiters, type LexerOptions } from './parser.js';
import { toTemplateError } from './template-error.js';
import { templateVars } from './template-vars.js';
import { Undefined } from './undefined.js';
import { types } from 'node:util';
import { dirname, join } from 'node:path';

export type VarLookup = Record<string, unknown>;

const TEMPLATE_MARK = /\{\{|\{%|\{#/;

/** Whether a text holds a start delimiter: the usual ones, or those a template task set. */
function hasTemplateMarks(text: string, tags: Delimiters | undefined): boolean {
  if (!tags) return TEMPLATE_MARK.test(text);
  const marks = { ...DEFAULT_DELIMITERS, ...tags };
  return [marks.blockStart, marks.variableStart, marks.commentStart].some((mark) => text.includes(mark));
}

/**
 * Where a template file's `{% include %}` and `{% import %}` look, as
 * Ansible's template action sets Jinja's search path: the role's folder,
 * the playbook's and the file's own, each with its templates/ first.
 */
function includeDirsOf(vars: VarLookup, file: string | undefined): string[] {
  const text = (name: string) => (typeof vars[name] === 'string' && vars[name] ? (vars[name] as string) : undefined);
  const bases = [text('role_path'), text('playbook_dir'), file ? dirname(file) : undefined].filter((d): d is string => !!d);
  return [...new Set(bases.flatMap((dir) => [join(dir, 'templates'), dir]))];
}

const MAX_CACHED_PROGRAMS = 10000;
const VERBATIM_LEXER = { ...LEXER_OPTIONS, verbatimStrings: true };

function trailingNewlines(s: string): number {
  let n = 0;
  while (n < s.length && s[s.length - 1 - n] === '\n') n++;
  return n;
}

/** Fails on an undefined value left inside a list or dict a template built. */
function assertDefined(value: unknown, depth = 0): void {
  if (value instanceof Undefined) value.fail();
  if (depth > 20 || typeof value !== 'object' || value === null || types.isProxy(value)) return;
  if (Array.isArray(value)) for (const item of value) assertDefined(item, depth + 1);
  else if (isMapping(value) && Object.getPrototypeOf(value) === Object.prototype) {
    for (const key of Object.keys(value)) assertDefined(value[key], depth + 1);
  }
}

/** The caller's variables with a few more names bound on top. */
function withBindings(vars: VarLookup, extra: Record<string, unknown>): VarLookup {
  return new Proxy(vars, {
    get: (t, k) => (typeof k === 'string' && k in extra ? extra[k] : Reflect.get(t, k)),
    has: (t, k) => (typeof k === 'string' && k in extra) || Reflect.has(t, k),
  });
}

export class Templar {
  private readonly env: TemplarEnvironment;
  private readonly programs = new Map<string, Program>();
  private readonly slot: { value: unknown } = { value: undefined };
  private readonly nativeRuntime: Runtime;

  /** the include folders of the template files being rendered, innermost last */
  private readonly fileDirs: string[][] = [];

  constructor(options: { searchPaths?: string[] } = {}) {
    const searchPaths = options.searchPaths ?? [];
    this.env = createEnvironment(
      searchPaths,
      (text) => this.compile(text),
      (text, path, name, context, extra, syntax) => this.renderFile(text, context.getVariables(), { file: path, line: 1 }, extra, { path: name }, syntax),
      () => [...(this.fileDirs.at(-1) ?? []), ...searchPaths],
      (text, context) => this.renderValue(text, context.getVariables()),
    );
    this.nativeRuntime = nativeRuntime(this.slot);
  }

  /** true when the string contains {{, {% or {# */
  static isTemplate(text: string): boolean {
    return TEMPLATE_MARK.test(text);
  }

  /**
   * Renders a template text to a string. `file`: the text is a template file
   * (the template module, lookup('template')), whose string literals take
   * Python's backslash escapes as Ansible renders files.
   */
  render(text: string, vars: VarLookup, where?: SourcePos, file = false, syntax: Partial<LexerOptions> = {}): string {
    // a template file's `#jinja2:` line goes even when nothing else in it is Jinja
    if (!hasTemplateMarks(text, syntax.tags) && !(file && text.startsWith('#jinja2:'))) return text;
    try {
      const header = readOverrideHeader(text);
      if (header) text = header.body;
      // the file's own `#jinja2:` settings win over the task's, as in Ansible
      const lexer = { ...syntax, ...header?.lexer, ...(syntax.tags || header?.lexer.tags ? { tags: { ...syntax.tags, ...header?.lexer.tags } } : {}) };
      // Jinja drops the source's last line break (keep_trailing_newline off); Ansible adds back what is missing below
      let source = text.replace(/\r?\n$/, '');
      if (header && (header.linePrefixes.statement !== undefined || header.linePrefixes.comment !== undefined)) {
        const tags = { ...DEFAULT_DELIMITERS, ...lexer.tags };
        source = expandLinePrefixes(source, header.linePrefixes, tags.blockStart, tags.blockEnd);
      }
      const out = this.run(this.compile(source, file ? false : undefined, lexer), vars, runtime);
      // Ansible keeps the template's trailing newlines even where trim_blocks ate them
      const missing = trailingNewlines(text) - trailingNewlines(out);
      return missing > 0 ? out + '\n'.repeat(missing) : out;
    } catch (err) {
      throw toTemplateError(err, text, where);
    }
  }

  /**
   * Renders a template file from the controller, with the variables Ansible
   * adds for one (`ansible_managed`, `template_path`, ...) when it knows the
   * file. `syntax`: the task's delimiters and whitespace settings.
   */
  renderFile(
    text: string,
    vars: VarLookup,
    where?: SourcePos,
    extra: Record<string, unknown> = {},
    names?: { path: string; dest?: string },
    syntax?: Partial<LexerOptions>,
  ): string {
    const bound = withBindings(vars, { ...(where?.file ? templateVars(where.file, names) : {}), ...extra });
    this.fileDirs.push(includeDirsOf(vars, where?.file));
    try {
      return this.render(text, bound, where, true, syntax);
    } finally {
      this.fileDirs.pop();
    }
  }

  /**
   * `query(name, *terms)` with these variables: what a `with_<lookup>` loop
   * iterates. `subdir`: where first_found looks inside each search folder
   * (`templates`, `vars` or `files`, after the task's module, as Ansible does).
   */
  query(name: string, terms: unknown[], vars: VarLookup, where?: SourcePos, subdir?: string): unknown[] {
    const query = this.env.globals.query as (this: RenderContext, ...args: unknown[]) => unknown[];
    const options = subdir ? [{ _subdir: subdir, __keywords: true }] : [];
    try {
      return query.call(new RenderContext(this.env, vars), name, ...terms, ...options);
    } catch (err) {
      throw toTemplateError(err, `with_${name}`, where);
    }
  }

  /**
   * Renders every string inside a value. A string that is exactly one
   * `{{ expr }}` keeps the expression's type (list, dict, number, bool, None).
   * The input is never changed; collections are copied.
   */
  renderValue(value: unknown, vars: VarLookup, where?: SourcePos): unknown {
    return mapStrings(value, (text) => this.renderString(text, vars, where));
  }

  /**
   * Renders every string inside a value as Ansible 2.14 does without
   * jinja2_native, for set_fact and debug, whose values users inspect: the
   * result is text, except that text looking like a list, a dict, True or
   * False becomes one (`"{{ n + 1 }}"` is the string "4", `"{{ 10 / 2 }}"`
   * is "5.0", None is "").
   */
  renderText(value: unknown, vars: VarLookup, where?: SourcePos): unknown {
    return mapStrings(value, (text) => this.textString(text, vars, where));
  }

  private textString(text: string, vars: VarLookup, where?: SourcePos): unknown {
    if (!Templar.isTemplate(text)) return text;
    let program: Program;
    try {
      program = this.compile(text);
    } catch (err) {
      throw toTemplateError(err, text, where);
    }
    let out: string;
    // ` {{ [1] }}` is text in Ansible: the leading space keeps it from reading as a list
    if (program.singleExpression && text.startsWith('{{')) {
      let raw: unknown;
      try {
        raw = this.nativeRaw(program, vars);
      } catch (err) {
        throw toTemplateError(err, text, where);
      }
      if (raw === null || raw === undefined) return '';
      if (typeof raw === 'boolean' || Array.isArray(raw) || isMapping(raw)) return plainNumbers(raw);
      out = pyStr(raw);
      const missing = trailingNewlines(text) - trailingNewlines(out);
      if (missing > 0) out += '\n'.repeat(missing);
    } else {
      out = this.render(text, vars, where);
    }
    if (out.startsWith('{') || out.startsWith('[') || out === 'True' || out === 'False') {
      const parsed = parsePythonLiteral(out);
      if (parsed.ok) return parsed.value;
    }
    return out;
  }

  /**
   * Evaluates a bare expression (`when`, `changed_when`, `until`, assert
   * `that`). Booleans and numbers pass through; `{{ }}`-wrapped text is accepted.
   */
  evaluate(expression: string | boolean | number, vars: VarLookup, where?: SourcePos): unknown {
    if (typeof expression !== 'string') return expression;
    let trimmed = expression.trim();
    let text = `{{ ${trimmed} }}`;
    // Ansible evaluates a bare condition inside `{% if %}`, where backslashes are Python escapes
    let verbatim = false;
    if (Templar.isTemplate(trimmed)) {
      verbatim = trimmed.includes('{{');
      let program: Program | undefined;
      try {
        program = this.compile(trimmed);
      } catch {
        // not template text after all (a literal '{{' in a string): evaluate it bare
      }
      if (program?.singleExpression) text = trimmed;
      else if (program) {
        // Ansible's older form: `when: "{{ port }} == 2379"`. Each `{{ }}` is
        // evaluated to a value that the condition then uses as a value: the
        // text of a variable (host output above all) is never evaluated again.
        const bound = this.inlineTemplates(trimmed, vars, where);
        text = `{{ ${bound.expression} }}`;
        vars = withBindings(vars, bound.values);
      }
    }
    try {
      return this.native(this.compile(text, verbatim), vars);
    } catch (err) {
      throw toTemplateError(err, text, where);
    }
  }

  /**
   * Turns `{{ a }} == 'x' and '{{ b }}' in c` into `(__tv0) == 'x' and 'B' in c`:
   * outside quotes a `{{ }}` becomes a variable bound to its value; inside a
   * quoted string, its rendered text escaped as string content.
   */
  private inlineTemplates(text: string, vars: VarLookup, where?: SourcePos): { expression: string; values: Record<string, unknown> } {
    if (/\{%|\{#/.test(text)) {
      throw toTemplateError(new Error('a condition cannot hold {% %} or {# #} blocks; write it as a bare expression'), text, where);
    }
    const values: Record<string, unknown> = {};
    let out = '';
    let quote: string | undefined;
    for (let i = 0; i < text.length; ) {
      if (text.startsWith('{{', i)) {
        const end = text.indexOf('}}', i + 2);
        if (end < 0) throw toTemplateError(new Error("unexpected end of template, expected '}}'"), text, where);
        const inner = `{{ ${text.slice(i + 2, end).trim()} }}`;
        if (quote) {
          out += this.render(inner, vars, where).replace(/\\/g, '\\\\').replaceAll(quote, `\\${quote}`);
        } else {
          const name = `__ezplay_tv${Object.keys(values).length}`;
          values[name] = this.evaluate(inner, vars, where);
          out += `(${name})`;
        }
        i = end + 2;
        continue;
      }
      const ch = text[i] as string;
      if (quote && ch === '\\') {
        out += text.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (ch === "'" || ch === '"') quote = quote === ch ? undefined : (quote ?? ch);
      out += ch;
      i++;
    }
    return { expression: out.trim(), values };
  }

  /** Evaluates to a boolean with Jinja truthiness (empty list, dict or string is false). */
  truthy(expression: string | boolean | number, vars: VarLookup, where?: SourcePos): boolean {
    const value = this.evaluate(expression, vars, where);
    try {
      return isTruthy(value);
    } catch (err) {
      throw toTemplateError(err, String(expression), where);
    }
  }

  private renderString(text: string, vars: VarLookup, where?: SourcePos): unknown {
    if (!Templar.isTemplate(text)) return text;
    let program: Program;
    try {
      program = this.compile(text);
    } catch (err) {
      throw toTemplateError(err, text, where);
    }
    if (!program.singleExpression) return this.render(text, vars, where);
    try {
      const value = this.native(program, vars);
      // `content: "{{ key }}\n"`: Ansible keeps the newlines after the expression
      const missing = typeof value === 'string' ? trailingNewlines(text) - trailingNewlines(value) : 0;
      return missing > 0 ? (value as string) + '\n'.repeat(missing) : value;
    } catch (err) {
      throw toTemplateError(err, text, where);
    }
  }

  /**
   * `verbatim`: string literals keep their backslashes, as Ansible has them in
   * any text containing `{{`; template files and bare conditions get Python's escapes.
   */
  private compile(text: string, verbatim = text.includes('{{'), overrides?: Partial<LexerOptions>): Program {
    const settings = overrides && Object.keys(overrides).length ? `\0${JSON.stringify(overrides)}\0` : '';
    const key = settings + (verbatim ? text : `\0${text}`);
    let program = this.programs.get(key);
    if (!program) {
      program = compileProgram(text, { ...(verbatim ? VERBATIM_LEXER : LEXER_OPTIONS), ...overrides }, this.env);
      if (this.programs.size >= MAX_CACHED_PROGRAMS) this.programs.clear();
      this.programs.set(key, program);
    }
    return program;
  }

  /** Runs a single-expression program and returns the expression's value. */
  private native(program: Program, vars: VarLookup): unknown {
    const value = this.nativeRaw(program, vars);
    return value === undefined ? null : plainNumbers(value);
  }

  /** The expression's value as the template layer has it (a whole float still marked). */
  private nativeRaw(program: Program, vars: VarLookup): unknown {
    const saved = this.slot.value;
    this.slot.value = undefined;
    try {
      this.run(program, vars, this.nativeRuntime);
      const value = this.slot.value instanceof WholeFloat ? this.slot.value : unwrap(this.slot.value);
      assertDefined(value);
      return value;
    } finally {
      this.slot.value = saved;
    }
  }

  private run(program: Program, vars: VarLookup, rt: Runtime): string {
    const context = new RenderContext(this.env, vars, program.blocks);
    const frame = new Frame();
    frame.topLevel = true;
    let output = '';
    let failure: unknown;
    let failed = false;
    program.root(this.env, context, frame, rt, (err, out) => {
      if (err) {
        if (!failed) failure = err;
        failed = true;
      } else output = out ?? '';
    });
    if (failed) throw failure;
    return output;
  }
}

/** Every string inside a value through `fn`; lists and mappings are copied, proxies and other values kept. */
function mapStrings(value: unknown, fn: (text: string) => unknown): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, fn));
  if (isMapping(value) && !types.isProxy(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = mapStrings(value[key], fn);
    return out;
  }
  return value;
}

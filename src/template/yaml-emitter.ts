/**
 * YAML written byte for byte as Ansible's `to_yaml` and `to_nice_yaml`
 * write it: PyYAML's safe dumper on libyaml's emitter (CSafeDumper, which
 * Ansible's AnsibleDumper is built on). The same choice of plain, single-
 * or double-quoted scalars, the same folding of long scalars at the width
 * (80), indentless sequences under a key, and flow collections
 * (`default_flow_style=None`) for lists and dicts holding only scalars.
 * The state machine follows libyaml's emitter; only what plain data needs
 * is here (no anchors, tags or block scalars, which a safe dump never chooses).
 */
import { analyzeScalar, isBreak, needsEscape, type ScalarAnalysis } from './yaml-scalar.js';
import { represent, type DumpOptions, type Node, type Represented } from './yaml-represent.js';

export type { DumpOptions } from './yaml-represent.js';

class Emitter {
  out = '';
  private indent: number | null = null;
  private readonly indents: (number | null)[] = [];
  private flowLevel = 0;
  private column = 0;
  private whitespace = true;
  private indention = true;
  private mappingContext = false;
  private simpleKeyContext = false;
  private readonly bestIndent: number;
  private readonly bestWidth: number;

  constructor(options: DumpOptions) {
    const indent = options.indent ?? 2;
    this.bestIndent = indent > 1 && indent < 10 ? indent : 2;
    const width = options.width ?? 80;
    this.bestWidth = width > this.bestIndent * 2 ? width : 80;
  }

  private write(data: string): void {
    this.out += data;
  }

  private increaseIndent(flow: boolean, indentless = false): void {
    this.indents.push(this.indent);
    if (this.indent === null) this.indent = flow ? this.bestIndent : 0;
    else if (!indentless) this.indent += this.bestIndent;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? null;
  }

  writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.writeLineBreak();
    if (this.column < indent) {
      this.write(' '.repeat(indent - this.column));
      this.column = indent;
    }
    this.whitespace = true;
    this.indention = true;
  }

  writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : ` ${indicator}`;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.column += data.length;
    this.write(data);
  }

  private writeLineBreak(br = '\n'): void {
    this.whitespace = true;
    this.indention = true;
    this.column = 0;
    this.write(br);
  }

  /** expect_node: the contexts say where the node stands. */
  node(node: Node, context: { sequence?: boolean; mapping?: boolean; simpleKey?: boolean }): void {
    this.mappingContext = context.mapping ?? false;
    this.simpleKeyContext = context.simpleKey ?? false;
    if (node.kind === 'scalar') {
      this.increaseIndent(true);
      this.scalar(node);
      this.popIndent();
    } else if (node.kind === 'vault') {
      this.increaseIndent(true);
      this.vault(node.text);
      this.popIndent();
    } else if (node.kind === 'seq') {
      if (this.flowLevel || node.flow || node.items.length === 0) this.flowSequence(node.items);
      else this.blockSequence(node.items);
    } else if (this.flowLevel || node.flow || node.pairs.length === 0) this.flowMapping(node.pairs);
    else this.blockMapping(node.pairs);
  }

  private flowSequence(items: Node[]): void {
    this.writeIndicator('[', true, true);
    this.flowLevel++;
    this.increaseIndent(true);
    items.forEach((item, i) => {
      if (i > 0) this.writeIndicator(',', false);
      if (this.column > this.bestWidth) this.writeIndent();
      this.node(item, { sequence: true });
    });
    this.popIndent();
    this.flowLevel--;
    this.writeIndicator(']', false);
  }

  private flowMapping(pairs: [Node, Node][]): void {
    this.writeIndicator('{', true, true);
    this.flowLevel++;
    this.increaseIndent(true);
    pairs.forEach(([key, value], i) => {
      if (i > 0) this.writeIndicator(',', false);
      if (this.column > this.bestWidth) this.writeIndent();
      if (this.isSimpleKey(key)) {
        this.node(key, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false);
      } else {
        this.writeIndicator('?', true);
        this.node(key, { mapping: true });
        if (this.column > this.bestWidth) this.writeIndent();
        this.writeIndicator(':', true);
      }
      this.node(value, { mapping: true });
    });
    this.popIndent();
    this.flowLevel--;
    this.writeIndicator('}', false);
  }

  private blockSequence(items: Node[]): void {
    const indentless = this.mappingContext && !this.indention;
    this.increaseIndent(false, indentless);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, { sequence: true });
    }
    this.popIndent();
  }

  private blockMapping(pairs: [Node, Node][]): void {
    this.increaseIndent(false);
    for (const [key, value] of pairs) {
      this.writeIndent();
      if (this.isSimpleKey(key)) {
        this.node(key, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.node(key, { mapping: true });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(value, { mapping: true });
    }
    this.popIndent();
  }

  /** libyaml: one line, at most 128 bytes; an empty collection is simple too. */
  private isSimpleKey(key: Node): boolean {
    if (key.kind === 'vault') return false;
    if (key.kind !== 'scalar') return (key.kind === 'seq' ? key.items.length : key.pairs.length) === 0;
    return !analyzeScalar(key.text).multiline && Buffer.byteLength(key.text, 'utf8') <= 128;
  }

  private chooseStyle(node: { text: string; quoted: boolean }, a: ScalarAnalysis): 'plain' | 'single' | 'double' {
    let plain = this.flowLevel ? a.allowFlowPlain : a.allowBlockPlain;
    if (a.empty && (this.flowLevel || this.simpleKeyContext)) plain = false;
    if (plain && !node.quoted) return 'plain';
    return a.allowSingleQuoted ? 'single' : 'double';
  }

  /** `!vault |` and the vault text's lines, indented; inside a flow collection, a quoted scalar. */
  private vault(text: string): void {
    this.writeIndicator('!vault', true);
    if (this.flowLevel) {
      this.writeDoubleQuoted(Array.from(text), false);
      return;
    }
    const trailing = /\n+$/.exec(text)?.[0].length ?? 0;
    this.writeIndicator(trailing === 1 ? '|' : trailing === 0 ? '|-' : '|+', true);
    const lines = text.slice(0, text.length - trailing).split('\n');
    for (const line of lines) {
      this.writeLineBreak();
      this.write(' '.repeat(this.indent ?? 0) + line);
      this.column = (this.indent ?? 0) + line.length;
    }
    for (let i = 1; i < trailing; i++) this.writeLineBreak();
    this.whitespace = false;
    this.indention = false;
  }

  private scalar(node: { text: string; quoted: boolean }): void {
    const analysis = analyzeScalar(node.text);
    const style = this.chooseStyle(node, analysis);
    const split = !this.simpleKeyContext;
    const text = Array.from(node.text);
    if (style === 'plain') this.writePlain(text, split);
    else if (style === 'single') this.writeSingleQuoted(text, split);
    else this.writeDoubleQuoted(text, split);
  }

  private writePlain(text: string[], split: boolean): void {
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    text.forEach((ch, i) => {
      if (ch === ' ') {
        if (split && !spaces && this.column > this.bestWidth && text[i + 1] !== ' ') this.writeIndent();
        else this.put(ch);
        spaces = true;
      } else {
        this.put(ch);
        spaces = false;
      }
    });
    this.whitespace = false;
    this.indention = false;
  }

  /** One character (or escape) on the current line. */
  private put(data: string): void {
    this.column += 1;
    this.write(data);
  }

  private writeSingleQuoted(text: string[], split: boolean): void {
    this.writeIndicator("'", true);
    let spaces = false;
    let breaks = false;
    text.forEach((ch, i) => {
      if (ch === ' ') {
        if (split && !spaces && this.column > this.bestWidth && i !== 0 && i !== text.length - 1 && text[i + 1] !== ' ') this.writeIndent();
        else this.put(ch);
        spaces = true;
      } else if (isBreak(ch)) {
        if (!breaks && ch === '\n') this.writeLineBreak();
        this.writeLineBreak(ch === '\n' ? '\n' : ch);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (ch === "'") this.put("'");
        this.put(ch);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    });
    if (breaks) this.writeIndent();
    this.writeIndicator("'", false);
  }

  private writeDoubleQuoted(text: string[], split: boolean): void {
    this.writeIndicator('"', true);
    let spaces = false;
    text.forEach((ch, i) => {
      if (needsEscape(ch)) {
        const data = escapeChar(ch);
        this.column += data.length;
        this.write(data);
        spaces = false;
      } else if (ch === ' ') {
        if (split && !spaces && this.column > this.bestWidth && i !== 0 && i !== text.length - 1) {
          this.writeIndent();
          if (text[i + 1] === ' ') this.put('\\');
        } else this.put(ch);
        spaces = true;
      } else {
        this.put(ch);
        spaces = false;
      }
    });
    this.writeIndicator('"', false);
  }
}

const ESCAPES: Record<string, string> = {
  '\0': '0', '\x07': 'a', '\x08': 'b', '\x09': 't', '\x0A': 'n', '\x0B': 'v', '\x0C': 'f', '\x0D': 'r', '\x1B': 'e',
  '"': '"', '\\': '\\', '\x85': 'N', '\xA0': '_', '\u2028': 'L', '\u2029': 'P',
};

function escapeChar(ch: string): string {
  if (ESCAPES[ch]) return `\\${ESCAPES[ch]}`;
  const c = ch.codePointAt(0)!;
  const hex = c.toString(16).toUpperCase();
  if (c <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (c <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

/** yaml.dump(value, Dumper=CSafeDumper, allow_unicode=True, ...) */
export function dumpYaml(value: unknown, options: DumpOptions, hooks: Represented = {}): string {
  const root = represent(value, options, hooks);
  const emitter = new Emitter(options);
  if (options.explicitStart) {
    emitter.writeIndicator('---', true);
  }
  emitter.node(root, {});
  emitter.writeIndent();
  return emitter.out;
}

/**
 * YAML with Ansible's meanings (YAML 1.1 as PyYAML reads it: `yes`/`no` are
 * booleans, `0700` is octal) into plain values, remembering where every mapping, sequence
 * and key came from so errors can name the file and line.
 */
import { readFileSync } from 'node:fs';
import {
  Composer,
  LineCounter,
  Parser,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Document,
  type Node,
  type YAMLError,
} from 'yaml';
import { LoadError, type EzplayError, type SourcePos } from '../errors.js';
import { pyyamlLexer } from './yaml-lexer.js';
import { ANSIBLE_YAML_OPTIONS } from './yaml-schema.js';
import { decryptVault, isVaultText, VaultError, vaultSecrets } from '../vault/index.js';

interface NodePositions {
  pos: SourcePos;
  keys: Map<string, SourcePos>;
}

const positions = new WeakMap<object, NodePositions>();

/** Where a mapping or sequence was written. */
export function posOf(value: unknown): SourcePos | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  return positions.get(value)?.pos;
}

/** Where a key of a mapping was written (falls back to the mapping). */
export function keyPos(value: unknown, key: string): SourcePos | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = positions.get(value);
  return entry?.keys.get(key) ?? entry?.pos;
}

/** Gives a value built in code the position of the node it came from. */
export function setPos<T extends object>(value: T, pos: SourcePos | undefined): T {
  if (pos && !positions.has(value)) positions.set(value, { pos, keys: new Map() });
  return value;
}

function excerpt(text: string, line: number, col: number): string {
  const lines = text.split('\n');
  const src = lines[line - 1] ?? '';
  return `    ${src}\n    ${' '.repeat(Math.max(0, col - 1))}^ here`;
}

/**
 * How many values aliases may expand a document to. Real playbooks reuse a
 * few anchored blocks; a "billion laughs" document of a few hundred bytes
 * expands to 10^9 values and is refused before any of it is built.
 */
export const MAX_EXPANDED_VALUES = 100_000;

/**
 * The first collection whose expansion passes the limit, or undefined.
 * Linear in the size of the written document: each node's expanded size is
 * computed once, an alias costs what its target does.
 */
export function aliasBomb(doc: Document.Parsed, root: unknown, at: (node: Node) => SourcePos): SourcePos | undefined {
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  let found: SourcePos | undefined;
  const size = (node: unknown): number => {
    if (node === null || node === undefined || found) return 0;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (open.has(node)) return 0; // a recursive alias: the converter names it
    open.add(node);
    let total = 1;
    if (isAlias(node)) total = size(node.resolve(doc));
    else if (isSeq(node)) for (const item of node.items) total += size(item);
    else if (isMap(node)) for (const pair of node.items) total += size(pair.key) + size(pair.value);
    open.delete(node);
    sizes.set(node, total);
    if (total > MAX_EXPANDED_VALUES && !found) found = at(node as Node);
    return total;
  };
  size(root);
  return found;
}

/**
 * Ansible's `!unsafe`: text that is never a template. It is kept as a
 * template that gives back exactly that text (a raw block), so it reaches
 * every use as the text written, whatever renders it.
 */
export function unsafeText(text: string): string {
  if (!/\{[{%#]/.test(text)) return text;
  // the one thing a raw block cannot hold is its own end tag
  return `{% raw %}${text.replace(/\{%(?=-?\s*endraw)/g, "{% endraw %}{{ '{%' }}{% raw %}")}{% endraw %}`;
}

function unsafeValue(value: unknown): unknown {
  if (typeof value === 'string') return unsafeText(value);
  if (Array.isArray(value)) return setPos(value.map(unsafeValue), posOf(value));
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) (value as Record<string, unknown>)[k] = unsafeValue(v);
  }
  return value;
}

class Converter {
  constructor(
    private readonly doc: Document.Parsed,
    private readonly file: string,
    private readonly lines: LineCounter,
    private readonly text: string,
  ) {}

  private at(node: Node | null | undefined): SourcePos {
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  convert(node: unknown, seen: Set<unknown> = new Set()): unknown {
    if (node === null || node === undefined) return null;
    if ((isScalar(node) || isSeq(node) || isMap(node)) && node.tag === '!unsafe') {
      return unsafeValue(this.convertNode(node, seen));
    }
    return this.convertNode(node, seen);
  }

  private convertNode(node: unknown, seen: Set<unknown>): unknown {
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (seen.has(target)) throw new LoadError('recursive YAML alias', this.at(node));
      return this.convert(target, new Set(seen).add(target));
    }
    if (isScalar(node)) return node.value;
    if (isSeq(node)) {
      const out = node.items.map((item) => this.convert(item, seen));
      positions.set(out, { pos: this.at(node), keys: new Map() });
      return out;
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const keys = new Map<string, SourcePos>();
      for (const pair of node.items) {
        if (isMap(pair.key) || isSeq(pair.key)) {
          // PyYAML refuses a mapping or list as a key; `- {{ x }}` is the usual way to write one
          const error = new LoadError(
            'found unhashable key (a mapping or list used as a key): a value starting with "{{" must be quoted, as in - "{{ item }}"',
            this.at(pair.key as Node),
          );
          const at = this.at(pair.key as Node);
          error.excerpt = excerpt(this.text, at.line ?? 1, at.col ?? 1);
          throw error;
        }
        const rawKey = isScalar(pair.key) ? pair.key.value : this.convert(pair.key, seen);
        const key = typeof rawKey === 'symbol' ? '<<' : String(rawKey);
        if (key === '<<') {
          // YAML 1.1 merge keys: earlier keys in this mapping win over merged ones.
          const merged = this.convert(pair.value, seen);
          for (const source of Array.isArray(merged) ? merged : [merged]) {
            if (source && typeof source === 'object') {
              for (const [k, v] of Object.entries(source)) if (!(k in out)) out[k] = v;
            }
          }
          continue;
        }
        if (Object.prototype.hasOwnProperty.call(out, key) && keys.has(key)) {
          throw new LoadError(`duplicate key '${key}'`, this.at(pair.key as Node));
        }
        out[key] = this.convert(pair.value, seen);
        keys.set(key, this.at(pair.key as Node));
      }
      positions.set(out, { pos: this.at(node), keys });
      return out;
    }
    return null;
  }
}

/** The documents of a text, composed from tokens of the PyYAML-minded lexer. */
function composeDocuments(text: string, lines: LineCounter): { docs: Document.Parsed[]; streamErrors: YAMLError[] } {
  const parser = new Parser(lines.addNewLine);
  const composer = new Composer({ ...ANSIBLE_YAML_OPTIONS, uniqueKeys: false, merge: true });
  function* tokens() {
    lines.addNewLine(0);
    for (const lexeme of pyyamlLexer().lex(text)) yield* parser.next(lexeme);
    yield* parser.end();
  }
  const docs = Array.from(composer.compose(tokens())) as Document.Parsed[];
  return { docs, streamErrors: docs.length ? [] : composer.streamInfo().errors };
}

/** Parses every document of a YAML text. */
export function parseYamlDocuments(text: string, file: string): unknown[] {
  const lines = new LineCounter();
  const { docs: list, streamErrors } = composeDocuments(text, lines);
  for (const problem of [...streamErrors, ...list.flatMap((doc) => doc.errors.slice(0, 1))]) {
    const start = lines.linePos(problem.pos[0]);
    const message = problem.message.split('\n')[0] ?? 'YAML syntax error';
    const error = new LoadError(`YAML syntax error: ${message}`, { file, line: start.line, col: start.col });
    error.excerpt = excerpt(text, start.line, start.col);
    throw error;
  }
  return list.map((doc) => {
    const converter = new Converter(doc, file, lines, text);
    const bomb = aliasBomb(doc, doc.contents, (node) => {
      const { line, col } = lines.linePos(node.range?.[0] ?? 0);
      return { file, line, col };
    });
    if (bomb) {
      throw new LoadError(`YAML aliases here expand to more than ${MAX_EXPANDED_VALUES} values (an alias bomb?); refusing the document`, bomb);
    }
    return converter.convert(doc.contents);
  });
}

/** Parses a YAML text that holds one document (an empty file is null). */
export function parseYaml(text: string, file: string): unknown {
  const docs = parseYamlDocuments(text, file);
  return docs.length ? docs[0] : null;
}

type FileErrorClass = new (message: string, pos?: SourcePos, options?: { cause?: unknown }) => EzplayError;

/**
 * The text of a file as Ansible reads any file it loads: a whole file
 * encrypted with ansible-vault is decrypted with the run's secrets. No
 * secret, or none that fits, is an error of the caller's kind at the file.
 */
export function vaultPlainText(text: string, file: string, kind: FileErrorClass = LoadError): string {
  if (!isVaultText(text)) return text;
  try {
    return decryptVault(text, vaultSecrets(), file).plaintext.toString('utf8');
  } catch (error) {
    if (error instanceof VaultError) throw new kind(error.message, { file, line: 1 }, { cause: error });
    throw error;
  }
}

/** The text of a YAML file, decrypted when it is a vault; a file that cannot be read is a LoadError. */
export function readYamlText(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new LoadError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, undefined, {
      cause: error,
    });
  }
  return vaultPlainText(text, file);
}

export function loadYamlFile(file: string): unknown {
  return parseYaml(readYamlText(file), file);
}

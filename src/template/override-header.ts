/**
 * The `#jinja2:` first line of a template, by which Ansible lets a file
 * change its own Jinja settings: `#jinja2: trim_blocks: False, lstrip_blocks: True`.
 * The line itself is not part of the output.
 */
import { parsePythonLiteral } from '../inventory/python-literal.js';
import type { Delimiters, LexerOptions } from './parser.js';
import { TemplateRuntimeError } from './undefined.js';

const HEADER = '#jinja2:';

/** Jinja's names of the delimiter settings, as the header and the template module's arguments spell them. */
export const DELIMITER_SETTINGS: Record<string, keyof Delimiters> = {
  block_start_string: 'blockStart',
  block_end_string: 'blockEnd',
  variable_start_string: 'variableStart',
  variable_end_string: 'variableEnd',
  comment_start_string: 'commentStart',
  comment_end_string: 'commentEnd',
};

export interface Overridden {
  body: string;
  lexer: Partial<LexerOptions>;
  /** Jinja's line statements and line comments: a line starting with `statement` is a `{% %}` tag, `comment` to its line's end is dropped */
  linePrefixes: { statement?: string; comment?: string };
}

/** The text without its header and the lexer settings the header asks for; undefined without a header. */
export function readOverrideHeader(text: string): Overridden | undefined {
  if (!text.startsWith(HEADER)) return undefined;
  const eol = text.indexOf('\n');
  const line = text.slice(HEADER.length, eol < 0 ? undefined : eol);
  const body = eol < 0 ? '' : text.slice(eol + 1);
  const lexer: Partial<LexerOptions> = {};
  const linePrefixes: Overridden['linePrefixes'] = {};
  for (const pair of line.split(',')) {
    const colon = pair.indexOf(':');
    if (colon < 0) throw new TemplateRuntimeError(`failed to parse jinja2 override '${pair.trim()}'. Did you use something different from colon as key-value separator?`);
    const key = pair.slice(0, colon).trim();
    const parsed = parsePythonLiteral(pair.slice(colon + 1).trim());
    if (!parsed.ok) throw new TemplateRuntimeError(`jinja2 override '${key}': the value is not a Python literal`);
    if (key === 'trim_blocks') lexer.trimBlocks = Boolean(parsed.value);
    else if (key === 'lstrip_blocks') lexer.lstripBlocks = Boolean(parsed.value);
    else if (Object.hasOwn(DELIMITER_SETTINGS, key)) lexer.tags = { ...lexer.tags, [DELIMITER_SETTINGS[key]!]: String(parsed.value) };
    else if (key === 'line_statement_prefix' && parsed.value) linePrefixes.statement = String(parsed.value);
    else if (key === 'line_comment_prefix' && parsed.value) linePrefixes.comment = String(parsed.value);
    else if (key !== 'keep_trailing_newline') {
      throw new TemplateRuntimeError(
        `jinja2 override '${key}' is not supported (trim_blocks, lstrip_blocks, line_statement_prefix, line_comment_prefix and the *_start_string/*_end_string delimiters are)`,
      );
    }
  }
  return { body, lexer, linePrefixes };
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A template's line statements and line comments as Jinja's lexer reads
 * them, written out as tags: `: if x` alone on its line (after blanks) is
 * `{% if x %}`, its line break taken with it; from a line comment's prefix
 * (and the blanks before it) to the line's end is dropped, the line break kept.
 */
export function expandLinePrefixes(text: string, prefixes: Overridden['linePrefixes'], blockStart: string, blockEnd: string): string {
  let out = text;
  if (prefixes.comment !== undefined) {
    out = out.replace(new RegExp(`[^\\S\\r\\n]*${escapeRegex(prefixes.comment)}[^\\n]*`, 'g'), '');
  }
  if (prefixes.statement !== undefined) {
    const line = new RegExp(`^[ \\t\\v]*${escapeRegex(prefixes.statement)}(.*?)[ \\t\\v]*(?:\\r?\\n|$)`, 'gm');
    out = out.replace(line, (_all, statement: string) => `${blockStart} ${statement.trim()} ${blockEnd}`);
  }
  return out;
}

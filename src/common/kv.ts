/**
 * Ansible's free form: `name={{ item }} state=directory mode=0700`, and
 * `creates=/x chdir=/y echo hi` for command/shell. Quotes group words, and
 * `{{ ... }}` / `{% ... %}` never split.
 */

/** Splits a line into words like a shell would, but keeps Jinja blocks whole and quotes in place. */
export function splitArgs(text: string): string[] {
  return splitArgSpans(text).map((w) => w.word);
}

interface ArgSpan {
  word: string;
  start: number;
  end: number;
}

/** splitArgs, with where each word starts and ends in `text`. */
function splitArgSpans(text: string): ArgSpan[] {
  const words: ArgSpan[] = [];
  let current = '';
  let begin = 0;
  let quote: string | null = null;
  let depth = 0;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const two = text.slice(i, i + 2);
    if (two === '{{' || two === '{%' || two === '{#') {
      depth++;
      if (!started) begin = i;
      current += two;
      i++;
      started = true;
      continue;
    }
    if (depth > 0 && (two === '}}' || two === '%}' || two === '#}')) {
      depth--;
      current += two;
      i++;
      continue;
    }
    if (depth === 0 && !quote && (ch === ' ' || ch === '\t' || ch === '\n')) {
      if (started) words.push({ word: current, start: begin, end: i });
      current = '';
      started = false;
      continue;
    }
    if (depth === 0 && (ch === '"' || ch === "'")) {
      if (quote === ch) quote = null;
      else if (!quote) quote = ch;
    }
    if (!started) begin = i;
    if (ch === '\\' && quote && i + 1 < text.length) {
      current += ch + (text[i + 1] as string);
      i++;
      started = true;
      continue;
    }
    current += ch;
    started = true;
  }
  if (started) words.push({ word: current, start: begin, end: text.length });
  return words;
}

function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) {
    return value.slice(1, -1);
  }
  return value;
}

const ESCAPE = /\\(U[0-9A-Fa-f]{8}|u[0-9A-Fa-f]{4}|x[0-9A-Fa-f]{2}|[0-7]{1,3}|["'\\abfnrtv])/g;
const SINGLE: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Python's unicode-escape decoding, which Ansible applies to each key=value word (`content="a\\nb"` holds a newline). */
function decodeEscapes(text: string): string {
  return text.replace(ESCAPE, (_m, code: string) => {
    const head = code[0] as string;
    if (head === 'U' || head === 'u' || head === 'x') return String.fromCodePoint(parseInt(code.slice(1), 16));
    if (/[0-7]/.test(head)) return String.fromCodePoint(parseInt(code, 8));
    return SINGLE[head] ?? head;
  });
}

const KEY = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;
/** A name that is a template (`{{ item }}=moo`): up to the first `=` after the last `}}`, as Ansible's parse_kv splits it. */
const TEMPLATED_KEY = /^([^=]*\{\{[^=]*?\}\}[A-Za-z0-9_]*)=(.*)$/s;

/**
 * Parses free-form arguments. With `rawParam`, words that are not `key=value`
 * for one of `knownKeys` stay in order as the raw parameter (command/shell).
 */
export function parseKeyValue(
  text: string,
  options: { rawParam?: string; knownKeys?: ReadonlySet<string> } = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // The raw parameter keeps the text between its words (newlines of a
  // multi-line `shell: |` script), minus the key=value words taken out.
  let raw = '';
  let previous: ArgSpan | undefined;
  let adjacent = false;
  for (const span of splitArgSpans(text)) {
    const { word } = span;
    const m = KEY.exec(word) ?? (options.rawParam ? null : TEMPLATED_KEY.exec(word));
    const key = m?.[1];
    if (m && key && (!options.rawParam || options.knownKeys?.has(key))) {
      out[key] = unquote(decodeEscapes(m[2] ?? ''));
      adjacent = false;
    } else if (options.rawParam) {
      if (previous) raw += adjacent ? text.slice(previous.end, span.start) : ' ';
      raw += text.slice(span.start, span.end);
      previous = span;
      adjacent = true;
    } else {
      throw new Error(`'${word}' is not of the form key=value`);
    }
  }
  if (options.rawParam && previous) out[options.rawParam] = raw;
  return out;
}

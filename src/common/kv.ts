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
  if (options.rawParam) return parseWithRawParam(text, options.rawParam, options.knownKeys ?? new Set());
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

/**
 * command/shell's free form as Ansible reads it: `key=value` words for the
 * module's own options, the rest rejoined as the command. The words are
 * Ansible's: split on single spaces (a run of spaces stays in the word
 * before it), a lone `\` outside quotes joins the next line to this one,
 * and a line break stays where it was, also inside quotes and templates.
 */
function parseWithRawParam(text: string, rawParam: string, knownKeys: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const raw: string[] = [];
  for (const param of ansibleParams(text)) {
    const m = KEY.exec(param);
    const key = m?.[1];
    if (m && key && knownKeys.has(key)) out[key] = unquote(decodeEscapes((m[2] ?? '').trim()));
    else raw.push(param);
  }
  if (raw.length) out[rawParam] = joinParams(raw);
  return out;
}

/** The quote a word leaves open, given the one open before it (a quote after a backslash does not count). */
function quoteAfter(word: string, open: string | null): string | null {
  let quote = open;
  for (let i = 0; i < word.length; i++) {
    const ch = word[i] as string;
    if ((ch === '"' || ch === "'") && word[i - 1] !== '\\') {
      if (!quote) quote = ch;
      else if (quote === ch) quote = null;
    }
  }
  return quote;
}

/** How deep in `open`...`close` pairs a word leaves the text. */
function depthAfter(word: string, depth: number, open: string, close: string): number {
  const opened = word.split(open).length - 1;
  const closed = word.split(close).length - 1;
  return Math.max(0, depth + opened - closed);
}

/** The words of a free-form text, regrouped across the spaces and line breaks inside quotes and templates. */
export function ansibleParams(text: string): string[] {
  const params: string[] = [];
  let quote: string | null = null;
  const depth = { print: 0, block: 0, comment: 0 };
  const lines = text.split('\n');
  lines.forEach((line, lineIndex) => {
    let continued = false;
    const words = line.split(' ');
    words.forEach((word, i) => {
      // a run of spaces stays with the word before it
      if (word === '' && i !== 0 && params.length) {
        params[params.length - 1] += ' ';
        return;
      }
      if (word === '\\' && !quote) {
        continued = true;
        return;
      }
      const wasQuoted = quote !== null;
      quote = quoteAfter(word, quote);
      const inTemplate = () => depth.print > 0 || depth.block > 0 || depth.comment > 0;
      let placed = false;
      if (quote !== null && !wasQuoted && !inTemplate()) {
        params.push(word);
        placed = true;
      } else if ((inTemplate() || quote !== null || wasQuoted) && params.length) {
        const last = params.length - 1;
        if (i === 0 && wasQuoted) params[last] += word;
        else if (words.length > 1) params[last] += `${i > 0 ? ' ' : ''}${word}`;
        else params[last] += `\n${word}`;
        placed = true;
      }
      for (const [name, open, close] of [['print', '{{', '}}'], ['block', '{%', '%}'], ['comment', '{#', '#}']] as const) {
        const before = depth[name];
        depth[name] = depthAfter(word, before, open, close);
        if (depth[name] !== before && !placed) {
          params.push(word);
          placed = true;
        }
      }
      if (!inTemplate() && quote === null && !placed && word !== '') params.push(word);
    });
    if (lines.length > 1 && lineIndex !== lines.length - 1 && !continued && params.length) params[params.length - 1] += '\n';
  });
  return params;
}

/** Words back into one text: a space between them, none after a line break. */
function joinParams(params: readonly string[]): string {
  let out = '';
  for (const p of params) out += out === '' || out.endsWith('\n') ? p : ` ${p}`;
  return out;
}

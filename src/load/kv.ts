/**
 * Ansible's free form: `name={{ item }} state=directory mode=0700`, and
 * `creates=/x chdir=/y echo hi` for command/shell. Quotes group words, and
 * `{{ ... }}` / `{% ... %}` never split.
 */

/** Splits a line into words like a shell would, but keeps Jinja blocks whole and quotes in place. */
export function splitArgs(text: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | null = null;
  let depth = 0;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const two = text.slice(i, i + 2);
    if (two === '{{' || two === '{%' || two === '{#') {
      depth++;
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
      if (started) words.push(current);
      current = '';
      started = false;
      continue;
    }
    if (depth === 0 && (ch === '"' || ch === "'")) {
      if (quote === ch) quote = null;
      else if (!quote) quote = ch;
    }
    if (ch === '\\' && quote && i + 1 < text.length) {
      current += ch + (text[i + 1] as string);
      i++;
      started = true;
      continue;
    }
    current += ch;
    started = true;
  }
  if (started) words.push(current);
  return words;
}

function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) {
    return value.slice(1, -1).replace(/\\(["'\\])/g, '$1');
  }
  return value;
}

const KEY = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/**
 * Parses free-form arguments. With `rawParam`, words that are not `key=value`
 * for one of `knownKeys` stay in order as the raw parameter (command/shell).
 */
export function parseKeyValue(
  text: string,
  options: { rawParam?: string; knownKeys?: ReadonlySet<string> } = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const raw: string[] = [];
  for (const word of splitArgs(text)) {
    const m = KEY.exec(word);
    const key = m?.[1];
    if (m && key && (!options.rawParam || options.knownKeys?.has(key))) {
      out[key] = unquote(m[2] ?? '');
    } else if (options.rawParam) {
      raw.push(word);
    } else {
      throw new Error(`'${word}' is not of the form key=value`);
    }
  }
  if (options.rawParam && raw.length) out[options.rawParam] = raw.join(' ');
  return out;
}

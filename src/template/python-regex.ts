/**
 * Python's `re` patterns and replacement templates in JavaScript terms, for
 * the regex_* filters and the match/search/regex tests.
 */
import { pythonRegexError } from './python-regex-errors.js';
import { TemplateRuntimeError } from './undefined.js';

/** A pattern Python's re would refuse; `reason` is re.error's message (`nothing to repeat at position 0`). */
export class PythonRegexError extends TemplateRuntimeError {
  constructor(readonly pattern: string, readonly reason: string) {
    super(`invalid regular expression ${JSON.stringify(pattern)}: ${reason}`);
  }
}

export interface RegexOptions {
  ignorecase?: boolean;
  multiline?: boolean;
  global?: boolean;
}

const cache = new Map<string, RegExp>();

/**
 * Compiles a Python pattern: named groups, \A and \Z, inline flags (`x`
 * verbose too), `(?#comments)`, `{,n}`, and `$` before a final newline.
 */
export function pythonRegex(pattern: string, options: RegexOptions = {}): RegExp {
  const key = `${options.ignorecase ? 'i' : ''}${options.multiline ? 'm' : ''}${options.global ? 'g' : ''}:${pattern}`;
  const cached = cache.get(key);
  if (cached) {
    cached.lastIndex = 0;
    return cached;
  }
  let flags = '';
  let source = pattern;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const f of inline[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  if (options.ignorecase && !flags.includes('i')) flags += 'i';
  if (options.multiline && !flags.includes('m')) flags += 'm';
  if (options.global) flags += 'g';
  const multiline = flags.includes('m');
  const verbose = inline?.[1]?.includes('x') ?? false;
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (verbose && !inClass && /\s/.test(ch)) continue;
    if (verbose && !inClass && ch === '#') {
      const end = source.indexOf('\n', i);
      i = end < 0 ? source.length : end;
      continue;
    }
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      i++;
      if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && next === 'Z') out += '(?![\\s\\S])';
      else out += ch + next;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
    } else if (ch === '[') {
      inClass = true;
      out += ch;
      if (source[i + 1] === '^') out += source[++i];
      if (source[i + 1] === ']') out += source[++i];
    } else if (source.startsWith('(?#', i)) {
      const end = source.indexOf(')', i);
      i = end < 0 ? source.length : end;
    } else if (ch === '{' && /^\{,\d+\}/.test(source.slice(i))) {
      // Python's {,n} is {0,n}; JavaScript reads it as text
      out += '{0';
    } else if (source.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else if (source.startsWith('(?P=', i)) {
      const end = source.indexOf(')', i);
      out += `\\k<${source.slice(i + 4, end)}>`;
      i = end;
    } else if (ch === '$' && !multiline) {
      // Python's $ also matches just before a trailing newline
      out += '(?=\\n?$(?![\\s\\S]))';
    } else out += ch;
  }
  try {
    const re = new RegExp(out, flags);
    if (cache.size > 1000) cache.clear();
    cache.set(key, re);
    return re;
  } catch (err) {
    throw new PythonRegexError(pattern, pythonRegexError(pattern) ?? (err as Error).message);
  }
}

/** Python's match.expand(): \1, \g<1>, \g<name>, and backslash escapes. */
export function expandTemplate(template: string, m: RegExpExecArray): string {
  return template.replace(/\\(?:g<([^>]+)>|(\d{1,2})|(.))/gs, (_w, named: string | undefined, num: string | undefined, other: string | undefined) => {
    if (named !== undefined) return (/^\d+$/.test(named) ? m[Number(named)] : m.groups?.[named]) ?? '';
    if (num !== undefined) return m[Number(num)] ?? '';
    const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', f: '\f', v: '\v', a: '\x07', b: '\b' };
    return escapes[other!] ?? `\\${other}`;
  });
}

/** re.sub with a Python replacement template and optional count (0 = all). */
export function pythonSub(text: string, pattern: string, template: string, options: RegexOptions, count = 0): string {
  const re = pythonRegex(pattern, { ...options, global: true });
  let out = '';
  let last = 0;
  let done = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out += text.slice(last, m.index) + expandTemplate(template, m);
    last = m.index + m[0].length;
    if (m[0] === '') re.lastIndex++;
    if (++done === count) break;
  }
  return out + text.slice(last);
}

/** re.escape of Python 3.7+: only the characters special in patterns. */
export function pythonEscape(text: string): string {
  return text.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`);
}

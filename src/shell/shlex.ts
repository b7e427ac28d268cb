/**
 * Command lines split into words the way Python's `shlex.split` does in
 * POSIX mode, because Ansible splits `command`'s and `validate`'s free form
 * and INI host lines with it: quotes group words, a backslash escapes, and
 * shell operators (`|`, `;`, `>`) stay ordinary characters.
 */

/** The line cannot be split: an open quote, or a backslash at its end. */
export class ShlexError extends Error {}

/**
 * Python's `shlex.split(line, comments=..., posix=True)`. With `comments`
 * (Ansible's INI host lines), a `#` outside quotes starts a comment even
 * inside a word; quotes are removed before a value is read as a Python
 * literal, so `port='22'` is a number there.
 */
export function shlexSplit(line: string, options: { comments?: boolean } = {}): string[] {
  const tokens: string[] = [];
  let token = '';
  let inToken = false; // a token has started, even if it is still empty ('' is a token)
  let quote: '' | "'" | '"' = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"') {
        const next = line[i + 1];
        if (next === undefined) throw new ShlexError(`No closing quotation in: ${line}`);
        // inside double quotes a backslash only escapes a quote or itself
        token += next === '"' || next === '\\' ? next : `\\${next}`;
        i++;
      } else token += c;
      continue;
    }
    if (/\s/.test(c)) {
      if (inToken) tokens.push(token);
      token = '';
      inToken = false;
    } else if (c === '#' && options.comments) {
      break;
    } else if (c === '\\') {
      const next = line[i + 1];
      if (next === undefined) throw new ShlexError(`No escaped character in: ${line}`);
      token += next;
      inToken = true;
      i++;
    } else if (c === "'" || c === '"') {
      quote = c;
      inToken = true;
    } else {
      token += c;
      inToken = true;
    }
  }
  if (quote) throw new ShlexError(`No closing quotation in: ${line}`);
  if (inToken) tokens.push(token);
  return tokens;
}

/** The raw text spans of the top-level words of a line (quotes kept). */
function wordSpans(line: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let start = -1;
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote) {
      if (c === '\\' && quote === '"') i += 1;
      else if (c === quote) quote = '';
      continue;
    }
    if (/\s/.test(c)) {
      if (start >= 0) spans.push([start, i]);
      start = -1;
      continue;
    }
    if (start < 0) start = i;
    if (c === '\\') i += 1;
    else if (c === '"' || c === "'") quote = c;
  }
  if (start >= 0) spans.push([start, line.length]);
  return spans;
}

/**
 * Takes Ansible's inline options (`creates=/x chdir=/y`) out of a free-form
 * command, as Ansible's argument parser does for command and shell. Only
 * top-level words naming one of `keys` count; quoted text is left alone.
 */
export function extractInlineOptions(
  line: string,
  keys: readonly string[],
): { rest: string; options: Record<string, string> } {
  const options: Record<string, string> = {};
  let rest = '';
  let last = 0;
  for (const [start, end] of wordSpans(line)) {
    const word = line.slice(start, end);
    const eq = word.indexOf('=');
    const key = eq > 0 ? word.slice(0, eq) : '';
    if (!keys.includes(key)) continue;
    options[key] = shlexSplit(word.slice(eq + 1))[0] ?? '';
    rest += line.slice(last, start);
    last = end;
  }
  // a line without inline options is kept as written (a script's last line break, as Ansible registers it)
  if (!Object.keys(options).length) return { rest: line, options };
  rest += line.slice(last);
  return { rest: rest.replace(/\s+$/, '').replace(/^\s+/, ''), options };
}

/**
 * Splits a command line into words the way Python's `shlex.split` does in
 * POSIX mode, because Ansible's `command` and `validate` split their free
 * form with it: quotes group words, a backslash escapes, and shell
 * operators (`|`, `;`, `>`) stay ordinary characters.
 */

export function shlexSplit(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i] as string;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`no closing quotation in: ${line}`);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i += 1;
      for (;;) {
        if (i >= line.length) throw new Error(`no closing quotation in: ${line}`);
        const d = line[i] as string;
        if (d === '"') break;
        // Inside double quotes, shlex lets a backslash escape only `"` and `\`.
        if (d === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          word += line[i + 1];
          i += 2;
        } else {
          word += d;
          i += 1;
        }
      }
      inWord = true;
      i += 1;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new Error(`no escaped character in: ${line}`);
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i += 1;
    } else {
      word += c;
      inWord = true;
      i += 1;
    }
  }
  if (inWord) words.push(word);
  return words;
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
  rest += line.slice(last);
  return { rest: rest.replace(/\s+$/, '').replace(/^\s+/, ''), options };
}

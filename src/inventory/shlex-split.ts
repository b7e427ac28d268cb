/**
 * Python's `shlex.split(line, comments=True, posix=True)`, which Ansible uses
 * to cut an INI host line into the host and its `key=value` words. Mirroring
 * it matters because its quirks are visible to users: quotes are removed
 * before the value is read as a Python literal (so `port='22'` is a number),
 * and a `#` outside quotes starts a comment even inside a word.
 */
export class ShlexError extends Error {}

export function shlexSplit(line: string): string[] {
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
        if (next === undefined) throw new ShlexError('No escaped character');
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
    } else if (c === '#') {
      break;
    } else if (c === '\\') {
      const next = line[i + 1];
      if (next === undefined) throw new ShlexError('No escaped character');
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
  if (quote) throw new ShlexError('No closing quotation');
  if (inToken) tokens.push(token);
  return tokens;
}

/**
 * Python's re.error message for a pattern JavaScript refused: the words
 * and positions users of Ansible see (`nothing to repeat at position 0`).
 * A scan of the pattern as sre_parse reads it, for the mistakes people
 * make: repeats with nothing to repeat, unbalanced parentheses, unclosed
 * sets, a trailing backslash, bounds out of order, misplaced flags.
 * Undefined when the scan finds none of these.
 */
/** `{m}`, `{m,}`, `{,n}`, `{m,n}` at `i`: its length and bounds, or undefined when the brace is a literal. */
function braceRepeat(p: string, i: number): { length: number; min?: number; max?: number } | undefined {
  const m = /^\{(\d*)(?:(,)(\d*))?\}/.exec(p.slice(i));
  if (!m || (m[1] === '' && m[2] === undefined)) return undefined;
  return {
    length: m[0].length,
    ...(m[1] ? { min: Number(m[1]) } : {}),
    ...(m[2] === undefined ? (m[1] ? { max: Number(m[1]) } : {}) : m[3] ? { max: Number(m[3]) } : {}),
  };
}

export function pythonRegexError(p: string): string | undefined {
  const opens: number[] = [];
  // what came last: nothing to repeat yet, an atom, or a repeat
  let last: 'none' | 'atom' | 'repeat' = 'none';
  // a repeat may be made lazy (`*?`) or possessive (`*+`, Python 3.11) once
  let modifiable = false;
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (ch === '\\') {
      if (i + 1 >= p.length) return `bad escape (end of pattern) at position ${i}`;
      i++;
      // anchors (\A, \Z, \b, \B) match no character: nothing to repeat
      last = 'AZbB'.includes(p[i]!) ? 'none' : 'atom';
      continue;
    }
    if (ch === '^' || ch === '$') {
      last = 'none';
      continue;
    }
    if (ch === '[') {
      let j = i + 1;
      if (p[j] === '^') j++;
      if (p[j] === ']') j++;
      for (; j < p.length && p[j] !== ']'; j++) if (p[j] === '\\') j++;
      if (j >= p.length) return `unterminated character set at position ${i}`;
      i = j;
      last = 'atom';
      continue;
    }
    if (ch === '(') {
      if (p[i + 1] === '?') {
        const rest = p.slice(i + 1);
        const flags = /^\?([aiLmsux]+)\)/.exec(rest);
        if (flags) {
          if (i !== 0) return `global flags not at the start of the expression at position ${i}`;
          i += flags[0].length;
          continue;
        }
        // a comment, a backreference by name, a condition's test: read whole, up to their `)`
        if (rest.startsWith('?#') || rest.startsWith('?P=')) {
          const end = p.indexOf(')', i);
          if (end < 0) return rest.startsWith('?#') ? `missing ), unterminated comment at position ${i}` : `missing ), unterminated name at position ${i + 4}`;
          i = end;
          if (!rest.startsWith('?#')) last = 'atom';
          continue;
        }
        if (rest.startsWith('?P<') && !rest.includes('>')) return `missing >, unterminated name at position ${i + 4}`;
        const prefix = /^\?(?::|P<[^>]*>|=|!|<=|<!|>|\([^)]*\)|[-aiLmsux]+:)/.exec(rest);
        if (!prefix) return `unknown extension ${rest.slice(0, 2)} at position ${i + 1}`;
        opens.push(i);
        i += prefix[0].length;
        last = 'none';
        continue;
      }
      opens.push(i);
      last = 'none';
      continue;
    }
    if (ch === ')') {
      if (opens.pop() === undefined) return `unbalanced parenthesis at position ${i}`;
      last = 'atom';
      continue;
    }
    if (ch === '|') {
      last = 'none';
      continue;
    }
    const brace = ch === '{' ? braceRepeat(p, i) : undefined;
    if (ch === '*' || ch === '+' || ch === '?' || brace) {
      if (last === 'repeat' && modifiable && (ch === '?' || ch === '+')) {
        modifiable = false;
        continue;
      }
      if (last === 'none') return `nothing to repeat at position ${i}`;
      if (last === 'repeat') return `multiple repeat at position ${i}`;
      if (brace && brace.min !== undefined && brace.max !== undefined && brace.min > brace.max) {
        return `min repeat greater than max repeat at position ${i + 1}`;
      }
      if (brace) i += brace.length - 1;
      last = 'repeat';
      modifiable = true;
      continue;
    }
    last = 'atom';
  }
  const open = opens.pop();
  if (open !== undefined) return `missing ), unterminated subpattern at position ${open}`;
  return undefined;
}

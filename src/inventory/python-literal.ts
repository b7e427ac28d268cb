/**
 * A reader for the subset of Python that `ast.literal_eval` accepts, because
 * Ansible passes every INI inventory value through it: `port=22` is a number,
 * `flag=True` a boolean, `name='x'` a string, while `dir=/opt/bin` or
 * `cidr=10.0.0.0/8` are not literals and stay the text they were.
 */

export type LiteralResult = { ok: true; value: unknown } | { ok: false };

class NotALiteral extends Error {}

/**
 * Parses `text` as a Python literal. On anything literal_eval would refuse,
 * returns `{ ok: false }` so the caller keeps the raw text, as Ansible does.
 */
export function parsePythonLiteral(text: string): LiteralResult {
  const reader = new LiteralReader(text);
  try {
    const value = reader.readExpression();
    reader.skipSpace();
    if (!reader.atEnd()) return { ok: false };
    return { ok: true, value };
  } catch (err) {
    if (err instanceof NotALiteral) return { ok: false };
    throw err;
  }
}

/** The value Ansible ends up with for an INI value: the literal, or the text itself. */
export function iniValue(text: string): unknown {
  const parsed = parsePythonLiteral(text);
  return parsed.ok ? parsed.value : text;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v',
};

class LiteralReader {
  private i = 0;
  constructor(private readonly src: string) {}

  atEnd(): boolean {
    return this.i >= this.src.length;
  }

  /** Whitespace and `#` comments, as Python's tokenizer skips them. */
  skipSpace(): void {
    while (this.i < this.src.length) {
      const c = this.src[this.i]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') this.i++;
      else if (c === '#') {
        while (this.i < this.src.length && this.src[this.i] !== '\n') this.i++;
      } else break;
    }
  }

  private peek(): string {
    return this.src[this.i] ?? '';
  }

  private fail(): never {
    throw new NotALiteral();
  }

  readExpression(): unknown {
    this.skipSpace();
    const c = this.peek();
    if (c === '[') return this.readList();
    if (c === '(') return this.readParenthesised();
    if (c === '{') return this.readBraces();
    if (c === '+' || c === '-') return this.readSigned();
    if (/[0-9.]/.test(c)) {
      if (this.src.startsWith('...', this.i)) {
        this.i += 3;
        return '...'; // Ellipsis is not a variable type; Ansible keeps the text
      }
      return this.readNumber();
    }
    if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.i))![0];
      const next = this.src[this.i + word.length] ?? '';
      if (/^(?:[rRuUbB]|[bB][rR]|[rR][bB])$/.test(word) && (next === "'" || next === '"')) {
        this.i += word.length;
        return this.readStrings(/[rR]/.test(word));
      }
      this.i += word.length;
      if (word === 'True') return true;
      if (word === 'False') return false;
      if (word === 'None') return null;
      this.fail(); // any other name is a variable, which literal_eval refuses
    }
    if (c === "'" || c === '"') return this.readStrings(false);
    this.fail();
  }

  /** literal_eval allows unary signs only in front of numbers. */
  private readSigned(): number {
    const sign = this.peek() === '-' ? -1 : 1;
    this.i++;
    this.skipSpace();
    const c = this.peek();
    const inner = c === '+' || c === '-' ? this.readSigned() : /[0-9.]/.test(c) ? this.readNumber() : this.fail();
    return sign * inner;
  }

  private readNumber(): number {
    const rest = this.src.slice(this.i);
    const radix = /^0(?:[xX](?:_?[0-9a-fA-F])+|[oO](?:_?[0-7])+|[bB](?:_?[01])+)/.exec(rest);
    const digits = '[0-9](?:_?[0-9])*';
    const float = new RegExp(
      `^(?:(?:${digits})?\\.${digits}|${digits}\\.?)(?:[eE][+-]?${digits})?`,
    ).exec(rest);
    const match = radix ?? float;
    if (!match) this.fail();
    const text = match[0];
    const after = rest[text.length] ?? '';
    // 1j is complex (kept as text by Ansible); 1abc is not a token at all
    if (/[A-Za-z0-9_]/.test(after)) this.fail();
    this.i += text.length;
    const clean = text.replace(/_/g, '');
    if (radix) return this.safeInteger(BigInt(clean));
    if (/^[0-9]+$/.test(clean)) {
      // Python 3 rejects 0700: leading zeros are only allowed for zero itself
      if (clean.length > 1 && clean.startsWith('0') && /[1-9]/.test(clean)) this.fail();
      return this.safeInteger(BigInt(clean));
    }
    return Number(clean);
  }

  /** A number JavaScript cannot hold exactly stays text, so no digit is silently lost. */
  private safeInteger(value: bigint): number {
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail();
    return Number(value);
  }

  /** Adjacent string literals concatenate, as in Python. */
  private readStrings(raw: boolean): string {
    let out = this.readString(raw);
    for (;;) {
      this.skipSpace();
      const m = /^([rRuUbB]|[bB][rR]|[rR][bB])?(['"])/.exec(this.src.slice(this.i));
      if (!m) return out;
      this.i += m[1]?.length ?? 0;
      out += this.readString(m[1] !== undefined && /[rR]/.test(m[1]));
    }
  }

  private readString(raw: boolean): string {
    const quote = this.peek();
    const triple = this.src.startsWith(quote.repeat(3), this.i);
    const closing = triple ? quote.repeat(3) : quote;
    this.i += closing.length;
    let out = '';
    for (;;) {
      if (this.atEnd()) this.fail();
      if (this.src.startsWith(closing, this.i)) {
        this.i += closing.length;
        return out;
      }
      const c = this.src[this.i]!;
      if (c === '\n' && !triple) this.fail();
      if (c === '\\') {
        out += raw ? this.readRawEscape() : this.readEscape();
        continue;
      }
      out += c;
      this.i++;
    }
  }

  private readRawEscape(): string {
    // in raw strings a backslash still protects the next character from ending the string
    const pair = this.src.slice(this.i, this.i + 2);
    this.i += pair.length;
    return pair;
  }

  private readEscape(): string {
    const next = this.src[this.i + 1];
    if (next === undefined) this.fail();
    this.i += 2;
    if (next === '\n') return '';
    if (SIMPLE_ESCAPES[next] !== undefined) return SIMPLE_ESCAPES[next];
    const hexLength = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const hex = this.src.slice(this.i, this.i + hexLength);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) this.fail();
      this.i += hexLength;
      return String.fromCodePoint(parseInt(hex, 16));
    }
    if (/[0-7]/.test(next)) {
      const octal = next + (/^[0-7]{0,2}/.exec(this.src.slice(this.i))![0]);
      this.i += octal.length - 1;
      return String.fromCodePoint(parseInt(octal, 8));
    }
    if (next === 'N') this.fail(); // named escapes need Unicode's name table
    return `\\${next}`; // Python keeps unknown escapes as written
  }

  private readList(): unknown[] {
    this.i++;
    this.skipSpace();
    if (this.peek() === ']') {
      this.i++;
      return [];
    }
    const first = this.readExpression();
    return [first, ...this.readRemainingItems(']')];
  }

  /** After a first item: `, item, item ,? close`. */
  private readRemainingItems(close: string): unknown[] {
    const items: unknown[] = [];
    for (;;) {
      this.skipSpace();
      if (this.peek() === close) {
        this.i++;
        return items;
      }
      if (this.peek() !== ',') this.fail();
      this.i++;
      this.skipSpace();
      if (this.peek() === close) {
        this.i++;
        return items;
      }
      items.push(this.readExpression());
    }
  }

  /** `(x)` is just x; `(x,)` and `()` are tuples, which Ansible turns into lists. */
  private readParenthesised(): unknown {
    this.i++;
    this.skipSpace();
    if (this.peek() === ')') {
      this.i++;
      return [];
    }
    const first = this.readExpression();
    this.skipSpace();
    if (this.peek() === ')') {
      this.i++;
      return first;
    }
    return [first, ...this.readRemainingItems(')')];
  }

  /** `{}` and `{k: v}` are dicts; `{a, b}` is a set, which Ansible turns into a list. */
  private readBraces(): unknown {
    this.i++;
    this.skipSpace();
    if (this.peek() === '}') {
      this.i++;
      return {};
    }
    const firstKey = this.readExpression();
    this.skipSpace();
    if (this.peek() !== ':') return [firstKey, ...this.readRemainingItems('}')];
    const dict: Record<string, unknown> = {};
    let key = firstKey;
    for (;;) {
      this.skipSpace();
      if (this.peek() !== ':') this.fail();
      this.i++;
      dict[pythonKey(key)] = this.readExpression();
      this.skipSpace();
      if (this.peek() === ',') {
        this.i++;
        this.skipSpace();
      } else if (this.peek() !== '}') this.fail();
      if (this.peek() === '}') {
        this.i++;
        return dict;
      }
      key = this.readExpression();
    }
  }
}

/** Dict keys become strings the way Python would print them. */
function pythonKey(key: unknown): string {
  if (key === true) return 'True';
  if (key === false) return 'False';
  if (key === null) return 'None';
  if (typeof key === 'object') throw new NotALiteral(); // unhashable in Python
  return String(key);
}

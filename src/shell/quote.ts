/**
 * The one way a value reaches a remote shell: single-quoted, so `;`, `$(...)`
 * and backticks in an inventory value arrive as literal text.
 */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quote(value: string | number): string {
  const s = String(value);
  if (s === '') return "''";
  if (SAFE.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Quotes each argument and joins them with spaces. */
export function quoteArgs(args: ReadonlyArray<string | number>): string {
  return args.map(quote).join(' ');
}

/** Raw shell text that `sh` must not quote (an operator, a redirection). */
export class RawShell {
  constructor(readonly text: string) {}
}
export const raw = (text: string): RawShell => new RawShell(text);

type ShellValue = string | number | RawShell | ReadonlyArray<string | number>;

/**
 * Tagged template for commands: every interpolated value is quoted, arrays
 * become quoted argument lists, and `raw()` passes text through as it is.
 *   sh`mkdir -p ${dir} && chmod ${mode} ${dir}`
 */
export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): string {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    if (value instanceof RawShell) out += value.text;
    else if (Array.isArray(value)) out += quoteArgs(value);
    else out += quote(value as string | number);
    out += strings[i + 1] ?? '';
  });
  return out;
}

/**
 * A terminal of fixed width in memory: it plays back what a renderer wrote
 * (text, newlines, carriage returns, cursor up, erase line, colours) and
 * gives the lines a person would see at the end, scrollback included.
 * Enough of VT100 for the live view; an escape it does not know fails the
 * test instead of being guessed.
 */
export class VirtualScreen {
  private readonly lines: string[][] = [[]];
  private row = 0;
  private col = 0;
  /** how many bytes were written, to compare renderers' cost */
  bytes = 0;

  constructor(
    readonly columns: number,
    readonly rows = 40,
  ) {}

  write = (text: string): void => {
    this.bytes += text.length;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '\x1b') {
        i = this.escape(text, i);
        continue;
      }
      if (ch === '\n') {
        this.row++;
        this.col = 0;
        this.lines[this.row] ??= [];
        continue;
      }
      if (ch === '\r') {
        this.col = 0;
        continue;
      }
      if (this.col >= this.columns) {
        // the terminal wraps a line longer than its width
        this.row++;
        this.col = 0;
        this.lines[this.row] ??= [];
      }
      this.lines[this.row]![this.col++] = ch;
    }
  };

  private escape(text: string, start: number): number {
    const match = /^\x1b\[(\??)([0-9;]*)([A-Za-z])/.exec(text.slice(start, start + 16));
    if (!match) throw new Error(`unknown escape sequence at ${JSON.stringify(text.slice(start, start + 10))}`);
    const [all, private_, params, op] = match as unknown as [string, string, string, string];
    const n = Number(params || '1');
    if (private_) return start + all.length - 1; // cursor show/hide
    switch (op) {
      case 'm':
        break;
      case 'A':
        this.row = Math.max(0, this.row - n);
        break;
      case 'K':
        if (params === '2') this.lines[this.row] = [];
        else this.lines[this.row] = (this.lines[this.row] ?? []).slice(0, this.col);
        break;
      case 'G':
        this.col = n - 1;
        break;
      default:
        throw new Error(`unsupported escape sequence ${JSON.stringify(all)}`);
    }
    return start + all.length - 1;
  }

  /** Every line from the top, without trailing spaces or the empty lines after the last text. */
  text(): string[] {
    const out = this.lines.map((l) => Array.from(l, (c) => c ?? ' ').join('').trimEnd());
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return out;
  }

  /** The last `rows` lines: what a terminal of that height shows at the end. */
  visible(): string[] {
    return this.text().slice(-this.rows);
  }
}

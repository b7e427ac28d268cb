/**
 * Two readings of etcd tools' output shared by the snapshot facts: one
 * number field of a JSON line, and the last lines a tool printed when it
 * failed (zap's JSON logs left out).
 */

/** The first `"field":<integer>` in JSON text, as a number (etcd's ids would not fit; these fields do). */
export function jsonNumber(text: string, field: string): number | undefined {
  const m = new RegExp(`"${field}":(-?\\d+)`).exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The last lines of output that are not zap JSON logs: what a tool said when it failed. */
export function errorTail(text: string, lines = 3): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('{"level"'))
    .slice(-lines)
    .join('; ');
}

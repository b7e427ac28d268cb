/**
 * Batched probes print `@name`, the part's output, then `@rc <exit code>`;
 * one parser splits them back. Shared by the etcd facts.
 */

export interface Section {
  text: string;
  rc: number;
}

/** `echo @name; <command> 2>&1; echo "@rc $?"` */
export function sectionCommand(name: string, command: string): string {
  return `echo @${name}; ${command} 2>&1; echo "@rc $?"`;
}

export function splitSections(stdout: string): Map<string, Section> {
  const out = new Map<string, Section>();
  let current: string | undefined;
  let lines: string[] = [];
  for (const line of stdout.split('\n')) {
    const rc = /^@rc (\d+)$/.exec(line);
    const head = /^@([a-z_]+)$/.exec(line);
    if (rc && current) {
      out.set(current, { text: lines.join('\n'), rc: Number(rc[1]) });
      current = undefined;
    } else if (head) {
      current = head[1];
      lines = [];
    } else if (current) lines.push(line);
  }
  return out;
}

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

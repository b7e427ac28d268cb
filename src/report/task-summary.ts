/**
 * A finished task in a few lines: `✔ etcd : systemd unit  ok=47 changed=3
 * failed=0`, then the hosts that changed (named, not one line each) and
 * the hosts that failed (one line each, with their message).
 */
import pc from 'picocolors';
import type { HostStatus, RunEvent } from '../engine/events.js';
import { elapsedText } from './progress-text.js';

export interface HostOutcome {
  /** the worst status over its items; undefined while it runs */
  status: HostStatus | undefined;
  items: number;
  /** why it failed or was unreachable (not set for an ignored failure) */
  msg?: string;
  /** where the task ran instead (delegate_to), shown as `host -> delegate` */
  delegatedTo?: string;
  /** results with something to show under the task: diffs, debug output, ignored failures */
  notes: Array<Extract<RunEvent, { type: 'host_result' }>>;
}

export type TaskStart = Extract<RunEvent, { type: 'task_start' }>;

export interface FinishedTask extends Omit<TaskStart, 'hosts'> {
  hosts: Map<string, HostOutcome>;
  durationMs: number;
}

export function taskTitle(e: Pick<TaskStart, 'name' | 'role' | 'handler'>): string {
  return `${e.handler ? 'handler: ' : ''}${e.role ? `${e.role} : ` : ''}${e.name}`;
}

export function countOutcomes(hosts: Iterable<HostOutcome>): Record<HostStatus, number> {
  const counts: Record<HostStatus, number> = { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0 };
  for (const h of hosts) if (h.status) counts[h.status]++;
  return counts;
}

/** Words joined by ', ' over as many lines as `width` needs, each starting with `prefix`. */
export function wrapList(prefix: string, words: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = prefix;
  for (const [i, word] of words.entries()) {
    const piece = `${word}${i < words.length - 1 ? ',' : ''}`;
    if (line !== prefix && line.length + 1 + piece.length > width) {
      lines.push(line);
      line = ' '.repeat(prefix.length) + piece;
    } else {
      line += (line === prefix ? '' : ' ') + piece;
    }
  }
  lines.push(line);
  return lines;
}

export function collapsedLines(task: FinishedTask, width: number): string[] {
  const c = countOutcomes(task.hosts.values());
  const bad = c.failed + c.unreachable;
  const ran = c.ok + c.changed + bad;
  const symbol = bad > 0 ? pc.red('✖') : ran === 0 && c.skipped > 0 ? pc.dim('↓') : pc.green('✔');
  const counts = [`ok=${c.ok}`, `changed=${c.changed}`, `failed=${c.failed}`];
  if (c.unreachable) counts.push(`unreachable=${c.unreachable}`);
  if (c.skipped) counts.push(`skipped=${c.skipped}`);
  const took = task.durationMs >= 1000 ? pc.dim(`  ${elapsedText(task.durationMs)}`) : '';
  const lines = [`${symbol} ${taskTitle(task)}  ${counts.join(' ')}${took}`];
  const shown = (name: string, h: HostOutcome) => (h.delegatedTo ? `${name} -> ${h.delegatedTo}` : name);
  const changed = [...task.hosts].filter(([, h]) => h.status === 'changed').map(([name, h]) => shown(name, h));
  if (changed.length) lines.push(...wrapList('    changed: ', changed, width - 1).map((l) => pc.yellow(l)));
  for (const [name, h] of task.hosts) {
    if (h.msg === undefined) continue;
    const [first, ...rest] = h.msg.split('\n');
    lines.push(pc.red(`    ${h.status === 'unreachable' ? 'unreachable' : 'failed'}: ${shown(name, h)}: ${first ?? ''}`));
    for (const more of rest) lines.push(pc.red(`      ${more}`));
  }
  return lines;
}

/**
 * `--timings` (and `-v`): where a run's time went, printed after the recap.
 * The slowest tasks and hosts come from the durations the engine reports
 * with each host's result; the phases are the recap's, the same figures
 * `--json` writes in its `timings` line for the benchmark.
 */
import pc from 'picocolors';
import type { RunEvent } from '../engine/events.js';
import { taskTitle } from './task-summary.js';

/** How many of the slowest tasks and hosts are shown. */
const SHOWN = 5;

export interface TimingsSummary {
  durationMs: number;
  /** per task: its slowest host's time (hosts run at once, so this is close to the task's wall time) */
  tasks: Array<{ task: string; ms: number; host: string }>;
  /** per host: its time in tasks, summed */
  hosts: Array<{ host: string; ms: number }>;
  phases: Record<string, number>;
}

export class TimingsCollector {
  private readonly tasks: Array<{ task: string; perHost: Map<string, number> }> = [];
  private readonly hosts = new Map<string, number>();
  private end: Extract<RunEvent, { type: 'recap' }> | undefined;

  handle = (event: RunEvent): void => {
    if (event.type === 'task_start') this.tasks.push({ task: taskTitle(event), perHost: new Map() });
    else if (event.type === 'host_result') {
      const current = this.tasks[this.tasks.length - 1];
      // loop items of one host add up
      current?.perHost.set(event.host, (current.perHost.get(event.host) ?? 0) + event.durationMs);
      this.hosts.set(event.host, (this.hosts.get(event.host) ?? 0) + event.durationMs);
    } else if (event.type === 'recap') this.end = event;
  };

  summary(): TimingsSummary | undefined {
    if (!this.end) return undefined;
    const tasks = this.tasks
      .map(({ task, perHost }) => {
        let slowest = { host: '', ms: 0 };
        for (const [host, ms] of perHost) if (ms > slowest.ms) slowest = { host, ms };
        return { task, ...slowest };
      })
      .filter((t) => t.host !== '')
      .sort((a, b) => b.ms - a.ms)
      .slice(0, SHOWN);
    const hosts = [...this.hosts]
      .map(([host, ms]) => ({ host, ms }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, SHOWN);
    return { durationMs: this.end.durationMs, tasks, hosts, phases: this.end.phases };
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** The summary as text, for a terminal or a log. */
export function timingsLines(s: TimingsSummary, color: boolean): string[] {
  const dim = (t: string) => (color ? pc.dim(t) : t);
  const lines = [`TIMINGS ${'*'.repeat(71)}`, `run: ${seconds(s.durationMs)}`];
  const phases = ['connect', 'facts', 'plan', 'apply'].filter((p) => s.phases[p] !== undefined);
  if (phases.length) {
    lines.push(`phases: ${phases.map((p) => `${p} ${seconds(s.phases[p]!)}`).join(', ')}`);
    lines.push(dim('  (facts is wall time; connect, plan and apply are summed over hosts, so they can exceed the run)'));
  }
  if (s.tasks.length) {
    lines.push('slowest tasks (their slowest host):');
    const w = Math.max(...s.tasks.map((t) => t.task.length));
    for (const t of s.tasks) lines.push(`  ${seconds(t.ms).padStart(8)}  ${t.task.padEnd(w)}  ${dim(t.host)}`);
  }
  if (s.hosts.length) {
    lines.push('slowest hosts (time in tasks, summed):');
    for (const h of s.hosts) lines.push(`  ${seconds(h.ms).padStart(8)}  ${h.host}`);
  }
  return lines;
}

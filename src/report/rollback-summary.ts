/**
 * A rollback in a few lines for the live view: steps that could not be
 * undone are grouped by task (`cannot undo: app unit on 49 hosts`), steps
 * that failed to undo are listed one by one, as they need a person.
 */
import pc from 'picocolors';
import type { RunEvent } from '../engine/events.js';
import { wrapList } from './task-summary.js';

type RollbackStep = Extract<RunEvent, { type: 'rollback_step' }>;

export class RollbackTally {
  undone = 0;
  private readonly failed: RollbackStep[] = [];
  private readonly cannot = new Map<string, string[]>();

  add(step: RollbackStep): void {
    if (step.status === 'undone') this.undone++;
    else if (step.status === 'failed' || step.status === 'refused') this.failed.push(step);
    else this.cannot.set(step.task, [...(this.cannot.get(step.task) ?? []), step.host]);
  }

  /** `rolling back: 12 undone, 1 failed, 3 cannot be undone`, for the live region */
  counter(): string {
    const cannot = [...this.cannot.values()].reduce((n, hosts) => n + hosts.length, 0);
    return `rolling back: ${this.undone} undone, ${this.failed.length} refused or failed, ${cannot} cannot be undone`;
  }

  lines(width: number): string[] {
    const out: string[] = [];
    for (const [task, hosts] of this.cannot) {
      const head = `    cannot undo: ${task} on ${hosts.length === 1 ? hosts[0] : `${hosts.length} hosts`}`;
      out.push(...(hosts.length === 1 || hosts.length > 8 ? [head] : wrapList(`${head}: `, hosts, width - 1)).map((l) => pc.cyan(l)));
    }
    for (const s of this.failed) out.push(pc.red(`    ${s.status === 'refused' ? 'REFUSED' : 'FAILED'} to undo: [${s.host}] ${s.task}${s.msg ? ` (${s.msg})` : ''}`));
    return out;
  }
}

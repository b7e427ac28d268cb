/**
 * Undoing a run: every journaled change, newest first, per host; hosts in
 * parallel. A change with no undo (a command without `rollback:`) is
 * reported, never guessed at.
 */
import type { Connection } from '../connection/types.js';
import { applySteps } from './apply-steps.js';
import type { EventSink } from './events.js';
import type { JournalEntry } from './journal.js';
import type { HostReach, RecordedSpec } from './reach.js';

export interface RollbackResult {
  undone: number;
  failed: number;
  cannotUndo: number;
}

export async function rollbackEntries(
  entries: readonly JournalEntry[],
  connect: (target: string) => Promise<Connection>,
  controller: Connection,
  events: EventSink,
  markUndone: (seq: number) => void,
): Promise<RollbackResult> {
  const byTarget = new Map<string, JournalEntry[]>();
  for (const e of entries) {
    if (e.rollback === 'never') continue;
    const list = byTarget.get(e.target) ?? [];
    list.push(e);
    byTarget.set(e.target, list);
  }
  const totals: RollbackResult = { undone: 0, failed: 0, cannotUndo: 0 };
  await Promise.all(
    [...byTarget.entries()].map(async ([target, list]) => {
      let conn: Connection | undefined;
      let broken: string | undefined;
      for (const entry of list) {
        if (entry.undo === undefined) {
          totals.cannotUndo++;
          events.emit({ type: 'rollback_step', host: entry.host, task: entry.task, status: 'cannot_undo', msg: 'no undo is known for this change (give the task a `rollback:` command)' });
          continue;
        }
        try {
          if (broken) throw new Error(broken);
          conn ??= await connect(target);
          await applySteps(entry.undo, { host: conn, controller, become: entry.become ? { ...entry.become } : undefined });
          markUndone(entry.seq);
          totals.undone++;
          events.emit({ type: 'rollback_step', host: entry.host, task: entry.task, status: 'undone' });
        } catch (error) {
          totals.failed++;
          const msg = error instanceof Error ? error.message : String(error);
          if (!conn) broken = msg;
          events.emit({ type: 'rollback_step', host: entry.host, task: entry.task, status: 'failed', msg });
        }
      }
    }),
  );
  return totals;
}

/**
 * Undoes a run's entries, reaching every host as the run did (see
 * reach.ts): by `specOf(target)`, with the become passwords of now where
 * the record has none. The run's own rollback and `ezplay rollback` alike.
 */
export function undoRun(
  run: { runId: string; entries: readonly JournalEntry[]; specOf: (target: string) => RecordedSpec | undefined },
  reach: HostReach,
  events: EventSink,
  markUndone: (seq: number) => void,
): Promise<RollbackResult> {
  return rollbackEntries(
    run.entries.map((e) => (e.become ? { ...e, become: reach.become(e.become) } : e)),
    (target) => reach.reachRecorded(target, run.specOf(target), run.runId),
    reach.controller,
    events,
    markUndone,
  );
}

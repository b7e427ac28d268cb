/**
 * Undoing a run: every journaled change, newest first, per host; hosts in
 * parallel. A change with no undo (a command without `rollback:`) is
 * reported, never guessed at.
 *
 * Undo never destroys what came after the run. Before it takes a change
 * back it reads the change's paths (facts/fingerprint.ts) and compares them
 * with what this run last left there; a path that differs (a later run, a
 * hand edit) refuses that change, and every older change of this run to the
 * same path, naming who changed it (undo-guard.ts). After an undo, the
 * paths must be as they were before the change: a restore that found no
 * backup is a failure, never a silent success. `force` skips the first
 * check, never the second.
 */
import type { Become, Connection } from '../connection/types.js';
import { applySteps } from './apply-steps.js';
import type { EventSink } from './events.js';
import { readFingerprints } from './fingerprints.js';
import type { JournalEntry } from './journal.js';
import { LeftStates, type PathStates } from './path-states.js';
import type { HostReach, RecordedSpec } from './reach.js';
import { mismatchOf, restoredWrongly, type LaterChanges } from './undo-guard.js';

export interface RollbackResult {
  undone: number;
  /** changes left in place because the host no longer holds what the run left */
  refused: number;
  failed: number;
  cannotUndo: number;
}

/** What undo needs to know about the run besides its entries. */
export interface UndoContext {
  runId: string;
  /** the last state the run left at each path (its own undos included); none: nothing is checked */
  leftStates?: LeftStates | undefined;
  /** who else changed a path after the run, from the project's later journals */
  later?: LaterChanges | undefined;
  /** hosts whose backups of this run were deleted, with the run after whose success they were */
  prunedOn?: Record<string, string> | undefined;
  /** undo even where the host no longer matches */
  force?: boolean | undefined;
}

type MarkUndone = (seq: number, left?: PathStates) => void;

export async function rollbackEntries(
  entries: readonly JournalEntry[],
  connect: (target: string) => Promise<Connection>,
  controller: Connection,
  events: EventSink,
  markUndone: MarkUndone,
  context: UndoContext,
): Promise<RollbackResult> {
  const byTarget = new Map<string, JournalEntry[]>();
  for (const e of entries) {
    if (e.rollback === 'never') continue;
    const list = byTarget.get(e.target) ?? [];
    list.push(e);
    byTarget.set(e.target, list);
  }
  const totals: RollbackResult = { undone: 0, refused: 0, failed: 0, cannotUndo: 0 };
  const known = { ...context, leftStates: context.leftStates ?? new LeftStates() };
  await Promise.all(
    [...byTarget.entries()].map(([target, list]) => undoOnTarget(target, list, { connect, controller, events, markUndone, context: known, totals })),
  );
  return totals;
}

interface TargetUndo {
  connect: (target: string) => Promise<Connection>;
  controller: Connection;
  events: EventSink;
  markUndone: MarkUndone;
  context: UndoContext & { leftStates: LeftStates };
  totals: RollbackResult;
}

async function undoOnTarget(target: string, list: readonly JournalEntry[], how: TargetUndo): Promise<void> {
  const { events, totals, context } = how;
  let conn: Connection | undefined;
  let broken: string | undefined;
  /** paths on this target whose newer change stayed: older changes to them must stay too */
  const blocked = new Map<string, string>();
  const refuse = (entry: JournalEntry, msg: string) => {
    totals.refused++;
    for (const p of entry.writes ?? []) if (!blocked.has(p)) blocked.set(p, msg);
    events.emit({ type: 'rollback_step', host: entry.host, task: entry.task, status: 'refused', msg });
  };
  // what each path was before each change of this run to it: the run's first backup of a path
  // (taken by whichever change first found it there) holds one of these
  const earlierStates = new Map<string, Array<PathStates[string]>>();
  for (const entry of list) {
    for (const [p, state] of Object.entries(entry.before ?? {})) earlierStates.set(p, [...(earlierStates.get(p) ?? []), state]);
  }
  for (const entry of list) {
    if (entry.undo === undefined) {
      totals.cannotUndo++;
      events.emit({ type: 'rollback_step', host: entry.host, task: entry.task, status: 'cannot_undo', msg: 'no undo is known for this change (give the task a `rollback:` command)' });
      continue;
    }
    const writes = entry.writes ?? [];
    const stuck = writes.find((p) => blocked.has(p));
    if (stuck !== undefined && !context.force) {
      refuse(entry, `${stuck}: left in place, as a newer change of run ${context.runId} to it was not undone (${blocked.get(stuck)})`);
      continue;
    }
    const become = entry.become ? { ...entry.become } : undefined;
    try {
      if (broken) throw new Error(broken);
      conn ??= await how.connect(target);
      if (writes.length && !context.force) {
        const now = await readFingerprints(conn, writes, become);
        const mismatch = mismatchOf(target, writes, now, context);
        if (mismatch) {
          refuse(entry, mismatch);
          continue;
        }
      }
      const prunedBy = context.prunedOn?.[target];
      if (prunedBy !== undefined && entry.backups && !context.force) {
        refuse(entry, `its backups on ${target} were deleted when run ${prunedBy} succeeded there`);
        continue;
      }
      await applySteps(entry.undo, { host: conn, controller: how.controller, become });
      const left = writes.length ? await readFingerprints(conn, writes, become) : undefined;
      // what this undo left is what older changes of the run to these paths must find
      context.leftStates.left(target, left);
      const wrong = left ? restoredWrongly(writes, left, entry.before, earlierStates) : undefined;
      if (wrong) throw new Error(wrong);
      how.markUndone(entry.seq, left);
      totals.undone++;
      events.emit({ type: 'rollback_step', host: entry.host, task: entry.task, status: 'undone' });
    } catch (error) {
      totals.failed++;
      for (const p of writes) if (!blocked.has(p)) blocked.set(p, 'its undo failed');
      // a no_log task's undo may name its secrets in the error (its command, its output)
      const msg = entry.secret ? 'the undo failed (details hidden: the task is no_log)' : error instanceof Error ? error.message : String(error);
      if (!conn) broken = msg;
      events.emit({ type: 'rollback_step', host: entry.host, task: entry.task, status: 'failed', msg });
    }
  }
}

/**
 * Undoes a run's entries, reaching every host as the run did (see
 * reach.ts): by `specOf(target)`, with the become passwords of now where
 * the record has none. The run's own rollback and `ezplay rollback` alike.
 */
export function undoRun(
  run: UndoContext & { entries: readonly JournalEntry[]; specOf: (target: string) => RecordedSpec | undefined },
  reach: HostReach,
  events: EventSink,
  markUndone: MarkUndone,
): Promise<RollbackResult> {
  return rollbackEntries(
    run.entries.map((e) => (e.become ? { ...e, become: reach.become(e.become) as Become } : e)),
    (target) => reach.reachRecorded(target, run.specOf(target), run.runId),
    reach.controller,
    events,
    markUndone,
    run,
  );
}

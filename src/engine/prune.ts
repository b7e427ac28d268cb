/**
 * On-host backups exist so a run can be rolled back. Once a later run has
 * succeeded, rolling back the earlier one makes no sense any more, so its
 * backups (old files, old private keys among them) are deleted from the
 * hosts and the run is marked as pruned. The latest successful run keeps
 * its backups, so `ezplay rollback` still works for it.
 *
 * A run that is still going (its process alive, its journal not finished:
 * a run of another controller, or one that does not hold the project's
 * lock) keeps its backups whatever succeeds meanwhile. A run whose hosts
 * were only partly pruned records which ones (`prunedOn`), so its rollback
 * refuses there and says why.
 */
import { hostname } from 'node:os';
import { applySteps } from './apply-steps.js';
import type { EventSink } from './events.js';
import { listRunIds, markPruned, readMeta, readRun } from './journal.js';
import type { HostReach } from './reach.js';
import { alive } from './run-lock.js';
import type { RunMeta } from './journal.js';

export async function pruneEarlierRuns(
  root: string,
  currentRunId: string,
  reach: HostReach,
  events: EventSink,
  reachable: (target: string) => boolean,
): Promise<number> {
  let pruned = 0;
  for (const runId of listRunIds(root)) {
    if (runId >= currentRunId) continue;
    const meta = readMeta(root, runId);
    if (meta?.prunedBy) continue;
    if (meta && stillRunning(meta)) {
      events.emit({ type: 'warning', msg: `kept the backups of run ${runId}: it is still going (pid ${meta.pid} on ${meta.controller})` });
      continue;
    }
    let run;
    try {
      run = readRun(root, runId);
    } catch {
      continue;
    }
    // every host the run changed, with or without backups: a run is only over once each of them is
    const byTarget = new Map<string, typeof run.entries>();
    for (const entry of run.entries) {
      byTarget.set(entry.target, [...(byTarget.get(entry.target) ?? []), ...(entry.cleanup?.length ? [entry] : [])]);
    }
    let complete = true;
    const cleaned: string[] = [];
    for (const [target, entries] of byTarget) {
      if (!reachable(target)) {
        // a host this run did not touch is left for a run that does
        complete = false;
        continue;
      }
      if (entries.length === 0) continue;
      try {
        // reached as that run reached it (reach.ts)
        const conn = await reach.reachRecorded(target, run.meta.hosts[target], runId);
        for (const entry of entries) {
          await applySteps(entry.cleanup ?? [], { host: conn, controller: reach.controller, become: reach.become(entry.become) });
        }
        cleaned.push(target);
      } catch (error) {
        complete = false;
        events.emit({ type: 'warning', host: target, msg: `could not delete the backups of run ${runId}: ${(error as Error).message}` });
      }
    }
    if (complete || cleaned.length) markPruned(root, runId, currentRunId, cleaned, complete);
    if (complete) pruned++;
  }
  return pruned;
}

/** A run not finished whose process is alive, or runs on another machine where we cannot tell. */
function stillRunning(meta: RunMeta): boolean {
  if (meta.finished !== undefined || meta.pid === undefined) return false;
  if (meta.controller !== undefined && meta.controller !== hostname()) return true;
  return alive(meta.pid);
}

/**
 * The checks around one undo: does the host still hold what the run left
 * at each path (else the undo would destroy a later run's work or a hand
 * edit), and, once the undo ran, is each path back to what it was before
 * the change. Who changed a path after the run is found in the project's
 * later journals; a path no later run wrote was changed outside ezplay.
 */
import path from 'node:path';
import { fingerprintDifference, type Fingerprint } from '../facts/fingerprint.js';
import { listRunIds, readRun, type RecordedRun } from './journal.js';
import type { LeftStates, PathStates } from './path-states.js';

/** A later run's change to a path. */
export interface LaterChange {
  runId: string;
  playbook: string;
  task: string;
  /** what that run left there, when it recorded it */
  left: Fingerprint | null | undefined;
}

export interface LaterChanges {
  /** The newest change a run after this one made to `target`'s `path` and has not undone. */
  lastChangeOf(target: string, path: string): LaterChange | undefined;
}

/** Later changes from the journals under `root` of the runs started after `runId`, read on first use. */
export function laterChangesIn(root: string, runId: string): LaterChanges {
  let runs: RecordedRun[] | undefined;
  const load = (): RecordedRun[] => {
    runs ??= listRunIds(root)
      .filter((id) => id > runId)
      .flatMap((id) => {
        try {
          const run = readRun(root, id);
          return run.meta.check ? [] : [run];
        } catch {
          return [];
        }
      })
      .reverse();
    return runs;
  };
  return {
    lastChangeOf(target, file) {
      for (const run of load()) {
        const entry = run.entries.find((e) => e.target === target && e.writes?.includes(file));
        if (entry) return { runId: run.meta.runId, playbook: path.basename(run.meta.playbook), task: entry.task, left: run.leftStates.at(target, file) };
      }
      return undefined;
    },
  };
}

/**
 * Why the host no longer holds what the run left at one of `writes`, naming
 * who changed it; undefined when every path is as the run left it.
 */
export function mismatchOf(
  target: string,
  writes: readonly string[],
  now: PathStates,
  run: { runId: string; leftStates: LeftStates; later?: LaterChanges | undefined },
): string | undefined {
  for (const file of writes) {
    const expected = run.leftStates.at(target, file);
    const found = now[file];
    if (expected === undefined || found === undefined) continue;
    const later = run.later?.lastChangeOf(target, file);
    if (expected === null) {
      // the run stopped before it recorded what it left: only a later run's record can tell
      if (later) return `${file} on ${target} was changed by run ${later.runId} (${later.playbook}, task '${later.task}') after this run: left in place`;
      continue;
    }
    const difference = fingerprintDifference(expected, found);
    if (difference === undefined) continue;
    let who = `changed outside ezplay since run ${run.runId}`;
    if (later) {
      const since = later.left && fingerprintDifference(later.left, found) === undefined ? '' : ', and outside ezplay since';
      who = `changed by run ${later.runId} (${later.playbook}, task '${later.task}')${since}`;
    }
    return `${file} on ${target} is no longer as run ${run.runId} left it (${difference}): ${who}; left in place (ezplay rollback --force undoes anyway)`;
  }
  return undefined;
}

/**
 * Why the undo did not take a path back to what it was before the change,
 * or to what it was before another change of this run to it (a restore
 * from the run's one backup of the path, taken by the first change that
 * found it there); undefined when every path is back.
 */
export function restoredWrongly(
  writes: readonly string[],
  left: PathStates,
  before: PathStates | undefined,
  earlierStates: ReadonlyMap<string, ReadonlyArray<Fingerprint | undefined>>,
): string | undefined {
  for (const file of writes) {
    const wanted = before?.[file];
    const found = left[file];
    if (wanted === undefined || found === undefined) continue;
    const difference = fingerprintDifference(wanted, found);
    if (difference === undefined) continue;
    if ((earlierStates.get(file) ?? []).some((state) => state && fingerprintDifference(state, found) === undefined)) continue;
    return `the undo did not put ${file} back (${difference}): the backup it restores from is gone, or the undo could not complete`;
  }
  return undefined;
}

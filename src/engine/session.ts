/**
 * One session: load -> connect -> run -> rollback. `ezplay run`, `ezplay
 * rollback` and `ezplay test` each open one and close it when done. Every
 * host is reached by the one rule of reach.ts, with the passwords asked for
 * once (-k, -K) and never written anywhere, so undoing a run reaches its
 * hosts exactly as the run did, whether it is the run's own rollback after a
 * failure or a finished run undone later.
 */
import { EngineError, OptionsError } from '../errors.js';
import type { Inventory } from '../inventory/index.js';
import { loadInventory } from '../load/inventory.js';
import type { Playbook } from '../load/model.js';
import { loadPlaybook } from '../load/playbook.js';
import { loadVarsDirs } from '../load/vars-dirs.js';
import type { ConnectionOpener } from './connections.js';
import type { EventSink } from './events.js';
import { appendUndone, listRunIds, readRun, type RecordedRun } from './journal.js';
import type { RunOptions } from './options.js';
import { HostReach } from './reach.js';
import { undoRun, type RollbackResult } from './rollback.js';
import { projectOf, runPlaybook, type RunSummary } from './run.js';
import { validatePlaybook } from './validate.js';
import { laterChangesIn } from './undo-guard.js';
import { Templar } from '../template/index.js';

/** A playbook, loaded and checked before any host is touched. */
export function loadCheckedPlaybook(file: string, options: { rolesPath?: string[]; extraVars?: Record<string, unknown> } = {}): Playbook {
  const templar = new Templar();
  const playbook = loadPlaybook(file, {
    ...(options.rolesPath ? { rolesPath: options.rolesPath } : {}),
    // a templated role name is filled with the play's vars and the extra vars, as Ansible fills it at load
    renderRoleName: (name, playVars, pos) => String(templar.renderValue(name, { ...playVars, ...options.extraVars }, pos)),
    renderAtLoad: (value, vars, pos) => templar.renderValue(value, { ...vars, ...options.extraVars }, pos),
  });
  validatePlaybook(playbook);
  return playbook;
}

/** The inventory, with the `group_vars`/`host_vars` beside it and beside the playbook. */
export async function loadHosts(inventoryPaths: string[], playbookDir: string): Promise<Inventory> {
  const inventory = await loadInventory(inventoryPaths);
  await loadVarsDirs(playbookDir, inventory);
  return inventory;
}

export interface SessionSettings {
  /** where run journals go: .ezplay/runs */
  journalRoot: string;
  /** how SSH connections open (with the -k password, if one was asked for) */
  openConnection: ConnectionOpener;
  /** the -K password */
  becomePassword?: string | undefined;
  /** false with --no-wait: refuse, instead of waiting, when another run holds a host's lock */
  wait?: boolean | undefined;
}

/** What a run is told beyond the session's own settings. */
export type RunRequest = Omit<RunOptions, 'openConnection' | 'becomePassword' | 'journalRoot'>;

export class Session {
  readonly reach: HostReach;

  constructor(readonly settings: SessionSettings) {
    this.reach = new HostReach(settings.openConnection, settings.becomePassword);
  }

  /** Runs a playbook on the session's connections, which stay open for what follows. */
  run(playbook: Playbook, request: RunRequest): Promise<RunSummary> {
    const { journalRoot, openConnection, becomePassword, wait } = this.settings;
    return runPlaybook(playbook, { ...request, journalRoot, openConnection, becomePassword, wait: request.wait ?? wait }, this.reach);
  }

  /**
   * Undoes a finished run, newest change first: the one given or named,
   * else the latest that changed something. Refuses, with the reason, a run
   * that has nothing left to undo or whose backups are gone.
   */
  async rollback(which: RecordedRun | string | undefined, events: EventSink, options: { force?: boolean } = {}): Promise<{ runId: string; result: RollbackResult }> {
    const root = this.settings.journalRoot;
    const run = typeof which === 'object' ? which : runToUndo(root, which);
    const id = run.meta.runId;
    this.reach.lockHosts(
      { runId: id, what: `ezplay rollback ${id}`, project: projectOf(root) },
      { wait: this.settings.wait !== false, say: (host, msg) => events.emit({ type: 'warning', host, msg }) },
    );
    events.emit({ type: 'rollback_start', hosts: [...new Set(run.entries.map((e) => e.target))], reason: `run ${id}` });
    const result = await undoRun(
      // an explicit rollback undoes every change, `rollback: never` plays' too
      {
        runId: id,
        entries: run.entries.map((e) => ({ ...e, rollback: 'on_failure' as const })),
        specOf: (target) => run.meta.hosts[target],
        leftStates: run.leftStates,
        later: laterChangesIn(root, id),
        prunedOn: run.meta.prunedOn,
        force: options.force,
      },
      this.reach,
      events,
      (seq, left) => appendUndone(root, id, seq, left),
    );
    events.emit({ type: 'rollback_end', ...result });
    return { runId: id, result };
  }

  close(): Promise<void> {
    return this.reach.close();
  }
}

/** Whether a run recorded any change (a --check run, or one that found everything in place, did not). */
function changedSomething(root: string, runId: string): RecordedRun | undefined {
  let run: RecordedRun;
  try {
    run = readRun(root, runId);
  } catch {
    return undefined;
  }
  return run.recorded > 0 && !run.meta.check ? run : undefined;
}

/**
 * The run `ezplay rollback [RUN_ID]` undoes, or an error that says why there
 * is nothing to undo. Without RUN_ID: the latest run that changed something,
 * so a `--check` run or a re-run that changed nothing is passed over.
 */
export function runToUndo(root: string, runId: string | undefined): RecordedRun {
  let run: RecordedRun | undefined;
  if (runId !== undefined) {
    try {
      run = readRun(root, runId);
    } catch (error) {
      throw new OptionsError((error as Error).message);
    }
    if (run.meta.check) throw new EngineError(`nothing to undo: run ${runId} was a --check run, which changes nothing`);
    if (run.recorded === 0) throw new EngineError(`nothing to undo: run ${runId} changed nothing`);
  } else {
    const ids = listRunIds(root).reverse();
    if (ids.length === 0) throw new OptionsError(`no runs recorded under ${root}`);
    for (const id of ids) if ((run = changedSomething(root, id))) break;
    if (!run) throw new EngineError(`nothing to undo: none of the ${ids.length} run(s) under ${root} changed anything`);
  }
  const id = run.meta.runId;
  if (run.meta.prunedBy) {
    throw new OptionsError(`run ${id} can no longer be rolled back: run ${run.meta.prunedBy} succeeded after it, and its backups were deleted then`);
  }
  if (run.entries.length === 0) {
    const how = run.meta.status === 'rolled_back' ? 'when it failed' : 'already';
    throw new EngineError(`nothing left to undo: the ${run.recorded} change(s) of run ${id} were undone ${how}; to undo an earlier run, name it: ezplay rollback RUN_ID`);
  }
  return run;
}

/** `ezplay rollback [RUN_ID]`: undo a finished run from its journal. */
import path from 'node:path';
import { EventBus } from '../engine/events.js';
import { readRun, appendUndone } from '../engine/journal.js';
import { rollbackEntries } from '../engine/rollback.js';
import { ConnectionPool } from '../engine/connections.js';
import { LocalConnection } from '../connection/local.js';
import { EXIT } from './exit-codes.js';
import { makeReporter } from './reporter-choice.js';
import { sshOpener } from './ssh-opener.js';
import { OptionsError } from '../errors.js';
import { findJournalRoot, journalRootOf } from './project-dir.js';
import { listRuns } from './run-list.js';

export async function rollbackCommand(
  runId: string | undefined,
  flags: { json?: boolean; color: boolean; verbose: number; acceptNewHostKeys?: boolean; project?: string; list?: boolean },
): Promise<number> {
  const root = flags.project !== undefined ? journalRootOf(path.resolve(flags.project)) : findJournalRoot(process.cwd());
  if (flags.list) {
    listRuns(root, (line) => process.stdout.write(`${line}\n`));
    return EXIT.ok;
  }
  let run;
  try {
    run = readRun(root, runId);
  } catch (error) {
    throw new OptionsError((error as Error).message);
  }
  if (run.meta.prunedBy) {
    throw new OptionsError(
      `run ${run.meta.runId} can no longer be rolled back: run ${run.meta.prunedBy} succeeded after it, and its backups were deleted then`,
    );
  }
  const bus = new EventBus();
  const reporter = await makeReporter({ ...flags, diff: false }, bus);
  for (const msg of run.warnings) bus.emit({ type: 'warning', msg });
  const controller = new LocalConnection('localhost');
  const pool = new ConnectionPool(sshOpener({ acceptNewHostKeys: flags.acceptNewHostKeys ?? false }));
  bus.emit({ type: 'rollback_start', hosts: [...new Set(run.entries.map((e) => e.target))], reason: `run ${run.meta.runId}` });
  try {
    const result = await rollbackEntries(
      run.entries.map((e) => ({ ...e, rollback: 'on_failure' as const })),
      async (target) => {
        const spec = run.meta.hosts[target];
        if (!spec || target === 'localhost') return controller;
        return pool.get(spec);
      },
      controller,
      bus,
      (seq) => appendUndone(root, run.meta.runId, seq),
    );
    bus.emit({ type: 'rollback_end', ...result });
    await reporter.flush();
    return result.failed ? EXIT.hostFailed : EXIT.ok;
  } finally {
    await pool.closeAll();
  }
}

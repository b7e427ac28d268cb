/** `ezplay rollback [RUN_ID]`: undo a finished run from its journal, reaching its hosts as it did. */
import path from 'node:path';
import { EventBus } from '../engine/events.js';
import { runToUndo, Session } from '../engine/session.js';
import { EXIT } from './exit-codes.js';
import { makeReporter } from './reporter-choice.js';
import { askSecret } from './ask-secret.js';
import { sshOpener } from './ssh-opener.js';
import { findJournalRoot, journalRootOf } from './project-dir.js';
import { listRuns } from './run-list.js';
import { acquireRunLock } from '../engine/run-lock.js';

export interface RollbackFlags {
  json?: boolean;
  color: boolean;
  verbose: number;
  acceptNewHostKeys?: boolean;
  askBecomePass?: boolean;
  askPass?: boolean;
  /** the project whose journals to use, instead of looking up from the current folder */
  project?: string;
  /** print where the journals are and list the runs */
  list?: boolean;
  /** false with --no-wait: refuse instead of waiting for a run in progress */
  wait?: boolean;
  /** undo even where the host no longer holds what the run left */
  force?: boolean;
}

export async function rollbackCommand(runId: string | undefined, flags: RollbackFlags): Promise<number> {
  const journalRoot = flags.project !== undefined ? journalRootOf(path.resolve(flags.project)) : findJournalRoot(process.cwd());
  if (flags.list) {
    listRuns(journalRoot, (line) => process.stdout.write(`${line}\n`));
    return EXIT.ok;
  }
  const lock = await acquireRunLock(path.dirname(journalRoot), `ezplay rollback${runId ? ` ${runId}` : ''}`, {
    wait: flags.wait !== false,
    say: (line) => process.stderr.write(`${line}\n`),
  });
  try {
    return await rollbackLocked(journalRoot, runId, flags);
  } finally {
    lock.release();
  }
}

async function rollbackLocked(journalRoot: string, runId: string | undefined, flags: RollbackFlags): Promise<number> {
  // which run, or why there is nothing to undo, before asking for anything
  const run = runToUndo(journalRoot, runId);
  // the passwords were never written down: asked for again, as the run asked for them
  const becomePassword = flags.askBecomePass ? await askSecret('BECOME password: ') : undefined;
  const sshPassword = flags.askPass ? await askSecret('SSH password: ') : undefined;
  const session = new Session({
    journalRoot,
    openConnection: sshOpener({ acceptNewHostKeys: flags.acceptNewHostKeys ?? false, password: sshPassword }),
    becomePassword,
    wait: flags.wait !== false,
  });
  try {
    const bus = new EventBus();
    const reporter = await makeReporter({ ...flags, diff: false }, bus);
    for (const msg of run.warnings) bus.emit({ type: 'warning', msg });
    const { result } = await session.rollback(run, bus, { force: flags.force ?? false });
    await reporter.flush();
    return result.failed || result.refused ? EXIT.hostFailed : EXIT.ok;
  } finally {
    await session.close();
  }
}

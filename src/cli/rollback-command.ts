/** `ezplay rollback [RUN_ID]`: undo a finished run from its journal, reaching its hosts as it did. */
import path from 'node:path';
import { EventBus } from '../engine/events.js';
import { runToUndo, Session } from '../engine/session.js';
import { EXIT } from './exit-codes.js';
import { makeReporter } from './reporter-choice.js';
import { askSecret } from './run-command.js';
import { sshOpener } from './ssh-opener.js';

export interface RollbackFlags {
  json?: boolean;
  color: boolean;
  verbose: number;
  acceptNewHostKeys?: boolean;
  askBecomePass?: boolean;
  askPass?: boolean;
}

export async function rollbackCommand(runId: string | undefined, flags: RollbackFlags): Promise<number> {
  const journalRoot = path.resolve('.ezplay', 'runs');
  // which run, or why there is nothing to undo, before asking for anything
  const run = runToUndo(journalRoot, runId);
  // the passwords were never written down: asked for again, as the run asked for them
  const becomePassword = flags.askBecomePass ? await askSecret('BECOME password: ') : undefined;
  const sshPassword = flags.askPass ? await askSecret('SSH password: ') : undefined;
  const session = new Session({
    journalRoot,
    openConnection: sshOpener({ acceptNewHostKeys: flags.acceptNewHostKeys ?? false, password: sshPassword }),
    becomePassword,
  });
  try {
    const bus = new EventBus();
    const reporter = await makeReporter({ ...flags, diff: false }, bus);
    const { result } = await session.rollback(run, bus);
    await reporter.flush();
    return result.failed ? EXIT.hostFailed : EXIT.ok;
  } finally {
    await session.close();
  }
}

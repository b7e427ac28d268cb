/**
 * Checks that a plan keeps nothing beside the files it changes: every path
 * its commands name in a target's folder is the target itself, or one of
 * the hidden temporary names that are renamed onto it (`.name.ezplay-new-*`,
 * `.name.ezplay-restore-*`); its backups go to the run's backup root.
 */
import path from 'node:path';
import { restoreTempName } from '../../../src/modules/kit/backup.js';
import { tempBeside } from '../../../src/modules/kit/content.js';
import type { Plan, Step } from '../../../src/modules/types.js';
import { splitWords } from './ca-cert-context.js';

export function commandsOf(plan: Plan): string[] {
  const all: Step[] = [...(plan.steps ?? []), ...(plan.undo ?? []), ...(plan.cleanup ?? [])];
  return all.flatMap((s) => (s.kind === 'exec' ? [s.command] : s.kind === 'put' ? [s.dest] : []));
}

/** Paths named beside `targets` that are neither a target nor its temporary names; [] when the plan is clean. */
export function pathsBeside(plan: Plan, targets: readonly string[], runId: string): string[] {
  const allowed = new Set(targets.flatMap((t) => [t, tempBeside(t, runId), restoreTempName(t, runId)]));
  const folders = new Set(targets.map((t) => path.posix.dirname(t)));
  const words = commandsOf(plan).flatMap((c) => splitWords(c.replace(/[\n&|{}()<>"]/g, ' ')).map((w) => w.replace(/[:,]$/, '')));
  return [...new Set(words.filter((w) => folders.has(path.posix.dirname(w)) && !allowed.has(w)))];
}

/**
 * Steps that make a file change exactly reversible: copy the file aside
 * before it is overwritten, and either restore that copy or remove a file
 * that did not exist. Backups live outside the changed folder so that
 * /usr/local/bin does not fill up with `.bak` files.
 */
import path from 'node:path';
import { createHash } from 'node:crypto';
import { sh } from '../shell/quote.js';
import type { Step } from './types.js';

export const BACKUP_ROOT = '/var/tmp/ezplay-backup';

/**
 * Where `file` is copied before a change. `tag` tells apart two changes of
 * the same file in one run (a task in a loop), so a later backup never
 * replaces the copy an earlier undo needs.
 */
export function backupPath(runId: string, file: string, tag: string): string {
  const slot = createHash('sha256').update(`${file}\0${tag}`).digest('hex').slice(0, 12);
  return path.posix.join(BACKUP_ROOT, runId, slot, file);
}

/** Copies the files aside, keeping mode, owner, times and symlinks as they are. */
export function backupStep(files: ReadonlyArray<{ path: string; backup: string }>): Step {
  const lines = files.map(
    (f) => sh`mkdir -p ${path.posix.dirname(f.backup)} && cp -pP ${f.path} ${f.backup}`,
  );
  return {
    kind: 'exec',
    command: ['set -e', ...lines].join('\n'),
    description: `back up ${describe(files.map((f) => f.path))}`,
  };
}

/**
 * Puts each backup back atomically. A missing backup means the change never
 * happened (the backup step did not run), so the file is left alone.
 */
export function restoreStep(files: ReadonlyArray<{ path: string; backup: string }>): Step {
  const lines = files.map((f) => {
    const tmp = `${f.path}.ezplay-restore`;
    return sh`if [ -e ${f.backup} ] || [ -L ${f.backup} ]; then rm -rf ${tmp} && cp -pP ${f.backup} ${tmp} && mv -f ${tmp} ${f.path}; fi`;
  });
  return {
    kind: 'exec',
    command: ['set -e', ...lines].join('\n'),
    description: `restore ${describe(files.map((f) => f.path))} from backup`,
  };
}

/** Removes files that did not exist before, then folders that did not, deepest first, only if empty. */
export function removeStep(files: readonly string[], dirs: readonly string[] = []): Step {
  const lines = files.map((f) => sh`rm -f ${f}`);
  const deepestFirst = [...dirs].sort((a, b) => b.split('/').length - a.split('/').length);
  for (const d of deepestFirst) lines.push(sh`rmdir ${d} 2>/dev/null || true`);
  return {
    kind: 'exec',
    command: lines.join('\n'),
    description: `remove ${describe([...files, ...dirs])}`,
  };
}

function describe(paths: readonly string[]): string {
  if (paths.length <= 3) return paths.join(', ');
  return `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more`;
}

/** Deletes the backups once the run no longer needs them for undo (Plan.cleanup). */
export function dropBackupsStep(files: ReadonlyArray<{ backup: string }>): Step {
  return {
    kind: 'exec',
    command: files.map((f) => sh`rm -f ${f.backup}`).join('\n'),
    description: `delete ${files.length === 1 ? 'the backup' : `${files.length} backups`} of this change`,
  };
}

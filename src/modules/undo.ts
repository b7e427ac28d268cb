/**
 * Steps that make a file change reversible, shared by every module that
 * writes files (copy, template, lineinfile, file, and colleagues' systemd
 * and user modules).
 *
 * The backup of `path` lives beside it as `path.ezplay-bak-<runId>`: same
 * filesystem, so taking it back is an atomic rename, and the run id keeps
 * two runs from overwriting each other's backups. Every undo step is safe to
 * run when the forward steps never ran (the run failed before this task or
 * halfway through it): restores are guarded by the backup's existence.
 *
 * When several tasks of one run change the same path, the first backup
 * wins: it holds the path as it was before the run, later tasks keep it,
 * and since the journal undoes newest first, the last restore to run (the
 * oldest task's, or the first one that finds the backup) puts back exactly
 * what was there before the run.
 */
import { formatMode } from '../shell/mode.js';
import { sh } from '../shell/quote.js';
import type { Step } from './types.js';

export function backupPath(path: string, runId: string): string {
  return `${path}.ezplay-bak-${runId}`;
}

/** A shell test that is true when `path` exists, dangling links included. */
export function existsTest(path: string): string {
  return sh`{ [ -e ${path} ] || [ -L ${path} ]; }`;
}

/** Copies `path` aside, keeping owner, mode, times and links (`cp -a`). */
export function backupStep(path: string, runId: string): Step {
  const backup = backupPath(path, runId);
  return {
    kind: 'exec',
    command: `if ${existsTest(path)} && ! ${existsTest(backup)}; then cp -a -- ${sh`${path} ${backup}`}; fi`,
    description: `back up ${path}`,
  };
}

/**
 * Removes `path` by renaming it to its backup: cheaper than a copy for a
 * whole directory, and the backup is byte for byte what was there.
 */
export function moveAsideStep(path: string, runId: string): Step {
  const backup = backupPath(path, runId);
  return {
    kind: 'exec',
    command:
      `if ${existsTest(backup)}; then rm -rf -- ${sh`${path}`}; ` +
      `elif ${existsTest(path)}; then mv -f -- ${sh`${path} ${backup}`}; fi`,
    description: `remove ${path} (kept as ${backup})`,
  };
}

/**
 * Takes `path` back to how it was before the run: the backup put back when
 * it `existed`, else whatever the run created there removed.
 */
export function restoreStep(path: string, runId: string, existed: boolean): Step {
  if (!existed) return removeStep(path);
  const backup = backupPath(path, runId);
  return {
    kind: 'exec',
    command: `if ${existsTest(backup)}; then rm -rf -- ${sh`${path}`} && mv -f -- ${sh`${backup} ${path}`}; fi`,
    description: `restore ${path} from ${backup}`,
  };
}

/** Removes `path` (a file, a link or a whole directory the run created). */
export function removeStep(path: string): Step {
  return { kind: 'exec', command: sh`rm -rf -- ${path}`, description: `remove ${path}` };
}

/** Deletes the backup once undo no longer needs it (Plan.cleanup). */
export function dropBackupStep(path: string, runId: string): Step {
  const backup = backupPath(path, runId);
  return { kind: 'exec', command: sh`rm -rf -- ${backup}`, description: `delete backup ${backup}` };
}

/** `chmod` as a command line; modes are written in octal like `0644`. */
export function chmodCommand(path: string, mode: number, options: { recurse?: boolean } = {}): string {
  return `chmod ${options.recurse ? '-R ' : ''}${sh`${formatMode(mode)}`} -- ${sh`${path}`}`;
}

/** `chown` as a command line: -h (a link's own owner, never its target's), or -R. */
export function chownCommand(
  path: string,
  owner: string | undefined,
  group: string | undefined,
  options: { recurse?: boolean } = {},
): string {
  const spec = `${owner ?? ''}${group !== undefined ? `:${group}` : ''}`;
  return `chown ${options.recurse ? '-R' : '-h'} ${sh`${spec}`} -- ${sh`${path}`}`;
}

export function chmodStep(path: string, mode: number, options: { recurse?: boolean } = {}): Step {
  return { kind: 'exec', command: chmodCommand(path, mode, options), description: `chmod ${formatMode(mode)} ${path}` };
}

export function chownStep(
  path: string,
  owner: string | undefined,
  group: string | undefined,
  options: { recurse?: boolean } = {},
): Step {
  const spec = `${owner ?? ''}${group !== undefined ? `:${group}` : ''}`;
  return { kind: 'exec', command: chownCommand(path, owner, group, options), description: `chown ${spec} ${path}` };
}


export { formatMode };

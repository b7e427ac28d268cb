/**
 * The one backup scheme of every module that writes files.
 *
 * Backups never sit beside the live file: readers of whole folders
 * (logrotate's `include /etc/logrotate.d`, `conf.d` directories, systemd's
 * unit folders) would read a `name.bak` as one more live file. Each run
 * keeps its backups under one root per host:
 *
 *     /var/lib/ezplay/backup/<runId>/<slot>/   (root; other users:
 *     /var/tmp/ezplay-backup-<uid>/<runId>/<slot>/, as they cannot write /var/lib)
 *         path    the live path, for whoever looks
 *         state   `present` (data holds it), `absent` (it did not exist),
 *                 `restored` (a moved-back directory, see restoreCommand)
 *         data    the path as it was before the run, taken with `cp -a`
 *                 (owner, mode, times, links kept) or moved there whole
 *
 * /var/lib, not /var/tmp: a rollback may come days later, and systemd's
 * tmpfiles cleaning empties /var/tmp of old files; /var/lib survives reboots
 * and cleaners, and the root is only readable by its owner (backups hold
 * private keys).
 *
 * The slot is a hash of the path, so each path has one slot per run and the
 * first backup wins: a loop or a second task on the same path finds `state`
 * and keeps the copy of the path as it was before the run. Undo runs newest
 * first, so the last restore to run puts back exactly what the run found.
 *
 * `state` is written last, by a rename: it is the marker that a backup was
 * taken. Undo steps run also for a task whose steps never ran (the run
 * failed before it), so a restore with no `state` does nothing; a restore
 * whose `state` says `present` but whose `data` is gone fails with a message
 * naming both, never reporting a silent success.
 *
 * Restores are atomic for files: a copy to a temporary name in the target's
 * own folder, then a rename. A removed directory was moved into the slot
 * whole and is moved back whole, through the same temporary-name rename.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { sh } from '../../shell/quote.js';
import type { Step } from '../types.js';

export const BACKUP_ROOT = '/var/lib/ezplay/backup';
/** Where a user other than root keeps its backups (it cannot write /var/lib). */
export const USER_BACKUP_ROOT_PREFIX = '/var/tmp/ezplay-backup-';

/** Shell text that sets `$ezb` to the backup root of the user the step runs as. */
const ROOT_LINE = `ezb=${BACKUP_ROOT}; [ "$(id -u)" = 0 ] || ezb=${USER_BACKUP_ROOT_PREFIX}$(id -u)`;

/** The slot of `file` within a run: one per path, whatever task changes it. */
export function backupSlot(runId: string, file: string): string {
  const hash = createHash('sha256').update(file).digest('hex').slice(0, 16);
  return `${runId}/${hash}`;
}

/** The slot folder as shell text: `"$ezb"/<run>/<hash>` (needs ROOT_LINE first). */
function slotExpr(runId: string, file: string): string {
  return `"$ezb"/${sh`${backupSlot(runId, file)}`}`;
}

/** A shell test that is true when `p` exists, dangling links included. */
export function existsTest(p: string): string {
  return sh`{ [ -e ${p} ] || [ -L ${p} ]; }`;
}

/** The temporary name a restore writes before its rename: hidden, in the target's folder, gone once renamed. */
export function restoreTempName(file: string, runId: string): string {
  return path.posix.join(path.posix.dirname(file), `.${path.posix.basename(file)}.ezplay-restore-${runId}`);
}

function describe(paths: readonly string[]): string {
  if (paths.length <= 3) return paths.join(', ');
  return `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more`;
}

/** Takes the slot of `file` unless an earlier task of the run did: records whether it existed, copies it. */
function backupCommand(runId: string, file: string): string {
  const b = slotExpr(runId, file);
  return [
    `if [ ! -e ${b}/state ]; then`,
    `  rm -rf ${b} && mkdir -p ${b} && printf '%s\\n' ${sh`${file}`} > ${b}/path || exit 1`,
    `  if ${existsTest(file)}; then cp -a -- ${sh`${file}`} ${b}/data && echo present > ${b}/state.new || exit 1; else echo absent > ${b}/state.new; fi`,
    `  mv -f ${b}/state.new ${b}/state`,
    'fi',
  ].join('\n');
}

/**
 * Moves `file` into its slot (a removal that keeps the data). When the slot
 * already holds the path as it was before the run, the run's own version
 * is moved beside it (`later.*`), so nothing is deleted either way.
 */
/**
 * Moves a path into the backups. A file with other names (hard links) is
 * copied there and removed instead: a moved one would keep its link count,
 * and the other names would still look linked to a file that is gone.
 */
function moveOutCommand(f: string, dest: string): string {
  return `{ if [ -f ${f} ] && [ ! -L ${f} ] && [ "$(stat -c %h -- ${f})" -gt 1 ]; then cp -a -- ${f} ${dest} && rm -f -- ${f}; else mv -f -- ${f} ${dest}; fi; }`;
}

function moveAsideCommand(runId: string, file: string): string {
  const b = slotExpr(runId, file);
  const f = sh`${file}`;
  return [
    `if ! ${existsTest(file)}; then :`,
    `elif [ -e ${b}/state ]; then l=$(mktemp -d ${b}/later.XXXXXX) && ${moveOutCommand(f, '"$l"/data')} || exit 1`,
    `else rm -rf ${b} && mkdir -p ${b} && printf '%s\\n' ${f} > ${b}/path && ${moveOutCommand(f, `${b}/data`)} && echo present > ${b}/state.new && mv -f ${b}/state.new ${b}/state || exit 1`,
    'fi',
  ].join('\n');
}

/** Puts `file` back as its slot recorded it; fails when the slot says a copy was taken and the copy is gone. */
function restoreCommand(runId: string, file: string): string {
  const b = slotExpr(runId, file);
  const f = sh`${file}`;
  const tmp = sh`${restoreTempName(file, runId)}`;
  const gone = sh`ezplay: cannot restore ${file}: its backup was taken but `;
  return [
    `if [ ! -e ${b}/state ]; then :`,
    `elif [ "$(cat ${b}/state)" = absent ]; then rm -rf -- ${f} || exit 1`,
    `elif [ "$(cat ${b}/state)" = restored ]; then :`,
    `elif ! { [ -e ${b}/data ] || [ -L ${b}/data ]; }; then echo ${gone}"$ezb"/${sh`${backupSlot(runId, file)}`}/data" is missing" >&2; exit 1`,
    // a directory goes back whole (moved), a file or link as a copy, so a second restore of the slot still works
    `elif [ -d ${b}/data ] && [ ! -L ${b}/data ]; then rm -rf -- ${tmp} && mv -f -- ${b}/data ${tmp} && rm -rf -- ${f} && mv -f -T -- ${tmp} ${f} && echo restored > ${b}/state || exit 1`,
    `else rm -rf -- ${tmp} && cp -a -- ${b}/data ${tmp} && { [ ! -d ${f} ] || [ -L ${f} ] || rm -rf -- ${f}; } && mv -f -T -- ${tmp} ${f} || { rm -rf -- ${tmp}; exit 1; }`,
    'fi',
  ].join('\n');
}

/**
 * A root someone else made (a shared /var/tmp lets any user create the
 * name first, or plant a link there) would hand them the backups: refused.
 */
const ROOT_OWNED = `if [ -e "$ezb" ] || [ -L "$ezb" ]; then if [ -L "$ezb" ] || [ ! -O "$ezb" ]; then echo "ezplay: $ezb is not a folder of $(id -un)" >&2; exit 1; fi; fi`;

/** One exec step running `commands` (each path's lines) after the root is known. */
function script(commands: string[], description: string): Step {
  return { kind: 'exec', command: ['set -e', 'umask 077', ROOT_LINE, ROOT_OWNED, ...commands].join('\n'), description };
}

/** Copies each path into its slot before it is changed (a path already in its slot keeps the older copy). */
export function backupStep(runId: string, files: readonly string[]): Step {
  return script(files.map((f) => backupCommand(runId, f)), `back up ${describe(files)}`);
}

/** Removes each path by moving it into its slot: the data stays until the run is pruned. */
export function moveAsideStep(runId: string, files: readonly string[]): Step {
  return script(files.map((f) => moveAsideCommand(runId, f)), `remove ${describe(files)} (kept in the run's backups)`);
}

/** Takes each path back to how its slot recorded it: its old copy, or absent. */
export function restoreStep(runId: string, files: readonly string[]): Step {
  return script(files.map((f) => restoreCommand(runId, f)), `restore ${describe(files)} from the run's backups`);
}

/** Removes files and links the run created; then folders it created, deepest first, only when empty. */
export function removeCreatedStep(files: readonly string[], dirs: readonly string[] = []): Step {
  const lines = files.length ? [sh`rm -f -- ${[...files]}`] : [];
  const deepestFirst = [...dirs].sort((a, b) => b.split('/').length - a.split('/').length);
  for (const d of deepestFirst) lines.push(sh`rmdir -- ${d} 2>/dev/null || true`);
  return { kind: 'exec', command: lines.join('\n'), description: `remove ${describe([...files, ...dirs])}` };
}

/** Removes a folder the run created, with what the run put in it. */
export function removeCreatedTreeStep(dir: string): Step {
  return { kind: 'exec', command: sh`rm -rf -- ${dir}`, description: `remove ${dir}` };
}

/** Deletes the slots of these paths, then the run's folder once empty (Plan.cleanup, run by the prune). */
export function dropBackupsStep(runId: string, files: readonly string[]): Step {
  const lines = files.map((f) => `rm -rf ${slotExpr(runId, f)}`);
  lines.push(`rmdir "$ezb"/${sh`${runId}`} 2>/dev/null || true`);
  return script(lines, `delete the run's backups of ${describe(files)}`);
}

/** What a plan needs to change paths undoably: steps before the write, undo, cleanup, and the paths. */
export interface Guarded {
  steps: Step[];
  undo: Step[];
  cleanup: Step[];
  writes: string[];
}

/**
 * The steps around writing `files`: those that `existed` are backed up
 * first and restored by undo; the others are removed by undo.
 */
export function guardWrites(runId: string, files: ReadonlyArray<{ path: string; existed: boolean }>): Guarded {
  const existing = files.filter((f) => f.existed).map((f) => f.path);
  const created = files.filter((f) => !f.existed).map((f) => f.path);
  const undo: Step[] = [];
  if (existing.length) undo.push(restoreStep(runId, existing));
  if (created.length) undo.push(removeCreatedStep(created));
  return {
    steps: existing.length ? [backupStep(runId, existing)] : [],
    undo,
    cleanup: existing.length ? [dropBackupsStep(runId, existing)] : [],
    writes: files.map((f) => f.path),
  };
}

/** Removing `files` (files, links or folders): moved into the run's backups, moved back by undo. */
export function guardRemoval(runId: string, files: readonly string[]): Guarded {
  return {
    steps: [moveAsideStep(runId, files)],
    undo: [restoreStep(runId, files)],
    cleanup: [dropBackupsStep(runId, files)],
    writes: [...files],
  };
}

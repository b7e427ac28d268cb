/**
 * The run's backups on this machine (the local connection runs as the
 * user of the tests): which paths each run keeps, read from the slots
 * under the kit's backup root.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BACKUP_ROOT, USER_BACKUP_ROOT_PREFIX } from '../../src/modules/kit/backup.js';

export function localBackupRoot(): string {
  const uid = process.getuid?.() ?? 0;
  return uid === 0 ? BACKUP_ROOT : `${USER_BACKUP_ROOT_PREFIX}${uid}`;
}

/** The live paths run `runId` keeps a backup of on this machine, sorted. */
export function backedUpPaths(runId: string): string[] {
  const dir = path.join(localBackupRoot(), runId);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((slot) => path.join(dir, slot, 'path'))
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file, 'utf8').replace(/\n$/, ''))
    .sort();
}

/** Names in `dir` (recursively) that look like a backup or a leftover temporary file beside a live one. */
export function backupsBeside(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (/\.ezplay-(bak|new|restore)|~$|\.bak$/.test(entry.name)) out.push(full);
      if (entry.isDirectory() && entry.name !== '.ezplay') walk(full);
    }
  };
  walk(dir);
  return out;
}

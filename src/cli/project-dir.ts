/**
 * Where a project keeps its run journals: `<project>/.ezplay/runs`, one place
 * per project whatever the current directory, so `ezplay rollback` and the
 * pruning of old backups see every run of the project.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The project of a playbook: its folder, or the parent of a `playbooks/` folder (the kubeasz layout). */
export function projectDirOf(playbookFile: string): string {
  const dir = path.dirname(path.resolve(playbookFile));
  return path.basename(dir) === 'playbooks' ? path.dirname(dir) : dir;
}

export function journalRootOf(projectDir: string): string {
  return path.join(projectDir, '.ezplay', 'runs');
}

/**
 * The journal a command run from `start` means: the nearest folder at or
 * above it that has run journals, else the project `start` itself is in.
 */
export function findJournalRoot(start: string): string {
  const from = path.resolve(start);
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(journalRootOf(dir))) return journalRootOf(dir);
    if (dir === path.dirname(dir)) break;
  }
  return journalRootOf(path.basename(from) === 'playbooks' ? path.dirname(from) : from);
}

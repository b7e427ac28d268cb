/** `ezplay rollback --list`: where a project's journals are, and each recorded run. */
import { listRunIds, readMeta } from '../engine/journal.js';

export function listRuns(root: string, write: (line: string) => void): void {
  write(`run journals: ${root}`);
  const ids = listRunIds(root);
  if (ids.length === 0) {
    write('no runs recorded');
    return;
  }
  for (const id of ids) {
    const meta = readMeta(root, id);
    if (!meta) {
      write(`${id}  (unreadable meta.json)`);
      continue;
    }
    const state = meta.prunedBy ? `pruned by ${meta.prunedBy}` : (meta.status ?? 'running or interrupted');
    write(`${id}  ${state.padEnd(22)} ${meta.playbook}`);
  }
}

/**
 * Which revision flags the release's restore tool has, read from its own
 * `snapshot restore --help`: `--bump-revision` and `--mark-compacted` came
 * to etcdutl during 3.5 (present in 3.5.16 and 3.5.30, checked against
 * Debian's builds), and 3.4's etcdctl has neither. Asking the binary beats
 * a version table for the 3.5 releases in between.
 */
import { defineFact } from '../types.js';
import { snapshotTool, type SnapshotStatusArgs } from './snapshot-status.js';

export interface RestoreFlags {
  bumpRevision: boolean;
  markCompacted: boolean;
  /** the tool is etcdutl (3.5+) rather than etcdctl (3.4) */
  etcdutl: boolean;
}

export function parseRestoreHelp(stdout: string, etcdutl: boolean): RestoreFlags {
  return {
    bumpRevision: /--bump-revision\b/.test(stdout),
    markCompacted: /--mark-compacted\b/.test(stdout),
    etcdutl,
  };
}

export const restoreFlagsFact = defineFact<Pick<SnapshotStatusArgs, 'etcdutl' | 'etcdctl'>, RestoreFlags>({
  name: 'etcd_restore_flags',
  command: (a) => `${snapshotTool(a)} snapshot restore --help 2>&1; true`,
  parse: (out, a) => parseRestoreHelp(out.stdout, a.etcdutl !== ''),
});

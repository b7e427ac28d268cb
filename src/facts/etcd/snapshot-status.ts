/**
 * `etcdutl snapshot status FILE -w json` (etcd 3.5+), or `etcdctl snapshot
 * status` on 3.4, which has no etcdutl: whether a file reads as an etcd
 * snapshot, and its revision, key count (of the bolt database, etcd's own
 * keys included) and hash.
 */
import { sh } from '../../shell/quote.js';
import { defineFact } from '../types.js';
import { errorTail, jsonNumber } from './json-fields.js';

export interface SnapshotStatusArgs {
  file: string;
  /** etcdutl's path, '' on 3.4 */
  etcdutl: string;
  etcdctl: string;
}

export type SnapshotStatus =
  | { ok: true; revision: number; totalKey: number; totalSize: number; hash: number }
  | { ok: false; error: string };

/** The tool line for `snapshot <words>`: etcdutl where the release has it, else etcdctl (API v3). */
export function snapshotTool(a: Pick<SnapshotStatusArgs, 'etcdutl' | 'etcdctl'>): string {
  return a.etcdutl ? sh`${a.etcdutl}` : sh`ETCDCTL_API=3 ${a.etcdctl}`;
}

export function parseSnapshotStatus(stdout: string, rc: number): SnapshotStatus {
  const line = stdout.split('\n').find((l) => l.startsWith('{"hash"') || (l.startsWith('{') && l.includes('"revision"') && !l.startsWith('{"level"')));
  const revision = line ? jsonNumber(line, 'revision') : undefined;
  const totalKey = line ? jsonNumber(line, 'totalKey') : undefined;
  if (rc !== 0 || !line || revision === undefined || totalKey === undefined) {
    return { ok: false, error: errorTail(stdout) || `exit ${rc}` };
  }
  return { ok: true, revision, totalKey, totalSize: jsonNumber(line, 'totalSize') ?? 0, hash: jsonNumber(line, 'hash') ?? 0 };
}

export const snapshotStatusFact = defineFact<SnapshotStatusArgs, SnapshotStatus>({
  name: 'etcd_snapshot_status',
  command: (a) => `${snapshotTool(a)} snapshot status ${sh`${a.file}`} -w json 2>&1`,
  parse: (out) => parseSnapshotStatus(out.stdout, out.rc),
});

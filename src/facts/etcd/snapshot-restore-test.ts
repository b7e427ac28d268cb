/**
 * The proof that a snapshot restores: on the controller, the release's own
 * tool restores it into a scratch folder, a throwaway etcd serves it on
 * 127.0.0.1 (free ports, no other member), and it is asked for its
 * revision, key count and hashkv. The scratch folder and the process go
 * whatever happens (trap). Read-only for everything but that scratch
 * folder, so it runs in check mode too. The parser returns what it saw;
 * judging it against expectations is the module's part.
 */
import { sh } from '../../shell/quote.js';
import { defineFact } from '../types.js';
import { section, sections } from './etcdctl.js';
import { errorTail, jsonNumber } from './json-fields.js';
import { parseSnapshotStatus, snapshotTool } from './snapshot-status.js';

export interface RestoreTestArgs {
  file: string;
  etcd: string;
  etcdctl: string;
  /** '' on 3.4 (etcdctl restores) */
  etcdutl: string;
  clientPort: number;
  peerPort: number;
  /** where the scratch folder is made */
  scratchParent: string;
  /** how long the throwaway etcd may take to serve, in tenths of a second */
  waitTenths: number;
}

export type RestoreTest =
  | {
      ok: true;
      /** snapshot status */
      snapshotRevision: number;
      totalKey: number;
      /** what the restored etcd served */
      revision: number;
      keys: number;
      /** hashkv at `revision`, undefined when the release has no hashkv */
      hash: number | undefined;
    }
  | { ok: false; stage: 'status' | 'restore' | 'serve' | 'scratch'; error: string };

export function restoreTestCommand(a: RestoreTestArgs): string {
  const client = `http://127.0.0.1:${a.clientPort}`;
  const peer = `http://127.0.0.1:${a.peerPort}`;
  const tool = snapshotTool(a);
  const ctl = sh`ETCDCTL_API=3 ${a.etcdctl} --endpoints=${client} --dial-timeout=1s --command-timeout=5s`;
  const cluster = ['--name', 'verify', '--initial-cluster', `verify=${peer}`, '--initial-advertise-peer-urls', peer];
  return [
    'pid=',
    sh`scratch=$(mktemp -d ${`${a.scratchParent}/ezplay-snapshot-verify.XXXXXX`}) || { echo @scratch; echo "cannot make a scratch folder"; echo "@rc 1"; exit 0; }`,
    'trap \'if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi; rm -rf "$scratch"\' EXIT',
    section('status', `${tool} snapshot status ${sh`${a.file}`} -w json`),
    section('restore', `${tool} snapshot restore ${sh`${a.file}`} ${sh`${cluster}`} --initial-cluster-token ezplay-verify --data-dir "$scratch/data"`),
    // nothing to serve when the restore failed
    '[ -d "$scratch/data/member" ] || exit 0',
    // short raft timers: a lone member elects itself at once
    sh`${a.etcd} ${cluster} --heartbeat-interval 10 --election-timeout 100 --data-dir "$scratch/data" --listen-client-urls ${client} --advertise-client-urls ${client} --listen-peer-urls ${peer} >"$scratch/etcd.log" 2>&1 &`,
    'pid=$!',
    // every key (a range's count ignores its limit; 3.4 has no --count-only)
    `i=0; while [ $i -lt ${a.waitTenths} ]; do ${ctl} get "" --prefix --keys-only --limit=1 -w json >"$scratch/count" 2>&1 && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; i=$((i + 1)); done`,
    section('count', `${ctl} get "" --prefix --keys-only --limit=1 -w json`),
    section('hashkv', `${ctl} endpoint hashkv -w json`),
    section('log', 'tail -n 5 "$scratch/etcd.log"'),
  ].join('\n');
}

export function parseRestoreTest(stdout: string): RestoreTest {
  const parts = sections(stdout);
  const scratch = parts.get('scratch');
  if (scratch) return { ok: false, stage: 'scratch', error: scratch.text.trim() };
  const statusPart = parts.get('status');
  const status = parseSnapshotStatus(statusPart?.text ?? '', statusPart?.rc ?? 1);
  if (!status.ok) return { ok: false, stage: 'status', error: `not an etcd snapshot: ${status.error}` };
  const restore = parts.get('restore');
  if (!restore || restore.rc !== 0) return { ok: false, stage: 'restore', error: `does not restore: ${errorTail(restore?.text ?? '') || 'no output'}` };
  const count = parts.get('count');
  const revision = count && count.rc === 0 ? jsonNumber(count.text, 'revision') : undefined;
  if (!count || revision === undefined) {
    const log = errorTail(parts.get('log')?.text ?? '');
    return { ok: false, stage: 'serve', error: `the restored etcd did not serve it: ${errorTail(count?.text ?? '') || 'no answer'}${log ? ` (etcd: ${log})` : ''}` };
  }
  // a count of 0 is left out of etcd's JSON
  const keys = jsonNumber(count.text, 'count') ?? 0;
  const hashkv = parts.get('hashkv');
  const hash = hashkv && hashkv.rc === 0 ? jsonNumber(hashkv.text, 'hash') : undefined;
  return { ok: true, snapshotRevision: status.revision, totalKey: status.totalKey, revision, keys, hash };
}

export const restoreTestFact = defineFact<RestoreTestArgs, RestoreTest>({
  name: 'etcd_snapshot_restore_test',
  command: restoreTestCommand,
  parse: (out) => parseRestoreTest(out.stdout),
});

/**
 * etcd_backup: one checked snapshot of the member the task runs on, by
 * roles/etcd/files/etcd-backup.sh, the script etcd-backup.service runs on a
 * schedule, so a playbook backup and a scheduled one are made the same way:
 * saved beside the final name, checked with `snapshot status`, hashed, and
 * renamed to `<name>-<UTC time>-rev<revision>.db` (+ .db.sha256). The name
 * holds the revision, known only once the snapshot exists, so the result
 * (remote_snapshot, revision, sha256, keys, hashkv) comes from the script's
 * output; etcd_backup_fetch takes it from there.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ModuleError } from '../../errors.js';
import { sh } from '../../shell/quote.js';
import { defineModule, type HostContext, type Plan } from '../types.js';
import { CLUSTER_NAME, snapshotFileName } from './backup-names.js';
import { DEFAULT_ENDPOINT, errorLines, etcdctlCommand, jsonLine, parseEtcdJson, type EtcdctlArgs } from '../../facts/etcd/etcdctl.js';
import { etcdctlSchema, etcdctlTarget } from './etcdctl-args.js';

export interface EtcdBackupArgs extends Omit<EtcdctlArgs, 'endpoints'> {
  endpoint: string;
  etcdutl: string;
  dir: string;
  name: string;
  keep: number;
  owner?: string;
  leader_only: boolean;
  script: string;
}

const { endpoints: _endpoints, ...sharedArgs } = etcdctlSchema;

export const etcdBackup = defineModule<EtcdBackupArgs>({
  name: 'etcd_backup',
  summary: 'Take a checked etcd snapshot on the member, named with its UTC time and revision',
  description:
    'Runs the etcd role\'s etcd-backup.sh on the host: `etcdctl snapshot save` into `dir`, `snapshot status` ' +
    '(etcdutl on 3.5+, etcdctl on 3.4), a sha256sum file, and an atomic rename to ' +
    '`<name>-<UTC time>-rev<revision>.db`; the newest `keep` are kept (0 keeps all). Check mode says what it ' +
    'would take. Result: remote_snapshot, revision, sha256, size, keys and hashkv (what the cluster served at that ' +
    'revision), removed.',
  args: {
    ...sharedArgs,
    endpoint: { type: 'str', default: DEFAULT_ENDPOINT, description: 'Client URL of the member to snapshot (the local one).' },
    etcdutl: { type: 'str', default: '', description: "etcdutl's path on the host; '' on etcd 3.4, which checks with etcdctl." },
    dir: { type: 'path', default: '/var/lib/etcd-backup', description: 'Folder on the host for the snapshot; made with mode 0700 if missing.' },
    name: { type: 'str', required: true, description: 'File name prefix: the cluster name.' },
    keep: { type: 'int', default: 0, description: 'Snapshots of this name kept in `dir`, the newest; 0 keeps all.' },
    owner: { type: 'str', description: 'Owner of `dir` when it has to be made (the etcd user).' },
    leader_only: { type: 'bool', default: false, description: 'Take the snapshot only if this member is the leader.' },
    script: { type: 'path', default: 'etcd-backup.sh', description: "The backup script: a name in the role's files/ folder or a controller path." },
  },
  plan: planEtcdBackup,
});

export interface BackupOutput {
  remote_snapshot?: string;
  revision?: number;
  sha256?: string;
  size?: number;
  keys?: number;
  hashkv?: number;
  skipped?: string;
  removed: string[];
}

/** The script's key=value lines. */
export function parseBackupOutput(stdout: string): BackupOutput {
  const out: BackupOutput = { removed: [] };
  for (const line of stdout.split('\n')) {
    const m = /^([a-z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, key, value] = m as unknown as [string, string, string];
    const n = value === '' ? undefined : Number(value);
    if (key === 'snapshot') out.remote_snapshot = value;
    else if (key === 'sha256') out.sha256 = value;
    else if (key === 'skipped') out.skipped = value;
    else if (key === 'removed') out.removed.push(value);
    else if ((key === 'revision' || key === 'size' || key === 'keys' || key === 'hashkv') && n !== undefined && Number.isFinite(n)) out[key] = n;
  }
  return out;
}

/** `VAR=value ... sh -s`: the script's settings, every value quoted. */
export function backupScriptCommand(ctx: HostContext, a: EtcdBackupArgs): string {
  const env: Record<string, string> = {
    ETCDCTL: resolveEtcdctl(ctx, a.etcdctl),
    ETCDUTL: a.etcdutl,
    ETCD_BACKUP_ENDPOINT: a.endpoint,
    ETCD_BACKUP_DIR: a.dir,
    ETCD_BACKUP_NAME: a.name,
    ETCD_BACKUP_KEEP: String(a.keep),
    ETCD_BACKUP_LEADER_ONLY: a.leader_only ? '1' : '0',
    ETCD_BACKUP_TIMEOUT: String(Math.max(a.timeout, 300)),
    ...(a.owner ? { ETCD_BACKUP_OWNER: a.owner } : {}),
    ...(a.cacert ? { ETCD_BACKUP_CACERT: a.cacert, ETCD_BACKUP_CERT: a.cert ?? '', ETCD_BACKUP_KEY: a.key ?? '' } : {}),
  };
  return `${Object.entries(env).map(([k, v]) => `${k}=${sh`${v}`}`).join(' ')} sh -s`;
}

/** A bare etcdctl name is looked for in bin_dir as etcdctlCommand does. */
function resolveEtcdctl(ctx: HostContext, etcdctl: string): string {
  if (etcdctl.includes('/')) return etcdctl;
  const dir = typeof ctx.vars.bin_dir === 'string' ? ctx.vars.bin_dir : '/opt/kube/bin';
  return path.posix.join(dir, etcdctl);
}

export async function planEtcdBackup(ctx: HostContext, args: EtcdBackupArgs, now: Date = new Date()): Promise<Plan> {
  if (!CLUSTER_NAME.test(args.name)) {
    throw new ModuleError(`name ${JSON.stringify(args.name)} cannot start a file name: use letters, digits, '.', '_' and '-'`, {}, ctx.pos);
  }
  const ctlArgs: EtcdctlArgs = { ...args, endpoints: [args.endpoint] };
  const res = await ctx.probe(`${etcdctlCommand(etcdctlTarget(ctx, ctlArgs), ['endpoint', 'status', '-w', 'json'])} 2>&1`);
  const json = jsonLine(res.stdout, '[');
  if (res.rc !== 0 || !json) {
    throw new ModuleError(`cannot reach ${args.endpoint}: ${errorLines(res.stdout).join('; ') || `rc ${res.rc}`}`, {}, ctx.pos);
  }
  const [status] = parseEtcdJson(json) as Array<{ Status?: { header?: { revision?: number } } }>;
  const revision = status?.Status?.header?.revision ?? 0;
  const script = args.script.startsWith('/') ? args.script : ctx.findFile('files', args.script);
  const expected = path.posix.join(args.dir, snapshotFileName(args.name, now, revision));
  return {
    changed: true,
    diff: [{ subject: `${ctx.host}:${args.dir}`, kind: 'summary', before: 'no new snapshot', after: `snapshot of ${args.endpoint} at revision ${revision} or later, like ${expected}` }],
    steps: [{ kind: 'exec', command: backupScriptCommand(ctx, args), stdin: readFileSync(script, 'utf8'), description: `snapshot ${args.endpoint} into ${args.dir}` }],
    // a snapshot left on a member is a second copy, not damage: nothing to take back
    undo: [],
    result: { revision },
    afterApply: (outputs) => {
      const out = parseBackupOutput(outputs[0]?.stdout ?? '');
      if (!out.remote_snapshot && !out.skipped) throw new ModuleError(`the backup script printed no snapshot: ${(outputs[0]?.stderr ?? '').trim()}`, {}, ctx.pos);
      return { ...out };
    },
  };
}

/**
 * etcd_backup_fetch: a member's snapshot to the controller, proven equal:
 * fetched beside its final name, checked against the sha256 the member
 * computed, renamed into place with its .sha256 file, and only then are the
 * oldest snapshots past `keep` removed and (with remove_remote) the
 * member's copy. A snapshot already on the controller with that hash is
 * not fetched again (collecting scheduled snapshots twice changes nothing).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ModuleError } from '../../errors.js';
import { sh } from '../../shell/quote.js';
import { defineModule, type HostContext, type Plan, type Step } from '../types.js';
import { parseSnapshotName, retentionRemovals, sha256Line } from './backup-names.js';

export interface EtcdBackupFetchArgs {
  src: string;
  sha256: string;
  dest: string;
  keep: number;
  remove_remote: boolean;
}

export const etcdBackupFetch = defineModule<EtcdBackupFetchArgs>({
  name: 'etcd_backup_fetch',
  summary: 'Fetch an etcd snapshot to the controller, check its sha256, apply retention',
  description:
    'Copies `src` (named `<cluster>-<UTC time>-rev<revision>.db`) from the host into `dest` on the controller, ' +
    'checks it against `sha256`, writes `<file>.sha256` beside it (sha256sum format), removes the oldest snapshots ' +
    'of that cluster past `keep` (0 keeps all), and with `remove_remote` deletes the host\'s copy, only after the ' +
    'check passed. Undo removes the fetched files.',
  args: {
    src: { type: 'path', required: true, description: 'The snapshot on the host.' },
    sha256: { type: 'str', required: true, description: 'Its sha256 as the host computed it.' },
    dest: { type: 'path', required: true, description: 'Folder on the controller (clusters/<cluster_name>/backup); made if missing.' },
    keep: { type: 'int', default: 10, description: "How many of the cluster's snapshots to keep in dest, the newest; 0 keeps all." },
    remove_remote: { type: 'bool', default: true, description: "Delete the host's copy (and its .sha256) once the fetched copy is checked." },
  },
  plan: planEtcdBackupFetch,
});

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function fileSha256(file: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

export async function planEtcdBackupFetch(ctx: HostContext, args: EtcdBackupFetchArgs): Promise<Plan> {
  const file = path.posix.basename(args.src);
  const parsed = parseSnapshotName(file);
  if (!parsed) throw new ModuleError(`${args.src} is not named <cluster>-<UTC time>-rev<revision>.db`, {}, ctx.pos);
  if (!/^[0-9a-f]{64}$/.test(args.sha256)) throw new ModuleError(`sha256 ${JSON.stringify(args.sha256)} is not a sha256 in hex`, {}, ctx.pos);
  const dest = path.resolve(ctx.playbookDir, args.dest);
  const local = path.join(dest, file);
  const result = { snapshot: local, sha256: args.sha256, revision: parsed.revision };
  const removeRemote: Step[] = args.remove_remote
    ? [{ kind: 'exec', command: sh`rm -f ${args.src} ${`${args.src}.sha256`}`, description: `remove ${args.src} from ${ctx.host}` }]
    : [];
  if (fileSha256(local) === args.sha256) {
    if (!removeRemote.length || !(await ctx.stat(args.src))) return { changed: false, result };
    return { changed: true, diff: [{ subject: `${ctx.host}:${args.src}`, kind: 'summary', before: 'present', after: 'absent (already on the controller)' }], steps: removeRemote, undo: [], result };
  }
  if (!(await ctx.stat(args.src))) throw new ModuleError(`${args.src} does not exist on ${ctx.host}`, {}, ctx.pos);

  const present = listDir(dest).filter((f) => f !== file && f !== `${file}.sha256`);
  const removals = retentionRemovals([...present, file], parsed.cluster, args.keep);
  if (removals.includes(file)) {
    // collecting a member's older scheduled snapshots: retention would drop it at once
    return { changed: false, msg: `${file} is older than the newest ${args.keep} snapshots in ${dest}; not fetched`, result: { ...result, fetched: false } };
  }
  const part = path.join(dest, `.${file}.part`);
  const steps: Step[] = [
    // snapshots hold every key, secrets included: a folder of the controller's owner alone
    ...(existsSync(dest) ? [] : [{ kind: 'exec' as const, on: 'controller' as const, command: sh`mkdir -p -m 0700 ${dest}`, description: `create ${dest}` }]),
    { kind: 'fetch', src: args.src, dest: part, mode: 0o600, secret: true, description: `fetch ${args.src} to ${part}` },
    {
      kind: 'exec',
      on: 'controller',
      command: [
        sh`cd ${dest}`,
        sh`if ! printf '%s  %s\n' ${args.sha256} ${`.${file}.part`} | sha256sum -c --status; then rm -f ${`.${file}.part`}; echo ${`${file}: the fetched copy does not match the sha256 ${ctx.host} computed`} >&2; exit 1; fi`,
        sh`mv ${`.${file}.part`} ${file}`,
      ].join(' && '),
      description: `check ${file} against its sha256 and move it into place`,
    },
    { kind: 'put', on: 'controller', dest: `${local}.sha256`, content: { text: sha256Line(args.sha256, file) }, mode: 0o600, description: `write ${local}.sha256` },
    ...(removals.length ? [{ kind: 'exec' as const, on: 'controller' as const, command: sh`cd ${dest} && rm -f ${removals}`, description: `remove the oldest snapshots past ${args.keep}: ${removals.join(', ')}` }] : []),
    ...removeRemote,
  ];
  return {
    changed: true,
    diff: [
      { subject: local, kind: 'summary', before: 'absent', after: `fetched from ${ctx.host}:${args.src}, sha256 ${args.sha256}` },
      ...removals.map((f) => ({ subject: path.join(dest, f), kind: 'summary' as const, before: 'present', after: `removed (keeping the newest ${args.keep})` })),
    ],
    steps,
    undo: [{ kind: 'exec', on: 'controller', command: sh`rm -f ${local} ${`${local}.sha256`} ${part}`, description: `remove ${local}` }],
    result: { ...result, removed: removals.filter((f) => f.endsWith('.db')) },
  };
}

/**
 * etcd_snapshot: `etcdctl snapshot save` on a member, then the file is
 * fetched to the controller. The snapshot's bytes exist only after the
 * save, so the copy is a `fetch` step (host -> controller) rather than a
 * `put` prepared while planning. Always a change; in check mode it says
 * what it would save. Undo removes the snapshot files it made.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ModuleError } from '../../errors.js';
import { sh } from '../../shell/quote.js';
import { humanSize } from '../get-url-checksum.js';
import { defineModule, type HostContext, type Plan, type Step } from '../types.js';
import { DEFAULT_ENDPOINT, etcdctlCommand, etcdctlSchema, errorLines, jsonLine, parseEtcdJson, type EtcdctlArgs } from '../../facts/etcd/etcdctl.js';

export interface EtcdSnapshotArgs extends Omit<EtcdctlArgs, 'endpoints'> {
  dest: string;
  endpoint: string;
  name: string;
  remote_dir: string;
  keep_remote: boolean;
}

const { endpoints: _endpoints, ...sharedArgs } = etcdctlSchema;

export const etcdSnapshot = defineModule<EtcdSnapshotArgs>({
  name: 'etcd_snapshot',
  summary: 'Save an etcd snapshot on a member and fetch it to the controller',
  description:
    'Runs `etcdctl snapshot save <remote_dir>/<name>-<UTC time>-<host>.db` on the host against one `endpoint`, ' +
    'then copies the file to `dest` on the controller (mode 0600: a snapshot holds every key, secrets included). ' +
    'Always reports a change; in check mode it reports the size and revision it would save. Undo deletes the ' +
    'snapshot files it made. Result: snapshot (controller path), remote_snapshot, size, revision.',
  args: {
    ...sharedArgs,
    dest: { type: 'path', required: true, description: 'Folder on the controller to store the snapshot in; created if missing.' },
    endpoint: {
      type: 'str',
      default: DEFAULT_ENDPOINT,
      description: 'Client URL of the one member to take the snapshot from (etcdctl snapshot save takes exactly one).',
    },
    name: { type: 'str', default: 'etcd', description: 'File name prefix, e.g. the cluster name.' },
    remote_dir: {
      type: 'path',
      default: '/var/lib/etcd-snapshots',
      description: 'Folder on the host where the snapshot is saved first; created with mode 0700 if missing.',
    },
    keep_remote: {
      type: 'bool',
      default: true,
      description: 'Keep the snapshot on the host after fetching it, as a second copy.',
    },
  },
  plan: planEtcdSnapshot,
});

/** 20260118T093000Z: sortable, no colons, UTC so members in different zones agree. */
export function snapshotStamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export async function planEtcdSnapshot(ctx: HostContext, args: EtcdSnapshotArgs, now: Date = new Date()): Promise<Plan> {
  const ctlArgs: EtcdctlArgs = { ...args, endpoints: [args.endpoint] };
  const res = await ctx.probe(`${etcdctlCommand(ctx, ctlArgs, ['endpoint', 'status', '-w', 'json'])} 2>&1`);
  const json = jsonLine(res.stdout, '[');
  if (res.rc !== 0 || !json) {
    throw new ModuleError(`cannot reach ${args.endpoint}: ${errorLines(res.stdout).join('; ') || `rc ${res.rc}`}`, {}, ctx.pos);
  }
  const [status] = parseEtcdJson(json) as Array<{ Status?: { dbSize?: number; header?: { revision?: number } } }>;
  const dbSize = status?.Status?.dbSize;
  const revision = status?.Status?.header?.revision;

  const file = `${args.name}-${snapshotStamp(now)}-${ctx.host}.db`;
  const remote = path.posix.join(args.remote_dir, file);
  const local = path.resolve(args.dest, file);
  const save = [
    'set -e',
    'umask 077',
    sh`mkdir -p -m 0700 ${args.remote_dir}`,
    etcdctlCommand(ctx, ctlArgs, ['snapshot', 'save', remote]),
    sh`chmod 0600 ${remote}`,
  ].join('\n');
  const steps: Step[] = [
    { kind: 'exec', command: sh`mkdir -p ${path.resolve(args.dest)}`, description: `create ${args.dest} on the controller`, on: 'controller' },
    { kind: 'exec', command: save, description: `save a snapshot of ${args.endpoint} to ${remote}` },
    { kind: 'fetch', src: remote, dest: local, mode: 0o600, secret: true, description: `fetch ${remote} to ${local}` },
  ];
  if (!args.keep_remote) steps.push({ kind: 'exec', command: sh`rm -f ${remote}`, description: `remove ${remote} from the host` });
  const undo: Step[] = [
    { kind: 'exec', command: sh`rm -f ${local}`, description: `remove ${local}`, on: 'controller' },
    { kind: 'exec', command: sh`rm -f ${remote} ${`${remote}.part`}`, description: `remove ${remote}` },
  ];
  const size = dbSize !== undefined ? `db ${humanSize(dbSize)}` : 'db size unknown';
  return {
    changed: true,
    diff: [
      {
        subject: local,
        kind: 'summary',
        before: 'absent',
        after: `snapshot of ${args.endpoint} (${size}${revision !== undefined ? `, revision ${revision}` : ''}) saved on ${ctx.host} at ${remote}`,
      },
    ],
    steps,
    undo,
    result: { snapshot: local, remote_snapshot: remote, ...(revision !== undefined ? { revision } : {}) },
    // The fetch must really have happened: a missing file is a failed backup, not a success.
    afterApply: async () => {
      const st = await fs.stat(local).catch(() => undefined);
      if (!st) throw new ModuleError(`the snapshot was saved on ${ctx.host} at ${remote} but not copied to ${local}`, {}, ctx.pos);
      return { snapshot: local, remote_snapshot: remote, size: st.size, ...(revision !== undefined ? { revision } : {}) };
    },
  };
}

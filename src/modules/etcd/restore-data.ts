/**
 * etcd_restore_data: a member's data directory made anew from a snapshot.
 * The release's own tool restores it on the controller (the members need
 * nothing installed for this), with this member's name and peer URL, the
 * whole cluster's --initial-cluster, and the plan's flags; the result is
 * streamed into place on the member. The old data directory (and WAL
 * directory) is moved aside as `<dir>.restore-<stamp>`, never deleted;
 * undo moves it back. etcd must be stopped first (the playbook does).
 */
import os from 'node:os';
import path from 'node:path';
import { ModuleError } from '../../errors.js';
import { sh } from '../../shell/quote.js';
import { snapshotTool } from '../../facts/etcd/snapshot-status.js';
import { defineModule, type HostContext, type Plan, type Step } from '../types.js';

export interface EtcdRestoreDataArgs {
  snapshot: string;
  etcdctl: string;
  etcdutl: string;
  name: string;
  peer_url: string;
  initial_cluster: string;
  flags: string[];
  data_dir: string;
  wal_dir: string;
  owner: string;
  stamp: string;
  scratch_dir?: string;
}

export const etcdRestoreData = defineModule<EtcdRestoreDataArgs>({
  name: 'etcd_restore_data',
  summary: "Replace a stopped member's data directory with one restored from a snapshot (the old one moved aside)",
  description:
    "Restores `snapshot` on the controller with the release's etcdutl (etcdctl on 3.4) for this member " +
    '(`name`, `peer_url`, `initial_cluster`, plus `flags`: the new cluster token, --bump-revision, --mark-compacted), ' +
    'moves the member\'s `data_dir` (and `wal_dir`) aside as `<dir>.restore-<stamp>`, and unpacks the restored ' +
    'directory in its place, owned by `owner`, mode 0700. Refuses while etcd runs on the member. Undo moves the old ' +
    'directories back (the restored ones aside).',
  args: {
    snapshot: { type: 'path', required: true, description: 'The snapshot on the controller.' },
    etcdctl: { type: 'path', required: true, description: "The release's etcdctl on the controller." },
    etcdutl: { type: 'str', default: '', description: "The release's etcdutl on the controller; '' on 3.4." },
    name: { type: 'str', required: true, description: "The member's --name." },
    peer_url: { type: 'str', required: true, description: "The member's peer URL." },
    initial_cluster: { type: 'str', required: true, description: 'name=peer URL of every member, comma separated.' },
    flags: { type: 'list', elements: 'str', default: [], description: 'More restore flags (from etcd_restore_plan).' },
    data_dir: { type: 'path', required: true, description: "The member's data directory." },
    wal_dir: { type: 'str', default: '', description: "The member's WAL directory, '' when inside the data directory." },
    owner: { type: 'str', required: true, description: 'The etcd user.' },
    stamp: { type: 'str', required: true, description: 'UTC time of the restore, for the names of the directories moved aside.' },
    scratch_dir: { type: 'path', description: 'Where the controller restores (default: the system temporary folder).' },
  },
  plan: planEtcdRestoreData,
});

/** The member's state: which directories exist, and whether etcd runs. */
function probeCommand(a: EtcdRestoreDataArgs): string {
  return [
    sh`[ -e ${a.data_dir} ] && echo data=yes`,
    ...(a.wal_dir ? [sh`[ -e ${a.wal_dir} ] && echo wal=yes`] : []),
    'systemctl is-active --quiet etcd.service 2>/dev/null && echo active=yes',
    'true',
  ].join('; ');
}

/** mkdir a fresh `<dir>.incoming`, unpack stdin into it, hand it to etcd, move it into place. */
function unpackCommand(dir: string, owner: string): string {
  const incoming = `${dir}.incoming`;
  return [
    'set -e',
    'systemctl is-active --quiet etcd.service 2>/dev/null && { echo "etcd still runs: stop it first" >&2; exit 1; }',
    sh`rm -rf ${incoming}`,
    sh`mkdir -p ${path.posix.dirname(dir)}`,
    sh`mkdir -m 0700 ${incoming}`,
    sh`tar -xzf - -C ${incoming} --no-same-owner`,
    sh`chown -R ${`${owner}:${owner}`} ${incoming}`,
    sh`mv ${incoming} ${dir}`,
  ].join('\n');
}

export async function planEtcdRestoreData(ctx: HostContext, args: EtcdRestoreDataArgs): Promise<Plan> {
  if (!/^\d{8}T\d{6}Z$/.test(args.stamp)) throw new ModuleError(`stamp ${JSON.stringify(args.stamp)} is not a UTC time like 20260118T093000Z`, {}, ctx.pos);
  const state = await ctx.probe(probeCommand(args));
  const lines = state.stdout.split('\n');
  const hasData = lines.includes('data=yes');
  const hasWal = lines.includes('wal=yes');

  const aside = (dir: string) => `${dir}.restore-${args.stamp}`;
  const scratch = path.join(args.scratch_dir ?? os.tmpdir(), `ezplay-restore-${args.stamp}-${ctx.host.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
  const tool = snapshotTool(args);
  const restore = [
    sh`rm -rf ${scratch}`,
    sh`mkdir -m 0700 -p ${scratch}`,
    `${tool} snapshot restore ${sh`${args.snapshot}`} ${sh`${['--name', args.name, '--initial-cluster', args.initial_cluster, '--initial-advertise-peer-urls', args.peer_url, ...args.flags]}`} ` +
      sh`--data-dir ${path.join(scratch, 'data')}` +
      (args.wal_dir ? sh` --wal-dir ${path.join(scratch, 'wal')}` : '') +
      ' >' + sh`${path.join(scratch, 'restore.log')}` + ' 2>&1 || { tail -n 3 ' + sh`${path.join(scratch, 'restore.log')}` + ' >&2; exit 1; }',
    // the WAL's preallocated segment is mostly zeros: gzip makes it small on the wire
    sh`tar -C ${path.join(scratch, 'data')} -czf ${path.join(scratch, 'data.tgz')} .`,
    ...(args.wal_dir ? [sh`tar -C ${path.join(scratch, 'wal')} -czf ${path.join(scratch, 'wal.tgz')} .`] : []),
  ].join(' && ');

  // checked when it runs, not at plan time: in check mode an earlier task only plans to stop etcd
  const moveAside = [
    'if systemctl is-active --quiet etcd.service 2>/dev/null; then echo "etcd still runs: stop it before its data is replaced" >&2; exit 1; fi',
    ...(hasData ? [sh`mv ${args.data_dir} ${aside(args.data_dir)}`] : []),
    ...(hasWal ? [sh`mv ${args.wal_dir} ${aside(args.wal_dir)}`] : []),
  ];
  const steps: Step[] = [
    { kind: 'exec', on: 'controller', command: restore, description: `restore ${path.basename(args.snapshot)} for ${args.name} on the controller` },
    ...(moveAside.length > 1 ? [{ kind: 'exec' as const, command: moveAside.join(' && '), description: `move ${[hasData ? args.data_dir : '', hasWal ? args.wal_dir : ''].filter(Boolean).join(' and ')} aside (.restore-${args.stamp})` }] : []),
    { kind: 'exec', command: unpackCommand(args.data_dir, args.owner), stdinFile: path.join(scratch, 'data.tgz'), description: `unpack the restored data into ${args.data_dir}` },
    ...(args.wal_dir ? [{ kind: 'exec' as const, command: unpackCommand(args.wal_dir, args.owner), stdinFile: path.join(scratch, 'wal.tgz'), description: `unpack the restored WAL into ${args.wal_dir}` }] : []),
    { kind: 'exec', on: 'controller', command: sh`rm -rf ${scratch}`, description: `remove ${scratch}` },
  ];
  // back as it was: the restored directories aside, the old ones in place
  const putBack = (dir: string, had: boolean) =>
    sh`if [ -e ${dir} ]; then mv ${dir} ${`${dir}.failed-restore-${args.stamp}`}; fi` + (had ? sh`; if [ -e ${aside(dir)} ]; then mv ${aside(dir)} ${dir}; fi` : '');
  const undo: Step[] = [
    { kind: 'exec', command: [putBack(args.data_dir, hasData), ...(args.wal_dir ? [putBack(args.wal_dir, hasWal)] : [])].join('; '), description: `put ${args.data_dir} back as it was` },
    { kind: 'exec', on: 'controller', command: sh`rm -rf ${scratch}`, description: `remove ${scratch}` },
  ];
  return {
    changed: true,
    diff: [
      {
        subject: `${ctx.host}:${args.data_dir}`,
        kind: 'summary',
        before: hasData ? 'data of the old cluster' : 'absent',
        after: `restored from ${path.basename(args.snapshot)} as ${args.name}${hasData ? ` (old data kept as ${aside(args.data_dir)})` : ''}`,
      },
    ],
    steps,
    undo,
    result: { data_dir: args.data_dir, ...(hasData ? { moved_aside: aside(args.data_dir) } : {}), ...(hasWal ? { wal_moved_aside: aside(args.wal_dir) } : {}) },
  };
}

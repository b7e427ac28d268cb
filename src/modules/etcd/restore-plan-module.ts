/**
 * etcd_restore_plan: reads what a restore decides on (the backup folder,
 * the snapshots' checksums, the release's restore flags) and returns the
 * plan of restore-plan.ts, or fails with its refusal. Read-only.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ModuleError } from '../../errors.js';
import { restoreFlagsFact } from '../../facts/etcd/restore-flags.js';
import { defineModule, type HostContext, type Plan } from '../types.js';
import { utcStamp } from './backup-names.js';
import { decideRestore, snapshotCandidates, type MemberState } from './restore-plan.js';
import { checksumProblem } from './snapshot-verify.js';

export interface EtcdRestorePlanArgs {
  backup_dir: string;
  cluster_name: string;
  snapshot: string;
  health: Record<string, unknown>;
  force: boolean;
  members: string[];
  reachable: string[];
  etcdctl: string;
  etcdutl: string;
  bump_revision: number;
  cluster_token: string;
}

export const etcdRestorePlan = defineModule<EtcdRestorePlanArgs>({
  name: 'etcd_restore_plan',
  summary: 'Decide an etcd restore: which snapshot, which flags, or why not (read-only)',
  description:
    'Picks `snapshot` (a path, or a file name in `backup_dir`) or else the newest snapshot of `cluster_name` in ' +
    '`backup_dir` whose sha256 file still matches, and fails, naming the reason, when a restore must not run: ' +
    'members missing from the run, no intact snapshot, or a cluster that is healthy or still has quorum ' +
    '(`health`: an etcd_health result) unless `force`. Reads the release\'s `snapshot restore --help` for ' +
    '--bump-revision/--mark-compacted. Result: snapshot, revision, token, stamp, flags, bump_revision, ' +
    'mark_compacted, tool, warnings.',
  controllerOnly: true,
  args: {
    backup_dir: { type: 'path', required: true, description: 'clusters/<cluster_name>/backup on the controller.' },
    cluster_name: { type: 'str', required: true, description: 'The cluster whose snapshots to consider.' },
    snapshot: { type: 'str', default: '', description: "The snapshot to restore; '' picks the newest intact one." },
    health: { type: 'dict', default: {}, description: 'The registered result of an etcd_health task run with ignore_errors: true.' },
    force: { type: 'bool', default: false, description: 'Restore even over a cluster that is healthy or has quorum.' },
    members: { type: 'list', elements: 'str', required: true, description: "The inventory's members (groups['etcd'])." },
    reachable: { type: 'list', elements: 'str', required: true, description: 'The members in this run that answered (ansible_play_hosts).' },
    etcdctl: { type: 'path', required: true, description: "The release's etcdctl on the controller." },
    etcdutl: { type: 'str', default: '', description: "The release's etcdutl on the controller; '' for 3.4." },
    bump_revision: { type: 'int', default: 1000000000, description: 'How far to raise revisions where the tool can; 0 never.' },
    cluster_token: { type: 'str', required: true, description: 'The base of the new --initial-cluster-token.' },
  },
  plan: planEtcdRestorePlan,
});

/** The health result's members as the decision needs them, or why there are none. */
export function memberStates(health: Record<string, unknown>): { states: MemberState[]; error?: string } {
  const members = health.members;
  const problems = Array.isArray(health.problems) ? (health.problems as unknown[]).map(String) : [];
  const broken = problems.find((p) => p.startsWith('etcdctl failed'));
  if (broken) return { states: [], error: broken };
  if (!Array.isArray(members) || members.length === 0) {
    return { states: [], error: typeof health.msg === 'string' ? health.msg : 'no result' };
  }
  return {
    states: members.map((m: Record<string, unknown>) => ({ endpoint: String(m.endpoint), healthy: m.healthy === true, leader: m.leader === true })),
  };
}

export async function planEtcdRestorePlan(ctx: HostContext, args: EtcdRestorePlanArgs, now: Date = new Date()): Promise<Plan> {
  const dir = path.resolve(ctx.playbookDir, args.backup_dir);
  let files: string[] = [];
  try {
    files = readdirSync(dir);
  } catch {
    files = [];
  }
  const requested = args.snapshot ? path.resolve(dir, args.snapshot) : '';
  const problems = new Map<string, string | undefined>();
  for (const name of snapshotCandidates(files, args.cluster_name, requested)) {
    const problem = await checksumProblem(path.resolve(dir, name)).catch((e: Error) => `cannot be read: ${e.message}`);
    problems.set(name, problem);
    if (problem === undefined) break;
  }
  const tools = { etcdctl: args.etcdctl, etcdutl: args.etcdutl };
  const help = await ctx.probe(restoreFlagsFact.command(tools));
  const flags = restoreFlagsFact.parse({ stdout: help.stdout, stderr: help.stderr, rc: help.rc }, tools);
  const { states, error } = memberStates(args.health);
  const decision = decideRestore({
    cluster: args.cluster_name,
    files,
    requested,
    problems,
    health: states,
    healthError: error,
    force: args.force,
    members: args.members,
    reachable: args.reachable,
    flags,
    bumpRevision: args.bump_revision,
    clusterToken: args.cluster_token,
    stamp: utcStamp(now),
  });
  if (!decision.ok) throw new ModuleError(`refusing to restore: ${decision.refusal}`, { refused: true }, ctx.pos);
  const plan = { ...decision.plan, snapshot: path.resolve(dir, decision.plan.snapshot) };
  return { changed: false, result: { ...plan }, warnings: plan.warnings, msg: `restore ${plan.snapshot} with ${plan.tool} ${plan.flags.join(' ')}` };
}

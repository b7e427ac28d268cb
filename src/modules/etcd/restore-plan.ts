/**
 * How a restore decides, as pure functions: which snapshot (the one asked
 * for, else the newest whose sha256 still matches), whether to go ahead at
 * all (every member in the run; never over a cluster that is healthy or
 * still has quorum unless forced), and which flags the release's restore
 * tool gets (a new cluster token always; --bump-revision and
 * --mark-compacted where the tool has them). Every refusal says why and
 * that nothing was changed.
 */
import type { RestoreFlags } from '../../facts/etcd/restore-flags.js';
import { CLUSTER_NAME, snapshotsOf, type SnapshotName } from './backup-names.js';

export interface MemberState {
  endpoint: string;
  healthy: boolean;
  leader: boolean;
}

export interface RestoreInput {
  cluster: string;
  /** file names in the backup folder */
  files: string[];
  /** etcd_restore_snapshot as given ('' = the newest intact one) */
  requested: string;
  /** checksum problems of the files checked so far (undefined = intact) */
  problems: ReadonlyMap<string, string | undefined>;
  /** the cluster as the health check saw it */
  health: MemberState[];
  /** the health check could not run at all (no client certificate, no etcdctl) */
  healthError?: string | undefined;
  force: boolean;
  /** the inventory's members, and those in this run that answered */
  members: string[];
  reachable: string[];
  flags: RestoreFlags;
  bumpRevision: number;
  clusterToken: string;
  stamp: string;
}

export interface RestorePlan {
  snapshot: string;
  /** the revision in the name, when it follows the naming */
  revision: number | undefined;
  token: string;
  stamp: string;
  /** flags for every member's `snapshot restore` */
  flags: string[];
  bump_revision: number;
  mark_compacted: boolean;
  tool: 'etcdutl' | 'etcdctl';
  warnings: string[];
}

export type RestoreDecision = { ok: true; plan: RestorePlan } | { ok: false; refusal: string };

const NOTHING = 'nothing was changed';

/** The candidates in the order they are tried: the one asked for, else newest first. */
export function snapshotCandidates(files: readonly string[], cluster: string, requested: string): string[] {
  if (requested) return [requested];
  return snapshotsOf(files, cluster).reverse().map((s: SnapshotName) => s.file);
}

/** Healthy, or at least a quorum with a leader: a cluster a restore would roll back, not bring back. */
export function clusterStanding(health: readonly MemberState[], members: number): 'healthy' | 'quorum' | 'lost' {
  const healthy = health.filter((m) => m.healthy);
  const leader = healthy.some((m) => m.leader);
  if (leader && healthy.length === members && members > 0) return 'healthy';
  if (leader && healthy.length > members / 2) return 'quorum';
  return 'lost';
}

export function restoreFlags(flags: RestoreFlags, bump: number, token: string): { flags: string[]; bump: number; mark: boolean; warning?: string } {
  const out = ['--initial-cluster-token', token];
  if (bump <= 0) return { flags: out, bump: 0, mark: false };
  if (!flags.bumpRevision || !flags.markCompacted) {
    return {
      flags: out,
      bump: 0,
      mark: false,
      warning: `the release's ${flags.etcdutl ? 'etcdutl' : 'etcdctl'} has no --bump-revision/--mark-compacted: revisions start again at the snapshot's, so watching clients (kube-apiserver) must be restarted`,
    };
  }
  return { flags: [...out, '--bump-revision', String(bump), '--mark-compacted'], bump, mark: true };
}

export function decideRestore(input: RestoreInput): RestoreDecision {
  const refuse = (why: string): RestoreDecision => ({ ok: false, refusal: `${why}; ${NOTHING}` });
  if (!CLUSTER_NAME.test(input.cluster)) return refuse(`cluster_name ${JSON.stringify(input.cluster)} cannot name snapshot files`);

  const missing = input.members.filter((m) => !input.reachable.includes(m));
  if (missing.length) {
    return refuse(
      `a restore rewrites every member, and ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in this run ` +
        '(unreachable, or left out by --limit): bring them back (a wiped machine only needs sshd) and run it again',
    );
  }

  const candidates = snapshotCandidates(input.files, input.cluster, input.requested);
  if (!candidates.length) return refuse(`there is no snapshot of cluster ${input.cluster} to restore: take one first (ezplay etcd backup)`);
  const warnings: string[] = [];
  let chosen: string | undefined;
  for (const file of candidates) {
    if (!input.problems.has(file)) break;
    const problem = input.problems.get(file);
    if (problem === undefined) {
      chosen = file;
      break;
    }
    if (input.requested) return refuse(`snapshot ${file} cannot be used: ${problem}`);
    warnings.push(`skipped ${file}: ${problem}`);
  }
  if (!chosen) {
    return refuse(`no intact snapshot of cluster ${input.cluster}: ${warnings.map((w) => w.replace(/^skipped /, '')).join('; ') || 'none was checked'}`);
  }

  if (!input.force && input.healthError) {
    return refuse(`the cluster's health could not be checked (${input.healthError}), so a restore cannot know it would not roll back a working cluster. Fix that, or add -e etcd_restore_force=true`);
  }
  if (!input.force) {
    const standing = clusterStanding(input.health, input.members.length);
    if (standing === 'healthy') {
      return refuse(
        `the cluster is healthy (${input.health.length} of ${input.members.length} members answer, one leader): a restore would ` +
          `replace its data with ${chosen} and lose every write since. To roll it back to that point on purpose, add -e etcd_restore_force=true`,
      );
    }
    if (standing === 'quorum') {
      const down = input.health.filter((m) => !m.healthy).map((m) => m.endpoint);
      return refuse(
        `the cluster still has quorum (down: ${down.join(', ')}): replace the failed members instead, which loses no write. ` +
          'To roll the whole cluster back anyway, add -e etcd_restore_force=true',
      );
    }
  }

  const token = `${input.clusterToken}-restore-${input.stamp}`;
  const f = restoreFlags(input.flags, input.bumpRevision, token);
  if (f.warning) warnings.push(f.warning);
  const name = /^(.+)-(\d{8}T\d{6}Z)-rev(\d+)\.db$/.exec(chosen.split('/').pop() ?? '');
  return {
    ok: true,
    plan: {
      snapshot: chosen,
      revision: name ? Number(name[3]) : undefined,
      token,
      stamp: input.stamp,
      flags: f.flags,
      bump_revision: f.bump,
      mark_compacted: f.mark,
      tool: input.flags.etcdutl ? 'etcdutl' : 'etcdctl',
      warnings,
    },
  };
}

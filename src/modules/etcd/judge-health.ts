/**
 * Whether a cluster is fit to be changed: one verdict shared by the
 * etcd_health module, the rolling-restart health gate and `ezplay status`.
 * Pure functions of a ClusterHealth.
 */
import { humanSize } from '../get-url-checksum.js';
import type { ClusterHealth, MemberHealth } from '../../facts/etcd/health.js';

export interface HealthJudgement {
  ok: boolean;
  problems: string[];
}

export interface JudgeOptions {
  /** a cluster without a leader is a problem (default true) */
  requireLeader?: boolean;
  /** how far apart the members' raft indexes may be (default 1000) */
  maxIndexLag?: number;
}

export function judgeHealth(status: ClusterHealth, options: JudgeOptions = {}): HealthJudgement {
  const requireLeader = options.requireLeader ?? true;
  const maxIndexLag = options.maxIndexLag ?? 1000;
  const problems: string[] = [];
  if (status.failure) problems.push(`etcdctl failed: ${status.failure}`);

  const unhealthy = status.members.filter((m) => !m.healthy);
  if (unhealthy.length) {
    problems.push(`unhealthy: ${unhealthy.map((m) => (m.error ? `${m.endpoint} (${m.error})` : m.endpoint)).join(', ')}`);
  }

  const reporting = status.members.filter((m) => m.raft_term !== undefined);
  const leaderIds = new Set(reporting.map((m) => m.leader_id).filter((id): id is string => !!id && id !== '0'));
  const claimants = reporting.filter((m) => m.leader);
  if (claimants.length > 1 || leaderIds.size > 1) {
    const who = claimants.length > 1 ? claimants.map((m) => m.endpoint) : [...leaderIds];
    problems.push(`more than one leader: ${who.join(', ')}`);
  } else if (requireLeader && reporting.length && leaderIds.size === 0) {
    problems.push('no leader');
  }

  const terms = new Set(reporting.map((m) => m.raft_term));
  if (terms.size > 1) problems.push(`raft terms differ: ${reporting.map((m) => `${m.endpoint}=${m.raft_term}`).join(', ')}`);

  const indexed = reporting.filter((m) => m.raft_index !== undefined);
  if (indexed.length > 1) {
    const indexes = indexed.map((m) => m.raft_index as number);
    const lag = Math.max(...indexes) - Math.min(...indexes);
    if (lag > maxIndexLag) {
      problems.push(
        `raft indexes differ by more than ${maxIndexLag} (${lag}): ${indexed.map((m) => `${m.endpoint}=${m.raft_index}`).join(', ')}`,
      );
    }
  }

  if (status.alarms.length) {
    problems.push(`alarms: ${status.alarms.map((a) => `${a.alarm} on ${a.endpoint ?? `member ${a.member_id}`}`).join(', ')}`);
  }
  return { ok: problems.length === 0, problems };
}

/** The leader's endpoint among those asked, if it is one of them. */
export function leaderEndpoint(status: ClusterHealth): string | undefined {
  return status.members.find((m) => m.leader)?.endpoint;
}

const COLUMNS: Array<[string, (m: MemberHealth) => string]> = [
  ['ENDPOINT', (m) => m.endpoint],
  ['HEALTH', (m) => (m.healthy ? 'healthy' : 'UNHEALTHY')],
  ['ID', (m) => m.member_id ?? '-'],
  ['LEADER', (m) => (m.leader ? 'leader' : m.is_learner ? 'learner' : m.raft_term !== undefined ? 'follower' : '-')],
  ['TERM', (m) => String(m.raft_term ?? '-')],
  ['INDEX', (m) => String(m.raft_index ?? '-')],
  ['APPLIED', (m) => String(m.raft_applied_index ?? '-')],
  ['DB', (m) => (m.db_size !== undefined ? humanSize(m.db_size) : '-')],
  ['VERSION', (m) => m.version ?? '-'],
  ['TOOK', (m) => m.took ?? '-'],
  ['ERROR', (m) => m.error ?? ''],
];

/** Lines of a plain text table, one row per member, columns padded to fit. */
export function healthTable(rows: readonly MemberHealth[]): string[] {
  const cells = [COLUMNS.map(([title]) => title), ...rows.map((m) => COLUMNS.map(([, cell]) => cell(m)))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

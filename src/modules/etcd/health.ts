/**
 * etcd_health: a read-only check of an etcd cluster, as a task. It never
 * changes anything; it fails the task (naming what is wrong) unless every
 * endpoint is healthy, there is exactly one leader, the members agree on
 * the raft term and are close in raft index, and no alarm is raised.
 */
import { ModuleError } from '../../errors.js';
import { defineModule, type HostContext, type Plan } from '../types.js';
import { etcdctlSchema, type EtcdctlArgs } from '../../facts/etcd/etcdctl.js';
import { healthProbeCommand, parseHealthProbe, type ClusterHealth } from '../../facts/etcd/health.js';
import { judgeHealth, leaderEndpoint } from './judge-health.js';

export interface EtcdHealthArgs extends EtcdctlArgs {
  retries: number;
  delay: number;
  require_leader: boolean;
  max_index_lag: number;
}

export const etcdHealth = defineModule<EtcdHealthArgs>({
  name: 'etcd_health',
  summary: 'Check that an etcd cluster is healthy, has one leader and no alarms (read-only)',
  description:
    'Runs `etcdctl endpoint health`, `endpoint status` and `alarm list` (API v3) on the host in one command ' +
    'and fails the task naming the problems: unhealthy members, no leader or more than one, raft terms that ' +
    'differ, raft indexes further apart than `max_index_lag`, raised alarms (NOSPACE, CORRUPT). Never changes ' +
    'anything, so it also runs in check mode. The result holds `members` (endpoint, healthy, took, error, ' +
    'member_id, leader, raft_term, raft_index, raft_applied_index, db_size, version, is_learner), `leader`, ' +
    '`raft_term`, `alarms` and `healthy`.',
  args: {
    ...etcdctlSchema,
    retries: {
      type: 'int',
      default: 0,
      description: 'How many more times to check when the cluster is not healthy yet (after a restart).',
    },
    delay: { type: 'int', default: 5, description: 'Seconds between checks when `retries` is set.' },
    require_leader: { type: 'bool', default: true, description: 'Fail when no member knows a leader.' },
    max_index_lag: {
      type: 'int',
      default: 1000,
      description: 'Fail when the raft indexes of the members differ by more than this.',
    },
  },
  plan: planEtcdHealth,
});

export type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function planEtcdHealth(ctx: HostContext, args: EtcdHealthArgs, sleep: Sleep = realSleep): Promise<Plan> {
  const command = healthProbeCommand(ctx, args);
  for (let attempt = 0; ; attempt++) {
    const res = await ctx.probe(command);
    const status = parseHealthProbe(res.stdout, args.endpoints);
    const verdict = judgeHealth(status, { requireLeader: args.require_leader, maxIndexLag: args.max_index_lag });
    const result = healthResult(status, verdict.ok, attempt + 1);
    if (verdict.ok) return { changed: false, result: { ...result, msg: 'etcd cluster is healthy' } };
    if (attempt < args.retries) {
      const healthy = status.members.filter((m) => m.healthy).length;
      const total = args.endpoints.length || status.members.length;
      ctx.progress?.({ text: `waiting for ${total}/${total} healthy (${healthy}/${total} now)`, done: healthy, total, unit: 'count' });
    }
    if (attempt >= args.retries) {
      const msg = `etcd cluster is not healthy: ${verdict.problems.join('; ')}`;
      throw new ModuleError(msg, { ...result, problems: verdict.problems, msg }, ctx.pos);
    }
    await sleep(args.delay * 1000);
  }
}

export function healthResult(status: ClusterHealth, healthy: boolean, attempts: number): Record<string, unknown> {
  const terms = [...new Set(status.members.map((m) => m.raft_term).filter((t) => t !== undefined))];
  return {
    healthy,
    members: status.members,
    leader: leaderEndpoint(status) ?? null,
    raft_term: terms.length === 1 ? terms[0] : null,
    alarms: status.alarms,
    attempts,
  };
}

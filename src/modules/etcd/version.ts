/**
 * etcd_version: the version every member serves and the cluster version,
 * read-only. Given a `target`, it also decides whether the cluster may move
 * there (upgrade-path.ts: one minor at a time, no minor downgrade, 3.5 ->
 * 3.6 prerequisites) on a healthy cluster with no alarm, and returns the
 * order to upgrade the members in: followers first, the leader last. It
 * fails naming why when the move is refused, before anything is changed.
 */
import { ModuleError } from '../../errors.js';
import { clusterVersionFact, type ClusterVersion } from '../../facts/etcd/cluster-version.js';
import { defineModule, type HostContext, type Plan } from '../types.js';
import type { EtcdctlArgs } from '../../facts/etcd/etcdctl.js';
import { etcdctlSchema, etcdctlTarget } from './etcdctl-args.js';
import { healthProbeCommand, parseHealthProbe, type ClusterHealth } from '../../facts/etcd/health.js';
import { judgeHealth, leaderEndpoint } from './judge-health.js';
import { checkUpgradePath, parseVersion, upgradeOrder, type UpgradeDecision } from './upgrade-path.js';
import type { Sleep } from './health.js';

export interface EtcdVersionArgs extends EtcdctlArgs {
  hosts: string[];
  target?: string;
  wait_cluster_version: boolean;
  retries: number;
  delay: number;
  max_index_lag: number;
}

export const etcdVersion = defineModule<EtcdVersionArgs>({
  name: 'etcd_version',
  summary: "Report each member's etcd version and the cluster version; check an upgrade path (read-only)",
  description:
    'Asks every endpoint for its status (`etcdctl endpoint status`) and one for `/version`. With `target`, the ' +
    'cluster must be healthy with no alarm, and the move to `target` must follow etcd\'s upgrade rules: one minor ' +
    'version at a time, no minor downgrade (the way back is a restore), a patch downgrade allowed, and before 3.6 ' +
    'every member on 3.5.26 or newer with no learner; otherwise the task fails saying why. Never changes anything. ' +
    'Result: members (host, endpoint, version, leader, learner), cluster_version, and with `target` also kind ' +
    '(none, patch, patch-downgrade, minor, resume), pending (hosts not on the target) and order (followers first, the leader last).',
  args: {
    ...etcdctlSchema,
    hosts: {
      type: 'list',
      elements: 'str',
      default: [],
      description: 'A name for each endpoint, in the same order (inventory host names); the endpoints themselves when empty.',
    },
    target: { type: 'str', description: 'The etcd version the cluster is to run, e.g. 3.5.16.' },
    wait_cluster_version: {
      type: 'bool',
      default: false,
      description: 'With `target`: wait (see `retries`) until etcd has raised the cluster version to the target\'s minor version.',
    },
    retries: { type: 'int', default: 0, description: 'How many more times to ask while waiting for the cluster version.' },
    delay: { type: 'int', default: 1, description: 'Seconds between tries.' },
    max_index_lag: { type: 'int', default: 1000, description: 'Raft indexes further apart than this count as unhealthy.' },
  },
  plan: planEtcdVersion,
});

const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

interface Reading {
  status: ClusterHealth;
  version: ClusterVersion;
}

async function read(ctx: HostContext, args: EtcdVersionArgs): Promise<Reading> {
  const versionArgs = { endpoints: args.endpoints, cacert: args.cacert, cert: args.cert, key: args.key, timeout: args.timeout };
  const command = `${healthProbeCommand(etcdctlTarget(ctx, args))}\n${clusterVersionFact.command(versionArgs)}`;
  const out = await ctx.probe(command);
  return {
    status: parseHealthProbe(out.stdout, args.endpoints),
    version: clusterVersionFact.parse({ stdout: out.stdout, stderr: out.stderr, rc: out.rc }, versionArgs),
  };
}

export async function planEtcdVersion(ctx: HostContext, args: EtcdVersionArgs, sleep: Sleep = realSleep): Promise<Plan> {
  const nameOf = (endpoint: string): string => args.hosts[args.endpoints.indexOf(endpoint)] ?? endpoint;
  for (let attempt = 0; ; attempt++) {
    const { status, version } = await read(ctx, args);
    const members = status.members.map((m) => ({
      host: nameOf(m.endpoint), endpoint: m.endpoint, version: m.version ?? null, leader: m.leader, learner: m.is_learner,
    }));
    const leader = leaderEndpoint(status);
    const summary = `${members.map((m) => `${m.host} ${m.version ?? '?'}${m.leader ? ' (leader)' : ''}`).join(', ')}; cluster version ${version.cluster ?? '?'}`;
    const result: Record<string, unknown> = { members, cluster_version: version.cluster ?? null, leader: leader ? nameOf(leader) : null };
    if (!args.target) return { changed: false, result: { ...result, msg: summary } };

    const health = judgeHealth(status, { maxIndexLag: args.max_index_lag });
    if (!health.ok) {
      throw new ModuleError(`the etcd cluster is not healthy, so it is not upgraded: ${health.problems.join('; ')}`, result, ctx.pos);
    }
    const decision: UpgradeDecision = checkUpgradePath(
      {
        members: Object.fromEntries(members.map((m) => [m.host, m.version ?? undefined])),
        clusterVersion: version.cluster,
        learners: members.filter((m) => m.learner).map((m) => m.host),
      },
      args.target,
    );
    if (!decision.ok) throw new ModuleError(`etcd ${args.target} refused: ${decision.message}; nothing was changed`, result, ctx.pos);
    const order = upgradeOrder(decision.pending, leader ? nameOf(leader) : undefined);
    const waiting = args.wait_cluster_version && !clusterAt(version.cluster, args.target);
    if (waiting && attempt < args.retries) {
      await sleep(args.delay * 1000);
      continue;
    }
    if (waiting) ctx.warn(`etcd has not raised the cluster version to ${args.target} yet (${version.cluster ?? 'unknown'})`);
    return {
      changed: false,
      result: {
        ...result, target: args.target, kind: decision.kind, pending: decision.pending, order,
        plan: planLines(order, members, args.target), msg: `${summary}. ${decision.message}`,
      },
    };
  }
}

/** The cluster version (X.Y.0) has reached the target's minor version. */
function clusterAt(cluster: string | undefined, target: string): boolean {
  const c = parseVersion(cluster);
  const t = parseVersion(target);
  return !!c && !!t && c.major === t.major && c.minor >= t.minor;
}

/** One line per member, in upgrade order, for the plan a run shows first. */
export function planLines(order: readonly string[], members: ReadonlyArray<{ host: string; version: string | null; leader: boolean }>, target: string): string[] {
  return order.map((host) => {
    const m = members.find((x) => x.host === host);
    const role = m?.leader ? 'leader: its leadership is moved away first' : 'follower';
    return `${host} ${m?.version ?? '?'} -> ${target} (${role}): restart, then wait until healthy, serving ${target}, raft index caught up`;
  });
}

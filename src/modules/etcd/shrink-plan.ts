/**
 * The membership planner for shrinking on purpose and replacing a broken
 * member: pure logic from the member list and each endpoint's status to the
 * ordered steps (move leadership away, remove, re-add) or a refusal made
 * before anything changes. One member at a time; every intermediate cluster
 * must keep a quorum of healthy voting members.
 */
import type { EndpointState } from '../../facts/etcd/endpoint-status.js';
import type { ClusterMember } from '../../facts/etcd/members.js';
import { NOTHING_CHANGED, type Refusal } from './membership-plan.js';

/** A host named for removal or replacement, as the inventory describes it. */
export interface MemberTarget {
  host: string;
  name: string;
  peer_url: string;
  client_url: string;
}

export interface ShrinkInput {
  members: ClusterMember[];
  status: EndpointState[];
  targets: MemberTarget[];
  allow_even: boolean;
}

export type ShrinkStep =
  | { action: 'move-leader'; from: string; to: string; to_client_url: string }
  | { action: 'remove'; host: string; member_id: string; name: string; healthy: boolean };

export interface ShrinkPlan {
  steps: ShrinkStep[];
  /** hosts in the order they are removed */
  order: string[];
  lines: string[];
}

const quorum = (n: number) => Math.floor(n / 2) + 1;

/** Member ids whose endpoint answered a status request. */
function healthyIds(status: readonly EndpointState[]): Set<string> {
  return new Set(status.filter((s) => !s.error && s.member_id).map((s) => s.member_id as string));
}

/** The leader most answering members name. */
export function leaderOf(status: readonly EndpointState[]): string | undefined {
  const votes = new Map<string, number>();
  for (const s of status) if (!s.error && s.leader_id && s.leader_id !== '0') votes.set(s.leader_id, (votes.get(s.leader_id) ?? 0) + 1);
  return [...votes].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function findTarget(members: readonly ClusterMember[], t: MemberTarget): ClusterMember | undefined {
  return members.find((m) => m.peer_urls.includes(t.peer_url)) ?? members.find((m) => m.name !== '' && m.name === t.name);
}

const describeMembers = (members: readonly ClusterMember[]) => members.map((m) => m.name || m.peer_urls.join(',')).join(', ');

export function planRemove(input: ShrinkInput): ShrinkPlan | Refusal {
  const targets = input.targets.filter((t, i) => input.targets.findIndex((u) => u.host === t.host) === i);
  if (targets.length === 0) return refuse('etcd_remove names no host: give -e etcd_remove=HOST[,HOST...]');
  const found: Array<{ t: MemberTarget; m: ClusterMember }> = [];
  for (const t of targets) {
    const m = findTarget(input.members, t);
    if (!m) return refuse(`${t.host} (${t.peer_url}) is not a member of the cluster, whose members are ${describeMembers(input.members)}`);
    found.push({ t, m });
  }
  const voters = input.members.filter((m) => !m.is_learner);
  const removedIds = new Set(found.map((f) => f.m.id));
  const remaining = voters.filter((m) => !removedIds.has(m.id));
  if (remaining.length === 0) return refuse(`removing ${targets.map((t) => t.host).join(', ')} would leave no voting member`);
  if (remaining.length % 2 === 0 && !input.allow_even) {
    return refuse(
      `removing ${targets.map((t) => t.host).join(', ')} leaves ${remaining.length} members: an even count survives no more failed ` +
        `members than ${remaining.length - 1} would. Remove one more or one fewer, or set etcd_allow_even_members=true to accept it knowingly`,
    );
  }
  const healthy = healthyIds(input.status);
  const leader = leaderOf(input.status);
  // learners first (they do not count), then members that are down, then healthy followers, the leader last
  const rank = (m: ClusterMember) => (m.is_learner ? 0 : !healthy.has(m.id) ? 1 : m.id === leader ? 3 : 2);
  found.sort((a, b) => rank(a.m) - rank(b.m));
  return sequence(input, found, healthy, leader, 'remove');
}

export function planReplace(input: ShrinkInput): ShrinkPlan | Refusal {
  const t = input.targets[0];
  if (!t || input.targets.length !== 1) return refuse('etcd_replace names one host: give -e etcd_replace=HOST');
  const m = findTarget(input.members, t);
  const healthy = healthyIds(input.status);
  const rejoin = [
    `add ${t.name} (${t.peer_url}) back as a learner, start it on ${t.host} with a fresh data dir and --initial-cluster-state=existing`,
    `promote ${t.name} once its raft index has caught up with the leader's, then wait until the cluster is healthy`,
    'restarts: none of the other members',
  ];
  if (!m) {
    const lines = [`${t.host} (${t.peer_url}) is not a member any more: nothing to remove`, ...rejoin];
    return { steps: [], order: [], lines };
  }
  const voters = input.members.filter((x) => !x.is_learner);
  if (!m.is_learner && voters.length === 1) {
    return refuse(
      `${t.host} is the cluster's only voting member: removing it leaves no cluster to rejoin. Restore it from a snapshot instead`,
    );
  }
  const plan = sequence(input, [{ t, m }], healthy, leaderOf(input.status), 'replace');
  if ('refused' in plan) return plan;
  return { ...plan, lines: [...plan.lines.filter((l) => !l.startsWith('restarts')), ...rejoin] };
}

/** Checks quorum at every step of removing `found` in order, and moves leadership off a leader first. */
function sequence(
  input: ShrinkInput,
  found: Array<{ t: MemberTarget; m: ClusterMember }>,
  healthy: Set<string>,
  leader: string | undefined,
  verb: 'remove' | 'replace',
): ShrinkPlan | Refusal {
  let current = input.members.filter((m) => !m.is_learner);
  const steps: ShrinkStep[] = [];
  const lines: string[] = [];
  const removedIds = new Set(found.map((f) => f.m.id));
  for (const { t, m } of found) {
    if (!m.is_learner) {
      const up = current.filter((x) => healthy.has(x.id)).length;
      const after = current.filter((x) => x.id !== m.id);
      const upAfter = after.filter((x) => healthy.has(x.id)).length;
      if (up < quorum(current.length) || upAfter < quorum(after.length)) {
        const why =
          up < quorum(current.length)
            ? `only ${up} of its ${current.length} voting members are healthy, and a membership change needs ${quorum(current.length)}`
            : `the ${after.length} members left would have ${upAfter} healthy, and a quorum is ${quorum(after.length)}`;
        return refuse(`${verb === 'remove' ? 'removing' : 'replacing'} ${t.host} would lose quorum: ${why}. Bring the down members back (or replace them) first`);
      }
      if (m.id === leader) {
        const to = after.find((x) => healthy.has(x.id) && !removedIds.has(x.id)) ?? after.find((x) => healthy.has(x.id));
        if (!to) return refuse(`${t.host} is the leader and no other healthy member could take over`);
        steps.push({ action: 'move-leader', from: m.id, to: to.id, to_client_url: to.client_urls[0] ?? '' });
        lines.push(`move leadership from ${m.name || m.id} to ${to.name || to.id} (etcdctl move-leader ${to.id})`);
      }
      current = after;
    }
    steps.push({ action: 'remove', host: t.host, member_id: m.id, name: m.name, healthy: healthy.has(m.id) });
    lines.push(`etcdctl member remove ${m.id} (${m.name || t.host}${m.is_learner ? ', a learner' : healthy.has(m.id) ? '' : ', down'}), then wait until the cluster is healthy`);
    lines.push(`on ${t.host}, if reachable: stop and disable etcd, move its data dir aside as <data dir>.removed-<UTC timestamp>`);
  }
  lines.push(`restarts: none (${current.length} voting members remain)`);
  return { steps, order: found.map((f) => f.t.host), lines };
}

function refuse(message: string): Refusal {
  return { refused: `${message}; ${NOTHING_CHANGED}` };
}

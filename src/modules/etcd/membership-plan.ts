/**
 * The membership planner for growing a cluster by inventory: pure logic
 * from what the members' probes saw (data or not, running or not, the
 * member list each running etcd gives) to the joins to make, one at a time,
 * or a refusal saying why nothing may change. playbooks/etcd.yml runs it in
 * preflight (the etcd_membership module) and follows its plan.
 *
 * etcd's runtime-reconfiguration guide is the rule: a new member is added
 * as a learner (it does not count towards quorum until promoted), started
 * with --initial-cluster-state=existing and exactly the member list the
 * cluster gives at that moment, promoted once caught up; one at a time.
 */
import { isUnstarted, type ClusterMember, type MembersView } from '../../facts/etcd/members.js';

export interface InventoryMember {
  host: string;
  /** etcd's --name for it */
  name: string;
  peer_url: string;
  client_url: string;
  has_data: boolean;
  running: boolean;
  /** the cluster as this member's running etcd lists it */
  view?: MembersView;
}

export interface GrowInput {
  hosts: InventoryMember[];
  /** hosts of [etcd] that this run does not see (--limit) */
  hidden: string[];
  allow_even: boolean;
  /**
   * hosts being replaced (playbooks/etcd-replace.yml): out of the cluster
   * and without data by the time they join, even if a check-mode run still
   * finds them listed
   */
  replacing?: string[];
}

export interface Join {
  host: string;
  name: string;
  peer_url: string;
  client_url: string;
  /** false when the cluster already lists it (an earlier run added it and stopped) */
  add: boolean;
  /** the --initial-cluster it would get if the joins before it go as planned */
  initial_cluster: string;
}

export interface GrowPlan {
  cluster: 'new' | 'existing';
  joins: Join[];
  /** members with data that are still learners (a join that stopped before its promotion) */
  promote: string[];
  /** members the cluster lists that are in no inventory host */
  outsiders: ClusterMember[];
  /** the plan in words, for check mode and the run's output */
  lines: string[];
}

export interface Refusal {
  refused: string;
}

export const NOTHING_CHANGED = 'nothing was changed';

const findFor = (members: readonly ClusterMember[], h: { name: string; peer_url: string }) =>
  members.find((m) => m.peer_urls.includes(h.peer_url)) ?? members.find((m) => m.name !== '' && m.name === h.name);

export function planGrow(given: GrowInput): GrowPlan | Refusal {
  const replacing = new Set(given.replacing ?? []);
  const out = given.hosts.filter((h) => replacing.has(h.host));
  const forget = (v: MembersView): MembersView => ({ ...v, members: v.members.filter((m) => !out.some((h) => findFor([m], h))) });
  const input: GrowInput = {
    ...given,
    hosts: given.hosts.map((h) =>
      replacing.has(h.host) ? { ...h, has_data: false, running: false } : h.view ? { ...h, view: forget(h.view) } : h,
    ),
  };
  const running = input.hosts.filter((h) => h.running && h.view && !h.view.error);
  const clusters = new Map<string, string[]>();
  for (const h of running) clusters.set(h.view?.cluster_id ?? '?', [...(clusters.get(h.view?.cluster_id ?? '?') ?? []), h.host]);
  if (clusters.size > 1) {
    const which = [...clusters].map(([id, hosts]) => `cluster ${id} (${hosts.join(', ')})`).join(' and ');
    return refuse(
      `the members of [etcd] belong to ${clusters.size} different clusters: ${which}. ` +
        'Joining them would split or destroy one; keep one cluster in [etcd] and move the other hosts out (or remove their data first)',
    );
  }

  if (running.length === 0) return planWithoutRunningCluster(input);
  const listed = (running[0] as InventoryMember).view?.members ?? [];
  const joins: Join[] = [];
  const promote: string[] = [];
  for (const h of input.hosts) {
    const m = findFor(listed, h);
    if (h.has_data) {
      if (!m) {
        return refuse(
          `${h.host} has data but the running cluster does not list ${h.peer_url} (it was removed, or the data is another cluster's). ` +
            `Starting it would not rejoin the cluster. Replace it: ezplay etcd replace ${h.host} (playbooks/etcd-replace.yml -e etcd_replace=${h.host}), ` +
            'which moves its data aside and adds it back as a new member',
        );
      }
      if (m.is_learner) promote.push(h.host);
    } else if (m && !isUnstarted(m)) {
      return refuse(
        `${h.host} has no data, and the running cluster knows ${h.peer_url} as a member that has already started: its data is lost. ` +
          `Replace it: ezplay etcd replace ${h.host} (playbooks/etcd-replace.yml -e etcd_replace=${h.host}), which removes the old member ` +
          '(etcdctl member remove), adds it back as a learner with a fresh data dir and promotes it once it has caught up',
      );
    } else {
      joins.push({ host: h.host, name: h.name, peer_url: h.peer_url, client_url: h.client_url, add: !m, initial_cluster: '' });
    }
  }
  // members an earlier run added but did not start go first: the cluster already counts on them
  joins.sort((a, b) => Number(a.add) - Number(b.add));
  if (joins.length && input.hidden.length) {
    return refuse(
      `--limit hides ${input.hidden.join(', ')}: a member is added only with every member of [etcd] in sight ` +
        `(to add ${joins.map((j) => j.host).join(', ')}). Run without --limit`,
    );
  }
  const inventoryPeers = new Set(input.hosts.map((h) => h.peer_url));
  const outsiders = listed.filter((m) => !m.peer_urls.some((u) => inventoryPeers.has(u)));
  const finalCount = listed.length + joins.filter((j) => j.add).length;
  if (joins.length && finalCount % 2 === 0 && !input.allow_even) {
    return refuse(
      `adding ${joins.map((j) => j.host).join(', ')} makes ${finalCount} members: an even count survives no more failed members than ` +
        `${finalCount - 1} would. Add one more host, or set etcd_allow_even_members=true to accept it knowingly`,
    );
  }
  predictInitialClusters(listed, joins);
  return { cluster: 'existing', joins, promote, outsiders, lines: growLines(joins, promote, outsiders) };
}

function planWithoutRunningCluster(input: GrowInput): GrowPlan | Refusal {
  const withData = input.hosts.filter((h) => h.has_data);
  if (withData.length === 0 && input.hidden.length === 0) {
    return { cluster: 'new', joins: [], promote: [], outsiders: [], lines: ['a new cluster: every member starts with --initial-cluster-state=new'] };
  }
  const bare = input.hosts.filter((h) => !h.has_data);
  if (bare.length) {
    return refuse(
      `${bare.map((h) => h.host).join(', ')} ${bare.length > 1 ? 'have' : 'has'} no data, and no running member could be asked whether ` +
        `the cluster expects ${bare.length > 1 ? 'them' : 'it'}${input.hidden.length ? ` (--limit hides ${input.hidden.join(', ')})` : ''}. ` +
        'Start the members that have data first (run without --limit), then run this playbook again: it adds the new ones one at a time',
    );
  }
  return { cluster: 'existing', joins: [], promote: [], outsiders: [], lines: ['every member has data: stopped members start as they are'] };
}

/** What etcd's `member add` will print as ETCD_INITIAL_CLUSTER for each join, if all goes to plan. */
function predictInitialClusters(listed: readonly ClusterMember[], joins: Join[]): void {
  const entries = listed
    .filter((m) => !joins.some((j) => m.peer_urls.includes(j.peer_url)))
    .flatMap((m) => m.peer_urls.map((u) => `${m.name}=${u}`));
  for (const j of joins) {
    entries.push(`${j.name}=${j.peer_url}`);
    j.initial_cluster = entries.join(',');
  }
}

function growLines(joins: readonly Join[], promote: readonly string[], outsiders: readonly ClusterMember[]): string[] {
  const lines: string[] = [];
  for (const host of promote) lines.push(`promote the learner on ${host} once it has caught up with the leader`);
  joins.forEach((j, i) => {
    const n = `${i + 1}/${joins.length}`;
    if (j.add) lines.push(`join ${n}: etcdctl member add ${j.name} --peer-urls=${j.peer_url} --learner`);
    else lines.push(`join ${n}: ${j.name} (${j.peer_url}) is already added; it is started, not added again`);
    lines.push(`join ${n}: start etcd on ${j.host} with --initial-cluster-state=existing --initial-cluster=${j.initial_cluster}`);
    lines.push(`join ${n}: promote ${j.name} once its raft index has caught up with the leader's, then wait until the cluster is healthy`);
  });
  for (const m of outsiders) {
    lines.push(`note: the cluster lists ${m.name || m.id} (${m.peer_urls.join(', ')}), which no host of [etcd] is; it is left alone`);
  }
  if (joins.length || promote.length) lines.push('restarts: none (no running member changes what it does)');
  else lines.push('membership: no change');
  return lines;
}

function refuse(message: string): Refusal {
  return { refused: `${message}; ${NOTHING_CHANGED}` };
}

export const isRefusal = (p: object): p is Refusal => 'refused' in p;

/**
 * The membership planner as tables: what the members' probes saw (or the
 * member list and each endpoint's status) in, the ordered joins or steps
 * out, or the refusal with its message. Every refusal says nothing changed.
 */
import test from 'ava';
import type { EndpointState } from '../../../src/facts/etcd/endpoint-status.js';
import type { ClusterMember, MembersView } from '../../../src/facts/etcd/members.js';
import { isRefusal, planGrow, type GrowInput, type InventoryMember } from '../../../src/modules/etcd/membership-plan.js';
import { planRemove, planReplace, type MemberTarget, type ShrinkInput } from '../../../src/modules/etcd/shrink-plan.js';

const peer = (n: number) => `https://10.0.0.${n}:2380`;
const client = (n: number) => `https://10.0.0.${n}:2379`;
const member = (n: number, extra: Partial<ClusterMember> = {}): ClusterMember => ({
  id: `a${n}`, name: `etcd-${n}`, peer_urls: [peer(n)], client_urls: [client(n)], is_learner: false, ...extra,
});
const view = (ns: number[], extra: Record<number, Partial<ClusterMember>> = {}, cluster = 'c1'): MembersView => ({
  cluster_id: cluster, members: ns.map((n) => member(n, extra[n])),
});
/** host n of [etcd]: running with data and the given view, or bare */
const running = (n: number, v: MembersView): InventoryMember => ({ ...target(n), has_data: true, running: true, view: v });
const bare = (n: number): InventoryMember => ({ ...target(n), has_data: false, running: false });
const stopped = (n: number): InventoryMember => ({ ...target(n), has_data: true, running: false });
const target = (n: number): MemberTarget => ({ host: `h${n}`, name: `etcd-${n}`, peer_url: peer(n), client_url: client(n) });
const grow = (hosts: InventoryMember[], extra: Partial<GrowInput> = {}): GrowInput => ({ hosts, hidden: [], allow_even: false, ...extra });

const V3 = view([1, 2, 3]);

interface GrowCase {
  title: string;
  input: GrowInput;
  joins?: Array<[string, boolean, string]>;
  cluster?: 'new' | 'existing';
  promote?: string[];
  refused?: RegExp;
}

const growCases: GrowCase[] = [
  { title: 'bare machines: a new cluster, no joins', input: grow([bare(1), bare(2), bare(3)]), cluster: 'new', joins: [] },
  { title: 'a running cluster, nothing to add', input: grow([running(1, V3), running(2, V3), running(3, V3)]), cluster: 'existing', joins: [] },
  {
    title: '3 -> 5: two learners, one at a time, each with the member list of its moment',
    input: grow([running(1, V3), running(2, V3), running(3, V3), bare(4), bare(5)]),
    joins: [
      ['h4', true, 'etcd-1=https://10.0.0.1:2380,etcd-2=https://10.0.0.2:2380,etcd-3=https://10.0.0.3:2380,etcd-4=https://10.0.0.4:2380'],
      ['h5', true, 'etcd-1=https://10.0.0.1:2380,etcd-2=https://10.0.0.2:2380,etcd-3=https://10.0.0.3:2380,etcd-4=https://10.0.0.4:2380,etcd-5=https://10.0.0.5:2380'],
    ],
  },
  {
    title: 'a member added by an earlier run and not started goes first and is not added again',
    input: grow([running(1, view([1, 2, 3, 5], { 5: { name: '', client_urls: [], is_learner: true } })), running(2, V3), running(3, V3), bare(4), bare(5)]),
    joins: [
      ['h5', false, 'etcd-1=https://10.0.0.1:2380,etcd-2=https://10.0.0.2:2380,etcd-3=https://10.0.0.3:2380,etcd-5=https://10.0.0.5:2380'],
      ['h4', true, 'etcd-1=https://10.0.0.1:2380,etcd-2=https://10.0.0.2:2380,etcd-3=https://10.0.0.3:2380,etcd-5=https://10.0.0.5:2380,etcd-4=https://10.0.0.4:2380'],
    ],
  },
  {
    title: 'a learner with data (a join stopped before its promotion) is promoted',
    input: grow([running(1, view([1, 2, 3], { 3: { is_learner: true } })), running(2, V3), running(3, V3)], { allow_even: true }),
    joins: [],
    promote: ['h3'],
  },
  {
    title: 'a member being replaced is planned as out and bare, even while still listed',
    input: grow([running(1, V3), running(2, V3), stopped(3)], { replacing: ['h3'] }),
    joins: [['h3', true, 'etcd-1=https://10.0.0.1:2380,etcd-2=https://10.0.0.2:2380,etcd-3=https://10.0.0.3:2380']],
  },
  {
    title: 'members stopped with data: no joins, they start as they are',
    input: grow([stopped(1), stopped(2), stopped(3)]),
    cluster: 'existing',
    joins: [],
  },
  {
    title: 'refused: two clusters',
    input: grow([running(1, V3), running(2, V3), running(3, V3), running(4, view([4, 5], {}, 'c2')), running(5, view([4, 5], {}, 'c2'))]),
    refused: /belong to 2 different clusters: cluster c1 \(h1, h2, h3\) and cluster c2 \(h4, h5\)/,
  },
  {
    title: 'refused: a member whose data is lost',
    input: grow([running(1, V3), running(2, V3), bare(3)]),
    refused: /h3 has no data, and the running cluster knows https:\/\/10.0.0.3:2380 as a member that has already started: its data is lost\. Replace it: ezplay etcd replace h3 \(playbooks\/etcd-replace.yml -e etcd_replace=h3\)/,
  },
  {
    title: 'refused: a host with data that the cluster does not list',
    input: grow([running(1, V3), running(2, V3), running(3, V3), stopped(4), bare(5)]),
    refused: /h4 has data but the running cluster does not list https:\/\/10.0.0.4:2380/,
  },
  {
    title: 'refused: --limit hides members while one is to be added',
    input: grow([running(1, V3), bare(4), bare(5)], { hidden: ['h2', 'h3'] }),
    refused: /--limit hides h2, h3: a member is added only with every member of \[etcd\] in sight \(to add h4, h5\)/,
  },
  {
    title: 'refused: a bare host and no running member to ask (--limit)',
    input: grow([bare(4)], { hidden: ['h1', 'h2', 'h3'] }),
    refused: /h4 has no data, and no running member could be asked whether the cluster expects it \(--limit hides h1, h2, h3\)/,
  },
  {
    title: 'refused: a bare host beside stopped members',
    input: grow([stopped(1), stopped(2), stopped(3), bare(4), bare(5)]),
    refused: /h4, h5 have no data, and no running member could be asked/,
  },
  {
    title: 'refused: an even result',
    input: grow([running(1, V3), running(2, V3), running(3, V3), bare(4)]),
    refused: /adding h4 makes 4 members: an even count survives no more failed members than 3 would\. .*etcd_allow_even_members=true/,
  },
  {
    title: 'an even result, accepted knowingly',
    input: grow([running(1, V3), running(2, V3), running(3, V3), bare(4)], { allow_even: true }),
    joins: [['h4', true, 'etcd-1=https://10.0.0.1:2380,etcd-2=https://10.0.0.2:2380,etcd-3=https://10.0.0.3:2380,etcd-4=https://10.0.0.4:2380']],
  },
];

for (const c of growCases) {
  test(`grow: ${c.title}`, (t) => {
    const plan = planGrow(c.input);
    if (c.refused) {
      t.true(isRefusal(plan), 'refused');
      if (!isRefusal(plan)) return;
      t.regex(plan.refused, c.refused);
      t.regex(plan.refused, /; nothing was changed$/);
      return;
    }
    if (isRefusal(plan)) return t.fail(plan.refused);
    if (c.cluster) t.is(plan.cluster, c.cluster);
    if (c.joins) t.deepEqual(plan.joins.map((j) => [j.host, j.add, j.initial_cluster]), c.joins);
    t.deepEqual(plan.promote, c.promote ?? []);
    t.true(plan.lines.length > 0);
    if (c.joins?.length) t.true(plan.lines.includes('restarts: none (no running member changes what it does)'));
  });
}

test('grow: the plan in words names each step in order', (t) => {
  const plan = planGrow(grow([running(1, V3), running(2, V3), running(3, V3), bare(4), bare(5)]));
  if (isRefusal(plan)) return t.fail(plan.refused);
  t.deepEqual(plan.lines.slice(0, 3), [
    'join 1/2: etcdctl member add etcd-4 --peer-urls=https://10.0.0.4:2380 --learner',
    'join 1/2: start etcd on h4 with --initial-cluster-state=existing --initial-cluster=etcd-1=https://10.0.0.1:2380,etcd-2=https://10.0.0.2:2380,etcd-3=https://10.0.0.3:2380,etcd-4=https://10.0.0.4:2380',
    "join 1/2: promote etcd-4 once its raft index has caught up with the leader's, then wait until the cluster is healthy",
  ]);
});

// ------------------------------------------------------------ remove, replace

const up = (n: number, leader = 1, extra: Partial<EndpointState> = {}): EndpointState => ({
  endpoint: client(n), member_id: `a${n}`, leader_id: `a${leader}`, raft_term: 2, raft_index: 100, is_learner: false, ...extra,
});
const down = (n: number): EndpointState => ({ endpoint: client(n), is_learner: false, error: 'context deadline exceeded' });
const shrink = (ns: number[], status: EndpointState[], targets: number[], extra: Partial<ShrinkInput> = {}): ShrinkInput => ({
  members: ns.map((n) => member(n)), status, targets: targets.map(target), allow_even: false, ...extra,
});
const all = (ns: number[], leader = 1) => ns.map((n) => up(n, leader));

interface ShrinkCase {
  title: string;
  mode: 'remove' | 'replace';
  input: ShrinkInput;
  steps?: string[];
  refused?: RegExp;
}

const describe = (s: { action: string } & Record<string, unknown>) =>
  s.action === 'move-leader' ? `move-leader ${s.from}->${s.to}` : `remove ${s.host} ${s.member_id}`;

const shrinkCases: ShrinkCase[] = [
  { title: '5 -> 3: two followers, one at a time', mode: 'remove', input: shrink([1, 2, 3, 4, 5], all([1, 2, 3, 4, 5]), [4, 5]), steps: ['remove h4 a4', 'remove h5 a5'] },
  {
    title: 'the leader goes last, after leadership moved to a member that stays',
    mode: 'remove',
    input: shrink([1, 2, 3, 4, 5], all([1, 2, 3, 4, 5], 4), [4, 5]),
    steps: ['remove h5 a5', 'move-leader a4->a1', 'remove h4 a4'],
  },
  {
    title: 'a member that is down goes first',
    mode: 'remove',
    input: shrink([1, 2, 3, 4, 5], [up(1), up(2), up(3), up(4), down(5)], [4, 5]),
    steps: ['remove h5 a5', 'remove h4 a4'],
  },
  {
    title: 'a dead member: removed from the cluster (its machine is dealt with by the playbook)',
    mode: 'remove',
    input: shrink([1, 2, 3, 4, 5], [up(1), up(2), up(3), down(4), down(5)], [4, 5]),
    steps: ['remove h4 a4', 'remove h5 a5'],
  },
  { title: 'refused: no host named', mode: 'remove', input: shrink([1, 2, 3], all([1, 2, 3]), []), refused: /etcd_remove names no host: give -e etcd_remove=HOST\[,HOST\.\.\.\]/ },
  {
    title: 'refused: a host that is not a member',
    mode: 'remove',
    input: shrink([1, 2, 3], all([1, 2, 3]), [4]),
    refused: /h4 \(https:\/\/10.0.0.4:2380\) is not a member of the cluster, whose members are etcd-1, etcd-2, etcd-3/,
  },
  { title: 'refused: an even result', mode: 'remove', input: shrink([1, 2, 3], all([1, 2, 3]), [3]), refused: /removing h3 leaves 2 members: an even count survives no more failed members than 1 would/ },
  { title: 'an even result, accepted knowingly', mode: 'remove', input: shrink([1, 2, 3], all([1, 2, 3]), [3], { allow_even: true }), steps: ['remove h3 a3'] },
  { title: 'refused: every voting member', mode: 'remove', input: shrink([1, 2, 3], all([1, 2, 3]), [1, 2, 3]), refused: /removing h1, h2, h3 would leave no voting member/ },
  {
    title: 'refused: removing a healthy member while others are down loses quorum',
    mode: 'remove',
    input: shrink([1, 2, 3, 4, 5], [up(1), up(2), down(3), down(4), up(5)], [5, 1]),
    refused: /removing h5 would lose quorum: the 4 members left would have 2 healthy, and a quorum is 3/,
  },
  {
    title: 'members that are down go first, so the rest keeps its quorum',
    mode: 'remove',
    input: shrink([1, 2, 3, 4, 5], [up(1), up(2), down(3), down(4), up(5)], [5, 4]),
    steps: ['remove h4 a4', 'remove h5 a5'],
  },
  {
    title: 'refused: no quorum to commit the change',
    mode: 'remove',
    input: shrink([1, 2, 3, 4, 5], [up(1), up(2), down(3), down(4), down(5)], [5, 4]),
    refused: /removing h5 would lose quorum: only 2 of its 5 voting members are healthy, and a membership change needs 3/,
  },
  { title: 'replace a member that is down', mode: 'replace', input: shrink([1, 2, 3], [up(1), up(2), down(3)], [3]), steps: ['remove h3 a3'] },
  {
    title: 'replace the leader: leadership moves first',
    mode: 'replace',
    input: shrink([1, 2, 3], all([1, 2, 3], 2), [2]),
    steps: ['move-leader a2->a1', 'remove h2 a2'],
  },
  { title: 'replace a host that is no member any more: only the re-add', mode: 'replace', input: shrink([1, 2], all([1, 2]), [3]), steps: [] },
  {
    title: "refused: replacing a healthy cluster's leader without a quorum of the rest",
    mode: 'replace',
    input: shrink([1, 2, 3], [up(1), up(2, 1), down(3)], [1]),
    refused: /replacing h1 would lose quorum: the 2 members left would have 1 healthy, and a quorum is 2/,
  },
  { title: 'refused: replacing the only member', mode: 'replace', input: shrink([1], all([1]), [1]), refused: /h1 is the cluster's only voting member/ },
  { title: 'refused: replace names one host', mode: 'replace', input: shrink([1, 2, 3], all([1, 2, 3]), [2, 3]), refused: /etcd_replace names one host/ },
];

for (const c of shrinkCases) {
  test(`${c.mode}: ${c.title}`, (t) => {
    const plan = c.mode === 'remove' ? planRemove(c.input) : planReplace(c.input);
    if (c.refused) {
      if (!isRefusal(plan)) return t.fail(`not refused: ${JSON.stringify(plan.steps)}`);
      t.regex(plan.refused, c.refused);
      t.regex(plan.refused, /; nothing was changed$/);
      return;
    }
    if (isRefusal(plan)) return t.fail(plan.refused);
    t.deepEqual(plan.steps.map(describe), c.steps);
    t.regex(plan.lines.join('\n'), /restarts: none/);
  });
}

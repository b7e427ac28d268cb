import test from 'ava';
import { readFileSync } from 'node:fs';
import { etcdHealth, planEtcdHealth, type EtcdHealthArgs } from '../../../src/modules/etcd/health.js';
import { parseHealthProbe, type ClusterHealth, type MemberHealth } from '../../../src/facts/etcd/health.js';
import { healthTable, judgeHealth } from '../../../src/modules/etcd/judge-health.js';
import { parseEtcdJson, hexId } from '../../../src/facts/etcd/etcdctl.js';
import { ModuleError } from '../../../src/errors.js';
import type { Module } from '../../../src/modules/types.js';
import { moduleTable } from '../../helpers/module-table.js';

// Captured from etcd 3.4.23 (Debian's etcd-server) on loopback: a 3-member
// cluster, then the same with m3 stopped; and one member over its quota.
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/etcd/${name}`, import.meta.url), 'utf8').trim();
const EP3 = ['http://127.0.0.1:23821', 'http://127.0.0.1:23822', 'http://127.0.0.1:23823'];
const EP1 = ['http://127.0.0.1:23790'];

function probeOutput(health: string, status: string, alarms: string, rc = [0, 0, 0]): string {
  return `@health\n${health}\n@rc ${rc[0]}\n@status\n${status}\n@rc ${rc[1]}\n@alarms\n${alarms}\n@rc ${rc[2]}\n`;
}

const HEALTHY3 = probeOutput(fixture('health-3.json'), fixture('status-3.json'), '');
const DOWN3 = probeOutput(fixture('health-3-down.out'), fixture('status-3-down.out'), fixture('alarm-3-down.out'), [1, 1, 0]);
const NOSPACE = probeOutput(fixture('health.json'), fixture('status-nospace.json'), fixture('alarms-nospace.txt'));

test('member ids survive JSON parsing as hex, as etcdctl member list prints them', (t) => {
  const parsed = parseEtcdJson(fixture('member-list.json')) as { members: Array<{ ID: string }> };
  t.is(hexId(parsed.members[0]?.ID), '2e1259d415f2a040');
});

test('parse: healthy 3-member cluster', (t) => {
  const status = parseHealthProbe(HEALTHY3, EP3);
  t.deepEqual(status.members.map((m) => [m.endpoint, m.healthy, m.leader]), [
    [EP3[0], true, false],
    [EP3[1], true, false],
    [EP3[2], true, true],
  ]);
  t.like(status.members[2], {
    member_id: '3eb5319275c205c9',
    raft_term: 2,
    raft_index: 9,
    raft_applied_index: 9,
    db_size: 20480,
    version: '3.4.23',
    is_learner: false,
    took: '33.541599ms',
  });
  t.deepEqual(status.alarms, []);
});

test('parse: a stopped member, with etcdctl warnings mixed into the output', (t) => {
  const status = parseHealthProbe(DOWN3, EP3);
  t.like(status.members[2], { endpoint: EP3[2], healthy: false, error: 'context deadline exceeded', leader: false });
  t.is(status.members[2]?.raft_term, undefined);
  t.is(status.members[1]?.leader, true, 'm2 took over');
});

test('parse: NOSPACE alarm names the member by endpoint', (t) => {
  const status = parseHealthProbe(NOSPACE, EP1);
  t.deepEqual(status.alarms, [{ member_id: '2e1259d415f2a040', alarm: 'NOSPACE', endpoint: EP1[0] }]);
});

test('parse: etcdctl missing', (t) => {
  const status = parseHealthProbe(probeOutput('sh: 1: etcdctl: not found', '', '', [127, 127, 127]), EP1);
  t.is(status.failure, 'sh: 1: etcdctl: not found');
});

const healthy = parseHealthProbe(HEALTHY3, EP3);
const edit = (f: (m: MemberHealth, i: number) => Partial<MemberHealth>): ClusterHealth => ({
  ...healthy,
  members: healthy.members.map((m, i) => ({ ...m, ...f(m, i) })),
});

const table: Array<[string, ClusterHealth, string[]]> = [
  ['healthy 3 members', healthy, []],
  ['one unhealthy', parseHealthProbe(DOWN3, EP3), [`unhealthy: ${EP3[2]} (context deadline exceeded)`]],
  ['no leader', edit(() => ({ leader: false, leader_id: '0' })), ['no leader']],
  [
    'more than one leader',
    edit((m, i) => (i === 0 ? { leader: true, leader_id: m.member_id } : {})),
    [`more than one leader: ${EP3[0]}, ${EP3[2]}`],
  ],
  ['term mismatch', edit((_, i) => (i === 1 ? { raft_term: 3 } : {})), [`raft terms differ: ${EP3[0]}=2, ${EP3[1]}=3, ${EP3[2]}=2`]],
  [
    'index lag',
    edit((_, i) => (i === 0 ? { raft_index: 5000 } : {})),
    [`raft indexes differ by more than 1000 (4991): ${EP3[0]}=5000, ${EP3[1]}=9, ${EP3[2]}=9`],
  ],
  ['alarm', parseHealthProbe(NOSPACE, EP1), [`alarms: NOSPACE on ${EP1[0]}`]],
];

for (const [name, status, problems] of table) {
  test(`judgeHealth: ${name}`, (t) => {
    t.deepEqual(judgeHealth(status), { ok: problems.length === 0, problems });
  });
}

test('judgeHealth: require_leader false tolerates a leaderless cluster', (t) => {
  t.true(judgeHealth(edit(() => ({ leader: false, leader_id: '0' })), { requireLeader: false }).ok);
});

test('healthTable: aligned columns, one row per member', (t) => {
  const lines = healthTable(parseHealthProbe(DOWN3, EP3).members);
  t.is(lines.length, 4);
  t.regex(lines[0] ?? '', /^ENDPOINT\s+HEALTH\s+ID\s+LEADER\s+TERM\s+INDEX\s+APPLIED\s+DB\s+VERSION\s+TOOK\s+ERROR$/);
  t.regex(lines[2] ?? '', /^http:\/\/127\.0\.0\.1:23822\s+healthy\s+9e8217a12029fcba\s+leader\s+3\s+10\s+10\s+20\.5 kB\s+3\.4\.23/);
  t.regex(lines[3] ?? '', /UNHEALTHY.*context deadline exceeded$/);
  t.is(lines[1]?.indexOf('healthy'), lines[0]?.indexOf('HEALTH'));
});

/** etcd_health with its sleeps recorded instead of slept. */
function healthWaiting(): { module: Module<any>; sleeps: number[] } {
  const sleeps: number[] = [];
  return { module: { ...etcdHealth, plan: (ctx, a) => planEtcdHealth(ctx, a as EtcdHealthArgs, async (ms) => void sleeps.push(ms)) }, sleeps };
}
const failing = healthWaiting();
const updates: unknown[] = [];

moduleTable([
  {
    name: 'one probe with TLS flags, changed false, result for register',
    module: etcdHealth,
    host: 'etcd1',
    args: { endpoints: EP3, cacert: '/etc/kubernetes/ssl/ca.pem', cert: '/etc/kubernetes/ssl/etcd.pem', key: '/etc/kubernetes/ssl/etcd-key.pem' },
    facts: { 'endpoint health': HEALTHY3 },
    expect: {
      changed: false,
      result: { healthy: true, leader: EP3[2], raft_term: 2, alarms: [] },
      readCommands: [
        'ETCDCTL_API=3 PATH="$PATH":/opt/kube/bin:/usr/local/bin etcdctl',
      ],
      also: (t, _plan, host) => {
        const [command = ''] = host.commands();
        t.true(command.includes(`--endpoints=${EP3.join(',')} --dial-timeout=5s --command-timeout=5s --cacert=/etc/kubernetes/ssl/ca.pem --cert=/etc/kubernetes/ssl/etcd.pem --key=/etc/kubernetes/ssl/etcd-key.pem endpoint status -w json`));
        t.true(command.includes('alarm list'));
      },
    },
  },
  {
    name: 'fails naming the problem, after retries',
    module: failing.module,
    host: 'etcd1',
    args: { endpoints: EP3, retries: 2, delay: 1 },
    facts: [[/^/, DOWN3]],
    expect: {
      error: `etcd cluster is not healthy: unhealthy: ${EP3[2]} (context deadline exceeded)`,
      errorClass: ModuleError,
      errorResult: { healthy: false, attempts: 3, leader: EP3[1] },
      afterError: (t, host) => {
        t.is(host.commands().length, 3);
        t.deepEqual(failing.sleeps, [1000, 1000]);
      },
    },
  },
  {
    name: 'recovers on a later attempt',
    module: healthWaiting().module,
    host: 'etcd1',
    args: { endpoints: EP3, retries: 3 },
    facts: [['endpoint', [DOWN3, HEALTHY3]]],
    expect: { changed: false, reads: 2, result: { healthy: true, attempts: 2 } },
  },
  {
    name: 'while it waits, it tells how many members are healthy, through the progress callback only',
    module: healthWaiting().module,
    host: 'etcd1',
    args: { endpoints: EP3, retries: 3 },
    context: { progress: (u) => updates.push(u) },
    facts: [['endpoint', [DOWN3, DOWN3, HEALTHY3]]],
    expect: {
      changed: false,
      result: { healthy: true, attempts: 3 },
      also: (t) => {
        const waiting = { text: 'waiting for 3/3 healthy (2/3 now)', done: 2, total: 3, unit: 'count' };
        t.deepEqual(updates, [waiting, waiting]);
      },
    },
  },
]);


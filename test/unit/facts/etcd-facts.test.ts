/**
 * The etcd facts, parsed from output captured from etcd 3.4.23 (Debian's
 * etcd-server and etcdctl): member lists, endpoint status with a member
 * down, data-dir listings and journals of a member whose WAL is corrupt.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { etcdDataDir } from '../../../src/facts/etcd/data-dir.js';
import { etcdEndpointStatus } from '../../../src/facts/etcd/endpoint-status.js';
import { etcdJournalCorruption, findCorruption } from '../../../src/facts/etcd/journal-corruption.js';
import { etcdMembers } from '../../../src/facts/etcd/members.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/etcd/${name}`, import.meta.url), 'utf8').trim();
const out = (stdout: string, rc = 0) => ({ stdout, stderr: '', rc });
const TARGET = { etcdctl: '/opt/kube/bin/etcdctl', endpoints: ['http://127.0.0.1:23821', 'http://127.0.0.1:23822', 'http://127.0.0.1:23823'] };

test('etcd_members: the command asks for JSON, every value quoted', (t) => {
  t.is(
    etcdMembers.command({ ...TARGET, endpoints: ["https://a b:2379"], cacert: '/x/ca.pem' }),
    "ETCDCTL_API=3 /opt/kube/bin/etcdctl '--endpoints=https://a b:2379' --dial-timeout=3s --command-timeout=3s --cacert=/x/ca.pem member list -w json 2>&1",
  );
});

const memberCases: Array<{ title: string; stdout: string; rc?: number; expected: unknown }> = [
  {
    title: 'three started members, ids in hex',
    stdout: fixture('member-list-3.json'),
    expected: {
      cluster_id: 'f92831bbb4d0af7e',
      members: [
        { id: 'd8812d7cd4d463e', name: 'm1', peer_urls: ['http://127.0.0.1:23811'], client_urls: ['http://127.0.0.1:23821'], is_learner: false },
        { id: '3eb5319275c205c9', name: 'm3', peer_urls: ['http://127.0.0.1:23813'], client_urls: ['http://127.0.0.1:23823'], is_learner: false },
        { id: '9e8217a12029fcba', name: 'm2', peer_urls: ['http://127.0.0.1:23812'], client_urls: ['http://127.0.0.1:23822'], is_learner: false },
      ],
    },
  },
  {
    title: 'a learner added and not started: no name, no client URL',
    stdout: fixture('member-list-learner.json'),
    expected: {
      cluster_id: '48276a8f75b6a87',
      members: [
        { id: '2e1259d415f2a040', name: 'cap1', peer_urls: ['http://127.0.0.1:23800'], client_urls: ['http://127.0.0.1:23790'], is_learner: false },
        { id: 'b631bef75783595c', name: '', peer_urls: ['http://127.0.0.1:23801'], client_urls: [], is_learner: true },
      ],
    },
  },
  {
    title: 'etcdctl failed: its error, no members',
    stdout: `${fixture('health-down.err')}`,
    rc: 1,
    expected: { members: [], error: 'Error: unhealthy cluster' },
  },
];

for (const c of memberCases) {
  test(`etcd_members: ${c.title}`, (t) => {
    t.deepEqual(etcdMembers.parse(out(c.stdout, c.rc), TARGET), c.expected);
  });
}

test('etcd_endpoint_status: three members, one leader, raft index and term', (t) => {
  const states = etcdEndpointStatus.parse(out(fixture('status-3.json')), TARGET);
  t.deepEqual(states.map((s) => [s.endpoint, s.member_id, s.leader_id, s.raft_index, s.raft_term, s.error]), [
    ['http://127.0.0.1:23821', 'd8812d7cd4d463e', '3eb5319275c205c9', 9, 2, undefined],
    ['http://127.0.0.1:23822', '9e8217a12029fcba', '3eb5319275c205c9', 9, 2, undefined],
    ['http://127.0.0.1:23823', '3eb5319275c205c9', '3eb5319275c205c9', 9, 2, undefined],
  ]);
});

test('etcd_endpoint_status: a member down keeps its place, with the reason', (t) => {
  const states = etcdEndpointStatus.parse(out(fixture('status-3-down.out'), 1), TARGET);
  t.is(states.length, 3);
  t.deepEqual(states[2], { endpoint: 'http://127.0.0.1:23823', is_learner: false, error: 'context deadline exceeded' });
  t.is(states[0]?.raft_term, 3, 'a new term after the election without m3');
});

const dataDirCases: Array<{ title: string; stdout: string; expected: unknown }> = [
  { title: 'no data', stdout: '', expected: { has_data: false, has_wal: false, has_snap: false, moved_aside: [] } },
  {
    title: 'data, and two earlier dirs moved aside',
    stdout: 'dir=member\ndir=member/wal\ndir=member/snap\naside=/var/lib/etcd.removed-20261202T071500Z\naside=/var/lib/etcd.removed-20261201T101010Z\n',
    expected: { has_data: true, has_wal: true, has_snap: true, moved_aside: ['/var/lib/etcd.removed-20261201T101010Z', '/var/lib/etcd.removed-20261202T071500Z'] },
  },
];

for (const c of dataDirCases) {
  test(`etcd_data_dir: ${c.title}`, (t) => {
    t.deepEqual(etcdDataDir.parse(out(c.stdout), { dir: '/var/lib/etcd' }), c.expected);
  });
}

test('etcd_data_dir: the command quotes the dir', (t) => {
  t.regex(etcdDataDir.command({ dir: "/srv/my etcd" }), /'\/srv\/my etcd'\/"\$d"/);
});

// etcd 3.4's journal after a power cut corrupted its WAL (capnslog format, as Debian's unit logs it)
const CRC_JOURNAL = [
  'etcdmain: etcd Version: 3.4.23',
  'etcdserver: restarting member 3e71cbb0cb36a5eb in cluster 48276a8f75b6a87 at commit index 512',
  'etcdmain: read wal error (walpb: crc mismatch) and cannot be repaired',
  'etcd.service: Main process exited, code=exited, status=1/FAILURE',
].join('\n');
const SNAP_JOURNAL = '{"level":"fatal","msg":"failed to recover v3 backend from snapshot","error":"failed to find database snapshot file (snap: snapshot file doesn\'t exist)"}';

const journalCases: Array<{ title: string; stdout: string; expected: unknown }> = [
  { title: 'running: not reported', stdout: `active=active\n${CRC_JOURNAL}`, expected: { active: 'active', corruption: null } },
  { title: 'down with a WAL crc mismatch', stdout: `active=activating\n${CRC_JOURNAL}`, expected: { active: 'activating', corruption: 'etcdmain: read wal error (walpb: crc mismatch) and cannot be repaired' } },
  { title: 'down with a lost snapshot', stdout: `active=failed\n${SNAP_JOURNAL}`, expected: { active: 'failed', corruption: SNAP_JOURNAL } },
  { title: 'down without a corruption (stopped by hand)', stdout: 'active=inactive\netcd.service: Deactivated successfully.', expected: { active: 'inactive', corruption: null } },
];

for (const c of journalCases) {
  test(`etcd_journal_corruption: ${c.title}`, (t) => {
    t.deepEqual(etcdJournalCorruption.parse(out(c.stdout), {}), c.expected);
  });
}

test('etcd_journal_corruption: the last corruption line wins', (t) => {
  t.is(findCorruption('wal: file not found\nfine\nrecovering: wal: crc mismatch'), 'recovering: wal: crc mismatch');
});

import test from 'ava';
import { chooseBackupSource } from '../../../src/modules/etcd/backup-source.js';
import { clusterStanding, decideRestore, restoreFlags, type RestoreInput } from '../../../src/modules/etcd/restore-plan.js';
import { memberStates } from '../../../src/modules/etcd/restore-plan-module.js';
import { parseRestoreHelp } from '../../../src/facts/etcd/restore-flags.js';

const A = 'https://10.0.0.1:2379';
const B = 'https://10.0.0.2:2379';
const C = 'https://10.0.0.3:2379';
const up = (endpoint: string, leader = false) => ({ endpoint, healthy: true, leader });
const down = (endpoint: string) => ({ endpoint, healthy: false, leader: false });

const NEW = 'k8s-20260103T000000Z-rev30.db';
const OLD = 'k8s-20260101T000000Z-rev10.db';
const FLAGS_35 = { bumpRevision: true, markCompacted: true, etcdutl: true };
const FLAGS_34 = { bumpRevision: false, markCompacted: false, etcdutl: false };

const base: RestoreInput = {
  cluster: 'k8s',
  files: [OLD, `${OLD}.sha256`, NEW, `${NEW}.sha256`],
  requested: '',
  problems: new Map([[NEW, undefined]]),
  health: [down(A), down(B), down(C)],
  force: false,
  members: ['a', 'b', 'c'],
  reachable: ['a', 'b', 'c'],
  flags: FLAGS_35,
  bumpRevision: 1_000_000_000,
  clusterToken: 'etcd-k8s',
  stamp: '20260105T120000Z',
};

test('plan: the newest intact snapshot, a new token, bump and mark-compacted on etcdutl', (t) => {
  const d = decideRestore(base);
  t.true(d.ok);
  if (!d.ok) return;
  t.is(d.plan.snapshot, NEW);
  t.is(d.plan.revision, 30);
  t.is(d.plan.token, 'etcd-k8s-restore-20260105T120000Z');
  t.deepEqual(d.plan.flags, ['--initial-cluster-token', 'etcd-k8s-restore-20260105T120000Z', '--bump-revision', '1000000000', '--mark-compacted']);
  t.is(d.plan.tool, 'etcdutl');
  t.deepEqual(d.plan.warnings, []);
});

test('plan: a damaged newest snapshot is skipped with a warning, the next intact one used', (t) => {
  const d = decideRestore({ ...base, problems: new Map([[NEW, 'its sha256 is x, not y'], [OLD, undefined]]) });
  t.true(d.ok);
  if (!d.ok) return;
  t.is(d.plan.snapshot, OLD);
  t.deepEqual(d.plan.warnings, [`skipped ${NEW}: its sha256 is x, not y`]);
});

test('plan: etcd 3.4 (etcdctl) restores without revision flags, and says what that means', (t) => {
  const d = decideRestore({ ...base, flags: FLAGS_34 });
  t.true(d.ok);
  if (!d.ok) return;
  t.deepEqual(d.plan.flags, ['--initial-cluster-token', 'etcd-k8s-restore-20260105T120000Z']);
  t.is(d.plan.tool, 'etcdctl');
  t.is(d.plan.bump_revision, 0);
  t.regex(d.plan.warnings.join(), /no --bump-revision\/--mark-compacted: .*restarted/);
});

test('plan: a restore over a healthy cluster goes ahead only when forced', (t) => {
  const d = decideRestore({ ...base, health: [up(A, true), up(B), up(C)], force: true });
  t.true(d.ok);
});

// which release's restore tool has which flag (read from the binary's own --help)
const HELP: Array<[string, string, boolean, { bumpRevision: boolean; markCompacted: boolean }]> = [
  ['etcdctl 3.4.23', '      --skip-hash-check[=false]\tIgnore snapshot integrity hash value\n      --wal-dir=""\tPath to the WAL directory', false, { bumpRevision: false, markCompacted: false }],
  ['etcdutl 3.5.16', '      --bump-revision uint                   How much to increase the latest revision after restore\n      --mark-compacted                       Mark the latest revision after restore as the point of scheduled compaction', true, { bumpRevision: true, markCompacted: true }],
  ['etcdutl 3.5 without them', '      --skip-hash-check                      Ignore snapshot integrity hash value\n      --wal-dir string', true, { bumpRevision: false, markCompacted: false }],
];
for (const [release, help, etcdutl, expected] of HELP) {
  test(`flags: ${release}`, (t) => t.deepEqual(parseRestoreHelp(help, etcdutl), { ...expected, etcdutl }));
}

const FLAGS: Array<[string, Parameters<typeof restoreFlags>, string[]]> = [
  ['bump on a tool that has it', [FLAGS_35, 5, 'T'], ['--initial-cluster-token', 'T', '--bump-revision', '5', '--mark-compacted']],
  ['bump 0: neither flag (mark-compacted needs a bump)', [FLAGS_35, 0, 'T'], ['--initial-cluster-token', 'T']],
  ['a tool with only one of the two gets neither', [{ bumpRevision: true, markCompacted: false, etcdutl: true }, 5, 'T'], ['--initial-cluster-token', 'T']],
];
for (const [title, input, expected] of FLAGS) {
  test(`flags: ${title}`, (t) => t.deepEqual(restoreFlags(...input).flags, expected));
}

const STANDING: Array<[string, Parameters<typeof clusterStanding>[0], ReturnType<typeof clusterStanding>]> = [
  ['all healthy with a leader', [up(A, true), up(B), up(C)], 'healthy'],
  ['two of three with a leader', [up(A, true), up(B), down(C)], 'quorum'],
  ['one of three, no leader', [up(A), down(B), down(C)], 'lost'],
  ['nobody answers', [down(A), down(B), down(C)], 'lost'],
  ['two answer but know no leader', [up(A), up(B), down(C)], 'lost'],
];
for (const [title, health, expected] of STANDING) {
  test(`standing: ${title}`, (t) => t.is(clusterStanding(health, 3), expected));
}

// every refusal, each naming why and that nothing was changed
const REFUSALS: Array<[string, Partial<RestoreInput>, RegExp]> = [
  ['a cluster name that cannot name files', { cluster: '../x' }, /cluster_name "\.\.\/x" cannot name snapshot files/],
  ['a member not in the run', { reachable: ['a', 'b'] }, /rewrites every member, and c is not in this run/],
  ['two members not in the run', { reachable: ['a'] }, /b, c are not in this run/],
  ['no snapshot at all', { files: ['README'], problems: new Map() }, /no snapshot of cluster k8s to restore: take one first/],
  ['the asked-for snapshot is damaged', { requested: '/b/x.db', problems: new Map([['/b/x.db', 'its sha256 is 1, not 2']]) }, /snapshot \/b\/x\.db cannot be used: its sha256 is 1, not 2/],
  ['the asked-for snapshot is missing', { requested: '/b/x.db', problems: new Map([['/b/x.db', 'x.db.sha256 is missing']]) }, /cannot be used: x\.db\.sha256 is missing/],
  ['every snapshot damaged', { problems: new Map([[NEW, 'bad a'], [OLD, 'bad b']]) }, /no intact snapshot of cluster k8s: .*rev30\.db: bad a; .*rev10\.db: bad b/],
  ['a healthy cluster', { health: [up(A, true), up(B), up(C)] }, /the cluster is healthy .* lose every write since\. .*etcd_restore_force=true/],
  ['a cluster that still has quorum', { health: [up(A, true), up(B), down(C)] }, /still has quorum \(down: https:\/\/10\.0\.0\.3:2379\): replace the failed members instead/],
  ['health that could not be checked', { healthError: 'etcdctl failed: no such file' }, /health could not be checked \(etcdctl failed: no such file\)/],
];
for (const [title, change, message] of REFUSALS) {
  test(`refuses: ${title}`, (t) => {
    const d = decideRestore({ ...base, ...change });
    t.false(d.ok);
    if (d.ok) return;
    t.regex(d.refusal, message);
    t.regex(d.refusal, /; nothing was changed$/);
  });
}

test('health results: members read from an etcd_health result, a broken etcdctl is an error', (t) => {
  t.deepEqual(memberStates({ members: [{ endpoint: A, healthy: true, leader: true }] }).states, [up(A, true)]);
  t.regex(memberStates({ members: [{ endpoint: A, healthy: false }], problems: ['etcdctl failed: x509'] }).error ?? '', /etcdctl failed: x509/);
  t.is(memberStates({ msg: 'no such file' }).error, 'no such file');
});

// which member a backup is taken on
const HOSTS = [{ host: 'a', client_url: A }, { host: 'b', client_url: B }, { host: 'c', client_url: C }];
const SOURCES: Array<[string, Parameters<typeof chooseBackupSource>[0], string | RegExp]> = [
  ['the healthy leader', [up(A), up(B, true), up(C)], 'b'],
  ['the leader even when a follower is down', [down(A), up(B), up(C, true)], 'c'],
  ['a healthy follower when the leader is not a member in the run', [up(A), up(B), up('https://10.0.0.9:2379', true)], 'a'],
  ['none when no member is healthy', [down(A), down(B), down(C)], /no healthy member of a cluster with a leader/],
  ['none when there is no leader (a stale member)', [up(A), down(B), down(C)], /no healthy member of a cluster with a leader/],
];
for (const [title, health, expected] of SOURCES) {
  test(`backup source: ${title}`, (t) => {
    const s = chooseBackupSource(health, HOSTS);
    if (typeof expected === 'string') t.deepEqual(s.ok && s.host, expected);
    else t.regex(s.ok ? '' : s.error, expected);
  });
}

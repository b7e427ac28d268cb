import test from 'ava';
import { parseSnapshotStatus } from '../../../src/facts/etcd/snapshot-status.js';
import { parseRestoreTest } from '../../../src/facts/etcd/snapshot-restore-test.js';
import { parseBackupOutput } from '../../../src/modules/etcd/backup.js';
import { judgeRestoreTest, verifiedLine } from '../../../src/modules/etcd/snapshot-verify.js';

// captured from etcdctl 3.4.23 and etcdutl 3.5.16
const STATUS = [
  ['etcdctl 3.4', '{"hash":2016214415,"revision":21,"totalKey":24,"totalSize":20480}\n', 0, { ok: true, revision: 21, totalKey: 24, totalSize: 20480, hash: 2016214415 }],
  ['etcdutl 3.5 with a deprecation log first', '{"level":"warn","msg":"x"}\n{"hash":1,"revision":7,"totalKey":9,"totalSize":4096,"version":"3.5.0"}\n', 0, { ok: true, revision: 7, totalKey: 9, totalSize: 4096, hash: 1 }],
  ['not a snapshot', 'Error: snapshot file integrity check failed\n', 1, { ok: false, error: 'Error: snapshot file integrity check failed' }],
] as const;
for (const [title, stdout, rc, expected] of STATUS) {
  test(`snapshot status: ${title}`, (t) => t.deepEqual(parseSnapshotStatus(stdout, rc), expected));
}

const RESTORED = `@status
{"hash":2016214415,"revision":21,"totalKey":24,"totalSize":20480}
@rc 0
@restore
{"level":"info","ts":1796193442.7,"caller":"snapshot/v3_snapshot.go:296","msg":"restoring snapshot"}
@rc 0
@count
{"header":{"cluster_id":17552383433490067196,"member_id":5368348455858743111,"revision":21,"raft_term":2},"kvs":[{"key":"azE=","create_revision":2,"mod_revision":2,"version":1}],"more":true,"count":20}
@rc 0
@hashkv
[{"Endpoint":"http://127.0.0.1:24791","HashKV":{"header":{"revision":21,"raft_term":2},"hash":3171532503,"compact_revision":-1}}]
@rc 0
@log
etcdserver: published
@rc 0
`;

test('restore test: a snapshot that restores and serves', (t) => {
  t.deepEqual(parseRestoreTest(RESTORED), { ok: true, snapshotRevision: 21, totalKey: 24, revision: 21, keys: 20, hash: 3171532503 });
});

const FAILED: Array<[string, string, 'status' | 'restore' | 'serve' | 'scratch', RegExp]> = [
  ['bytes flipped: the restore checks the hash', `@status\n{"hash":1,"revision":21,"totalKey":24,"totalSize":20480}\n@rc 0\n@restore\nError: expected sha256 [9 102], got [118 18]\n@rc 1\n`, 'restore', /does not restore: Error: expected sha256/],
  ['not a snapshot at all', '@status\nError: invalid database\n@rc 1\n', 'status', /not an etcd snapshot: Error: invalid database/],
  ['restored but never served', `@status\n{"hash":1,"revision":21,"totalKey":24,"totalSize":20480}\n@rc 0\n@restore\nok\n@rc 0\n@count\nError: context deadline exceeded\n@rc 1\n@hashkv\n@rc 1\n@log\npanic: boom\n@rc 0\n`, 'serve', /did not serve it: Error: context deadline exceeded \(etcd: panic: boom\)/],
  ['no scratch folder', '@scratch\ncannot make a scratch folder\n@rc 1\n', 'scratch', /cannot make a scratch folder/],
];
for (const [title, stdout, stage, message] of FAILED) {
  test(`restore test fails: ${title}`, (t) => {
    const r = parseRestoreTest(stdout);
    t.false(r.ok);
    if (r.ok) return;
    t.is(r.stage, stage);
    t.regex(r.error, message);
  });
}

const OK = { ok: true as const, snapshotRevision: 21, totalKey: 24, revision: 21, keys: 20, hash: 7 };
const JUDGE: Array<[string, typeof OK, { keys?: number; hash?: number }, string[]]> = [
  ['as the cluster served it', OK, { keys: 20, hash: 7 }, []],
  ['nothing expected: the revision alone', OK, {}, []],
  ['an empty store: revision 0 in the snapshot, 1 served', { ...OK, snapshotRevision: 0, revision: 1, keys: 0 }, {}, []],
  ['another revision', { ...OK, revision: 20 }, {}, ['it serves revision 20, the snapshot says 21']],
  ['keys missing', OK, { keys: 25 }, ['it serves 20 keys, the cluster had 25 at that revision']],
  ['another hash', OK, { hash: 8 }, ["its hashkv is 7, the cluster's was 8 at that revision"]],
];
for (const [title, result, expect, problems] of JUDGE) {
  test(`restore test judged: ${title}`, (t) => t.deepEqual(judgeRestoreTest(result, expect), problems));
}

test('the verified line', (t) => {
  t.is(verifiedLine('/c/k8s-20260101T000000Z-rev21.db', OK), 'snapshot /c/k8s-20260101T000000Z-rev21.db: restored and verified, revision 21, 20 keys, hash 7');
});

test("the backup script's output", (t) => {
  const out = 'snapshot=/var/lib/etcd-backup/k8s-20260101T000000Z-rev21.db\nrevision=21\nsha256=' + 'ab'.repeat(32) + '\nsize=20512\nkeys=20\nhashkv=3171532503\nremoved=k8s-20251201T000000Z-rev3.db\n';
  t.deepEqual(parseBackupOutput(out), {
    remote_snapshot: '/var/lib/etcd-backup/k8s-20260101T000000Z-rev21.db',
    revision: 21,
    sha256: 'ab'.repeat(32),
    size: 20512,
    keys: 20,
    hashkv: 3171532503,
    removed: ['k8s-20251201T000000Z-rev3.db'],
  });
  t.deepEqual(parseBackupOutput('skipped=not the leader\n'), { skipped: 'not the leader', removed: [] });
  t.deepEqual(parseBackupOutput('snapshot=/x.db\nkeys=\n'), { remote_snapshot: '/x.db', removed: [] }, 'an unknown count stays unknown');
});

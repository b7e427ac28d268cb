import test from 'ava';
import {
  parseSha256File,
  parseSnapshotName,
  retentionRemovals,
  sha256Line,
  snapshotFileName,
  snapshotsOf,
  utcStamp,
} from '../../../src/modules/etcd/backup-names.js';

const NOW = new Date('2026-01-18T09:30:05.123Z');

test('naming: <cluster>-<UTC time>-rev<revision>.db, and read back', (t) => {
  t.is(utcStamp(NOW), '20260118T093005Z');
  const file = snapshotFileName('k8s', NOW, 4711);
  t.is(file, 'k8s-20260118T093005Z-rev4711.db');
  t.deepEqual(parseSnapshotName(file), { file, cluster: 'k8s', stamp: '20260118T093005Z', revision: 4711 });
  // a cluster name with dashes keeps them
  t.is(parseSnapshotName('prod-eu-1-20260118T093005Z-rev9.db')?.cluster, 'prod-eu-1');
});

for (const bad of ['k8s-20260118T093005Z-rev4711.db.sha256', 'k8s-2026-01-18-rev1.db', 'k8s-20260118T093005Z.db', '.k8s-20260118T093005Z.db.part', 'notes.txt']) {
  test(`naming: ${bad} is not a snapshot`, (t) => t.is(parseSnapshotName(bad), undefined));
}

const FILES = [
  'k8s-20260102T000000Z-rev20.db', 'k8s-20260102T000000Z-rev20.db.sha256',
  'k8s-20260101T000000Z-rev10.db', 'k8s-20260101T000000Z-rev10.db.sha256',
  'k8s-20260103T000000Z-rev30.db', 'k8s-20260103T000000Z-rev30.db.sha256',
  // the same second twice: the revision orders them
  'k8s-20260103T000000Z-rev9.db',
  'other-20251231T000000Z-rev1.db', 'other-20251231T000000Z-rev1.db.sha256',
  'README', '.k8s-20260104T000000Z.db.part',
];

test('snapshots of a cluster, oldest first; other clusters and other files left out', (t) => {
  t.deepEqual(snapshotsOf(FILES, 'k8s').map((s) => s.file), [
    'k8s-20260101T000000Z-rev10.db',
    'k8s-20260102T000000Z-rev20.db',
    'k8s-20260103T000000Z-rev9.db',
    'k8s-20260103T000000Z-rev30.db',
  ]);
});

const RETENTION: Array<[string, number, string[]]> = [
  ['keep 10 of 4: nothing goes', 10, []],
  ['keep 4 of 4: nothing goes', 4, []],
  ['keep 2: the two oldest go, each with its .sha256', 2, [
    'k8s-20260101T000000Z-rev10.db', 'k8s-20260101T000000Z-rev10.db.sha256',
    'k8s-20260102T000000Z-rev20.db', 'k8s-20260102T000000Z-rev20.db.sha256',
  ]],
  ['keep 1: a snapshot without .sha256 goes alone', 1, [
    'k8s-20260101T000000Z-rev10.db', 'k8s-20260101T000000Z-rev10.db.sha256',
    'k8s-20260102T000000Z-rev20.db', 'k8s-20260102T000000Z-rev20.db.sha256',
    'k8s-20260103T000000Z-rev9.db',
  ]],
  ['keep 0 keeps everything', 0, []],
];
for (const [title, keep, removed] of RETENTION) {
  test(`retention: ${title}`, (t) => t.deepEqual(retentionRemovals(FILES, 'k8s', keep), removed));
}

test("retention never touches another cluster's snapshots", (t) => {
  t.deepEqual(retentionRemovals(FILES, 'other', 1), []);
  t.false(retentionRemovals(FILES, 'k8s', 1).some((f) => f.startsWith('other-')));
});

test('sha256 files: written and read in sha256sum format', (t) => {
  const sum = 'a'.repeat(64);
  const file = 'k8s-20260101T000000Z-rev10.db';
  t.is(sha256Line(sum, file), `${sum}  ${file}\n`);
  t.is(parseSha256File(sha256Line(sum, file), file), sum);
  t.is(parseSha256File(`${sum} *${file}\n`, file), sum, 'binary mode marker');
  t.is(parseSha256File(sha256Line(sum, 'other.db'), file), undefined);
  t.is(parseSha256File('garbage\n', file), undefined);
});

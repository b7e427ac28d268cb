import test from 'ava';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateArgs } from '../../../src/modules/args.js';
import { etcdBackupFetch, planEtcdBackupFetch, type EtcdBackupFetchArgs } from '../../../src/modules/etcd/backup-fetch.js';
import { etcdRestoreData } from '../../../src/modules/etcd/restore-data.js';
import type { Step } from '../../../src/modules/types.js';
import { localHost, runSteps } from './get-url-harness.js';
import { moduleTable } from '../../helpers/module-table.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const fetchArgs = (given: Record<string, unknown>) => validateArgs('etcd_backup_fetch', etcdBackupFetch.args, given) as unknown as EtcdBackupFetchArgs;
const describe = (s: Step) => (s.kind === 'exec' ? `${s.on ?? 'host'}: ${s.command}` : s.kind === 'fetch' ? `fetch ${s.src} -> ${s.dest}` : `put ${s.dest}`);

function member(files: Record<string, Buffer>): { remote: string; controller: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ezplay-backup-test-'));
  const remote = path.join(root, 'member');
  const controller = path.join(root, 'controller');
  mkdirSync(remote);
  mkdirSync(controller);
  for (const [name, bytes] of Object.entries(files)) writeFileSync(path.join(name.startsWith('c:') ? controller : remote, name.replace(/^c:/, '')), bytes);
  return { remote, controller };
}

const SNAP = 'k8s-20260103T000000Z-rev30.db';
const BYTES = Buffer.from('a snapshot, as far as this test knows');

test('fetch: copied, checked, .sha256 written, oldest past keep removed, member copy removed', async (t) => {
  const { remote, controller } = member({
    [SNAP]: BYTES,
    'c:k8s-20260101T000000Z-rev10.db': Buffer.from('old'),
    'c:k8s-20260101T000000Z-rev10.db.sha256': Buffer.from('x'),
    'c:k8s-20260102T000000Z-rev20.db': Buffer.from('newer'),
    'c:other-20250101T000000Z-rev1.db': Buffer.from('another cluster'),
  });
  const { conn, ctx } = localHost();
  const plan = await planEtcdBackupFetch(ctx, fetchArgs({ src: path.join(remote, SNAP), sha256: sha(BYTES), dest: controller, keep: 2 }));
  t.true(plan.changed);
  t.deepEqual(plan.result?.removed, ['k8s-20260101T000000Z-rev10.db']);
  await runSteps(conn, plan.steps ?? []);
  t.deepEqual(readdirSync(controller).sort(), [
    'k8s-20260102T000000Z-rev20.db', SNAP, `${SNAP}.sha256`, 'other-20250101T000000Z-rev1.db',
  ]);
  t.is(readFileSync(path.join(controller, `${SNAP}.sha256`), 'utf8'), `${sha(BYTES)}  ${SNAP}\n`);
  t.false(existsSync(path.join(remote, SNAP)), "the member's copy is gone once the fetched one matched");
  t.deepEqual(plan.undo?.map(describe), [`controller: rm -f ${path.join(controller, SNAP)} ${path.join(controller, SNAP)}.sha256 ${path.join(controller, `.${SNAP}.part`)}`]);

  // a new task reads the host again (a context caches what it read)
  const again = await planEtcdBackupFetch(localHost().ctx, fetchArgs({ src: path.join(remote, SNAP), sha256: sha(BYTES), dest: controller, keep: 2 }));
  t.false(again.changed, 'already on the controller: nothing to do');
});

test('fetch: a copy that does not match the sha256 is removed and fails the step; the member keeps its copy', async (t) => {
  const { remote, controller } = member({ [SNAP]: BYTES });
  const { conn, ctx } = localHost();
  const plan = await planEtcdBackupFetch(ctx, fetchArgs({ src: path.join(remote, SNAP), sha256: 'f'.repeat(64), dest: controller }));
  await t.throwsAsync(runSteps(conn, plan.steps ?? []), { message: /does not match the sha256/ });
  t.deepEqual(readdirSync(controller), []);
  t.true(existsSync(path.join(remote, SNAP)));
});

moduleTable([
  {
    name: 'refuses a file not named by the convention',
    module: etcdBackupFetch,
    host: 'etcd1',
    args: { dest: '/tmp/x', src: '/var/lib/etcd-backup/snap.db', sha256: 'f'.repeat(64) },
    expect: { error: /is not named <cluster>-<UTC time>-rev<revision>\.db/ },
  },
  {
    name: 'refuses a sha256 that is not one',
    module: etcdBackupFetch,
    host: 'etcd1',
    args: { dest: '/tmp/x', src: `/var/lib/etcd-backup/${SNAP}`, sha256: 'abc' },
    expect: { error: /is not a sha256 in hex/ },
  },
]);

const RESTORE = {
  snapshot: '/c/backup/k8s-20260103T000000Z-rev30.db',
  etcdctl: '/c/down/etcd-v3.5.16-linux-amd64/etcdctl',
  etcdutl: '/c/down/etcd-v3.5.16-linux-amd64/etcdutl',
  name: 'etcd-10.0.0.1',
  peer_url: 'https://10.0.0.1:2380',
  initial_cluster: 'etcd-10.0.0.1=https://10.0.0.1:2380,etcd-10.0.0.2=https://10.0.0.2:2380',
  flags: ['--initial-cluster-token', 'etcd-k8s-restore-20260105T120000Z', '--bump-revision', '1000000000', '--mark-compacted'],
  data_dir: '/var/lib/etcd',
  owner: 'etcd',
  stamp: '20260105T120000Z',
  scratch_dir: '/scratch',
};
const STREAMED = 'the unpack step streams a tarball the controller makes while applying; the lab tests restore for real';

moduleTable([
  {
    name: 'restored on the controller, old data moved aside, new data unpacked; undo puts it back',
    module: etcdRestoreData,
    host: '10.0.0.1',
    args: RESTORE,
    facts: { 'echo data=yes': 'data=yes\n' },
    expect: {
      changed: true,
      also: (t, plan) => {
        const steps = plan.steps?.map(describe) ?? [];
        t.regex(steps[0] ?? '', /^controller: .*\/c\/down\/etcd-v3\.5\.16-linux-amd64\/etcdutl snapshot restore \/c\/backup\/k8s-20260103T000000Z-rev30\.db --name etcd-10\.0\.0\.1 --initial-cluster etcd-10\.0\.0\.1=https:\/\/10\.0\.0\.1:2380,etcd-10\.0\.0\.2=https:\/\/10\.0\.0\.2:2380 --initial-advertise-peer-urls https:\/\/10\.0\.0\.1:2380 --initial-cluster-token etcd-k8s-restore-20260105T120000Z --bump-revision 1000000000 --mark-compacted --data-dir \/scratch\/ezplay-restore-20260105T120000Z-10\.0\.0\.1\/data /);
        t.is(steps[1], 'host: if systemctl is-active --quiet etcd.service 2>/dev/null; then echo "etcd still runs: stop it before its data is replaced" >&2; exit 1; fi && mv /var/lib/etcd /var/lib/etcd.restore-20260105T120000Z');
        t.regex(steps[2] ?? '', /^host: set -e\n.*is-active.*\nrm -rf \/var\/lib\/etcd\.incoming\n.*mkdir -m 0700 \/var\/lib\/etcd\.incoming\ntar -xzf - -C \/var\/lib\/etcd\.incoming --no-same-owner\nchown -R etcd:etcd \/var\/lib\/etcd\.incoming\nmv \/var\/lib\/etcd\.incoming \/var\/lib\/etcd$/s);
        t.is((plan.steps?.[2] as Extract<Step, { kind: 'exec' }>).stdinFile, '/scratch/ezplay-restore-20260105T120000Z-10.0.0.1/data.tgz');
        t.is(steps[3], 'controller: rm -rf /scratch/ezplay-restore-20260105T120000Z-10.0.0.1');
        t.is(plan.undo?.map(describe)[0], 'host: if [ -e /var/lib/etcd ]; then mv /var/lib/etcd /var/lib/etcd.failed-restore-20260105T120000Z; fi; if [ -e /var/lib/etcd.restore-20260105T120000Z ]; then mv /var/lib/etcd.restore-20260105T120000Z /var/lib/etcd; fi');
        t.deepEqual(plan.result, { data_dir: '/var/lib/etcd', moved_aside: '/var/lib/etcd.restore-20260105T120000Z' });
      },
    },
    notApplied: STREAMED,
  },
  {
    name: 'a wiped member has nothing to move aside; 3.4 restores with etcdctl; a WAL dir is restored too',
    module: etcdRestoreData,
    host: '10.0.0.2',
    args: { ...RESTORE, etcdutl: '', flags: ['--initial-cluster-token', 'T'], wal_dir: '/wal/etcd' },
    expect: {
      changed: true,
      also: (t, plan) => {
        const steps = plan.steps?.map(describe) ?? [];
        t.regex(steps[0] ?? '', /^controller: .*ETCDCTL_API=3 \/c\/down\/etcd-v3\.5\.16-linux-amd64\/etcdctl snapshot restore .* --initial-cluster-token T --data-dir \S+\/data --wal-dir \S+\/wal /);
        t.false(steps.some((s) => s.includes(' mv /var/lib/etcd /var/lib/etcd.restore')), 'no data to move aside');
        t.true(steps.some((s) => s.includes('mv /wal/etcd.incoming /wal/etcd')));
      },
    },
    notApplied: STREAMED,
  },
  {
    name: 'refuses a stamp that is not a UTC time',
    module: etcdRestoreData,
    host: '10.0.0.1',
    args: { ...RESTORE, stamp: '2026-01-05' },
    facts: { 'echo data=yes': '' },
    expect: { error: /stamp "2026-01-05" is not a UTC time/ },
  },
]);

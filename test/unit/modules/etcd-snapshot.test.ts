import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { etcdSnapshot, planEtcdSnapshot, snapshotStamp, type EtcdSnapshotArgs } from '../../../src/modules/etcd/snapshot.js';
import { validateArgs } from '../../../src/modules/args.js';
import type { Module, Step } from '../../../src/modules/types.js';
import { moduleTable } from '../../helpers/module-table.js';
import { fakeHost, localHost, runSteps } from './get-url-harness.js';
import { startEtcd, type EtcdProcess } from './etcd-harness.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/etcd/${name}`, import.meta.url), 'utf8');
const NOW = new Date('2026-01-18T09:30:00.123Z');
const args = (given: Record<string, unknown>) => validateArgs('etcd_snapshot', etcdSnapshot.args, given) as unknown as EtcdSnapshotArgs;
const describeStep = (s: Step) => (s.kind === 'exec' ? `${s.on ?? 'host'}: ${s.command}` : s.kind === 'fetch' ? `fetch ${s.src} -> ${s.dest}` : `put ${s.dest}`);

const REMOTE = '/var/lib/etcd-snapshots/prod-20260118T093000Z-etcd1.db';
// the controller's side is this machine: snapshots land in a folder made now, removed after the tests
const CONTROLLER = mkdtempSync(path.join(os.tmpdir(), 'ezplay-snap-'));
test.after.always(() => rmSync(CONTROLLER, { recursive: true, force: true }));
const DEST = path.join(CONTROLLER, 'backups/etcd');
const LOCAL = `${DEST}/prod-20260118T093000Z-etcd1.db`;
/** etcd_snapshot at a fixed time. */
const atNow: Module<any> = { ...etcdSnapshot, plan: (ctx, a) => planEtcdSnapshot(ctx, a as EtcdSnapshotArgs, NOW) };

test('snapshot names carry the UTC time', (t) => t.is(snapshotStamp(NOW), '20260118T093000Z'));

moduleTable([
  {
    name: 'save on the member, fetch to the controller, undo removes both copies',
    module: atNow,
    host: 'etcd1',
    controller: 'local',
    args: { dest: DEST, name: 'prod', cacert: '/etc/ssl/ca.pem', cert: '/etc/ssl/c.pem', key: '/etc/ssl/c-key.pem' },
    facts: { 'endpoint status': fixture('status-3.json') },
    files: { [REMOTE]: 'snapshot bytes' },
    expect: {
      changed: true,
      registered: { snapshot: LOCAL },
      afterUndo: (t) => t.false(existsSync(LOCAL), 'the controller copy is gone'),
      diff: [{ subject: LOCAL, kind: 'summary', before: 'absent', after: `snapshot of https://127.0.0.1:2379 (db 20.5 kB, revision 2) saved on etcd1 at ${REMOTE}` }],
      also: (t, plan) => {
        const steps = plan.steps?.map(describeStep) ?? [];
        t.is(steps[0], `controller: mkdir -p ${DEST}`);
        t.regex(steps[1] ?? '', /umask 077\nmkdir -p -m 0700 \/var\/lib\/etcd-snapshots\n.*--endpoints=https:\/\/127.0.0.1:2379 .*--cacert=\/etc\/ssl\/ca.pem .* snapshot save \/var\/lib\/etcd-snapshots\/prod-20260118T093000Z-etcd1.db\nchmod 0600/);
        t.is(steps[2], `fetch ${REMOTE} -> ${LOCAL}`);
        t.is(steps.length, 3, 'keeps the remote copy by default');
        t.deepEqual(plan.undo?.map(describeStep), [`controller: rm -f ${LOCAL}`, `host: rm -f ${REMOTE} ${REMOTE}.part`]);
      },
    },
    idempotence: 'each snapshot is a new file named by the time it is taken',
  },
  {
    name: 'an unreachable endpoint fails while planning',
    module: atNow,
    host: 'etcd1',
    args: { dest: '/b' },
    facts: { 'endpoint status': { rc: 1, stdout: fixture('status-down.err') } },
    expect: { error: /cannot reach https:\/\/127.0.0.1:2379: Failed to get the status/ },
  },
]);

let etcd: EtcdProcess | undefined;
test.before(async () => {
  etcd = await startEtcd();
});
test.after.always(() => etcd?.stop());

test.serial('real etcd: snapshot saved, fetched, verified present; undo removes it', async (t) => {
  if (!etcd) return t.fail('the test etcd did not start');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-snap-'));
  const { ctx, conn } = localHost();
  const plan = await planEtcdSnapshot(ctx, args({ dest: path.join(dir, 'local'), endpoint: etcd.clientUrl, remote_dir: path.join(dir, 'remote'), keep_remote: false }));
  const outputs = await runSteps(conn, plan.steps ?? []);
  const result = await plan.afterApply!(outputs);
  const local = result.snapshot as string;
  t.true(statSync(local).size > 0);
  t.is(statSync(local).mode & 0o777, 0o600);
  t.false(existsSync(result.remote_snapshot as string), 'keep_remote: false');
  await runSteps(conn, plan.undo ?? []);
  t.false(existsSync(local));
});

test.serial('afterApply fails when the fetch did not happen', async (t) => {
  const { ctx } = fakeHost('etcd1', (c) => c.answer('endpoint status', { stdout: fixture('status.json') }));
  const plan = await planEtcdSnapshot(ctx, args({ dest: mkdtempSync(path.join(os.tmpdir(), 'ezplay-snap-')) }), NOW);
  await t.throwsAsync(async () => plan.afterApply!([]), { message: /saved on etcd1 at .* but not copied to/ });
});

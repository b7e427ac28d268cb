import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { etcdSnapshot, planEtcdSnapshot, snapshotStamp, type EtcdSnapshotArgs } from '../../../src/modules/etcd/snapshot.js';
import { validateArgs } from '../../../src/modules/args.js';
import type { Step } from '../../../src/modules/types.js';
import { fakeHost, localHost, runSteps } from './get-url-harness.js';
import { startEtcd, type EtcdProcess } from './etcd-harness.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/etcd/${name}`, import.meta.url), 'utf8');
const NOW = new Date('2026-01-18T09:30:00.123Z');
const args = (given: Record<string, unknown>) => validateArgs('etcd_snapshot', etcdSnapshot.args, given) as unknown as EtcdSnapshotArgs;
const describeStep = (s: Step) => (s.kind === 'exec' ? `${s.on ?? 'host'}: ${s.command}` : s.kind === 'fetch' ? `fetch ${s.src} -> ${s.dest}` : `put ${s.dest}`);

test('plan: save on the member, fetch to the controller, undo removes both copies', async (t) => {
  const { ctx } = fakeHost('etcd1', (c) => c.answer('endpoint status', { stdout: fixture('status-3.json') }));
  const plan = await planEtcdSnapshot(ctx, args({ dest: '/backups/etcd', name: 'prod', cacert: '/etc/ssl/ca.pem', cert: '/etc/ssl/c.pem', key: '/etc/ssl/c-key.pem' }), NOW);
  t.is(snapshotStamp(NOW), '20260118T093000Z');
  const remote = '/var/lib/etcd-snapshots/prod-20260118T093000Z-etcd1.db';
  const local = '/backups/etcd/prod-20260118T093000Z-etcd1.db';
  t.deepEqual(plan.diff, [
    { subject: local, kind: 'summary', before: 'absent', after: `snapshot of https://127.0.0.1:2379 (db 20.5 kB, revision 2) saved on etcd1 at ${remote}` },
  ]);
  const steps = plan.steps?.map(describeStep) ?? [];
  t.is(steps[0], 'controller: mkdir -p /backups/etcd');
  t.regex(steps[1] ?? '', /umask 077\nmkdir -p -m 0700 \/var\/lib\/etcd-snapshots\n.*--endpoints=https:\/\/127.0.0.1:2379 .*--cacert=\/etc\/ssl\/ca.pem .* snapshot save \/var\/lib\/etcd-snapshots\/prod-20260118T093000Z-etcd1.db\nchmod 0600/);
  t.is(steps[2], `fetch ${remote} -> ${local}`);
  t.is(steps.length, 3, 'keeps the remote copy by default');
  t.deepEqual(plan.undo?.map(describeStep), [`controller: rm -f ${local}`, `host: rm -f ${remote} ${remote}.part`]);
});

test('plan: an unreachable endpoint fails while planning', async (t) => {
  const { ctx } = fakeHost('etcd1', (c) => c.answer('endpoint status', { rc: 1, stdout: fixture('status-down.err') }));
  await t.throwsAsync(planEtcdSnapshot(ctx, args({ dest: '/b' }), NOW), { message: /cannot reach https:\/\/127.0.0.1:2379: Failed to get the status/ });
});

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

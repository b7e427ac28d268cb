import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { fetchDest, fetchModule } from '../../../src/modules/fetch.js';
import { pingModule } from '../../../src/modules/ping.js';
import { slurpModule } from '../../../src/modules/slurp.js';
import { runSteps } from '../../helpers/apply-plan.js';
import { absent, answerFacts, planWith, present, sha1 } from './core-modules-harness.js';

test('slurp: base64 content, one probe', async (t) => {
  const conn = new FakeConnection().answer('base64 <', { stdout: 'aGVs\nbG8K\n' });
  const plan = await planWith(slurpModule, conn, { src: '/etc/hostname' });
  t.deepEqual(plan, { changed: false, result: { content: 'aGVsbG8K', encoding: 'base64', source: '/etc/hostname' } });
  t.is(conn.commands().length, 1);
});

test('slurp: missing file and directory are errors', async (t) => {
  await t.throwsAsync(planWith(slurpModule, new FakeConnection().answer('base64', { rc: 3 }), { src: '/x' }), { message: 'file not found: /x' });
  await t.throwsAsync(planWith(slurpModule, new FakeConnection().answer('base64', { rc: 4 }), { src: '/x' }), { message: /is a directory/ });
});

test('ping: pong after one probe; crash fails', async (t) => {
  const conn = new FakeConnection();
  t.deepEqual(await planWith(pingModule, conn, {}), { changed: false, result: { ping: 'pong' } });
  t.deepEqual(conn.commands(), ['true']);
  await t.throwsAsync(planWith(pingModule, conn, { data: 'crash' }), { message: /boom/ });
});

test('fetch: dest layout', (t) => {
  t.is(fetchDest({ src: '/etc/etcd/etcd.conf', dest: 'out', flat: false }, 'etcd1', '/pb'), '/pb/out/etcd1/etc/etcd/etcd.conf');
  t.is(fetchDest({ src: '/etc/etcd/etcd.conf', dest: '/tmp/x/', flat: true }, 'etcd1', '/pb'), '/tmp/x/etcd.conf');
  t.is(fetchDest({ src: '/etc/etcd/etcd.conf', dest: '/tmp/x.conf', flat: true }, 'etcd1', '/pb'), '/tmp/x.conf');
});

function controllerDir(t: { teardown(fn: () => void): void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-fetch-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('fetch: a new file is written on the controller; undo removes what it created', async (t) => {
  const dir = controllerDir(t);
  const conn = answerFacts(new FakeConnection('etcd1'), present(0, { content: 'conf', algorithm: 'sha1' }));
  conn.files.set('/etc/etcd/etcd.conf', Buffer.from('conf'));
  const plan = await planWith(fetchModule, conn, { src: '/etc/etcd/etcd.conf', dest: 'out' }, { playbookDir: dir });
  t.true(plan.changed);
  t.true(plan.steps?.every((s) => s.on === 'controller'));
  await runSteps(conn, plan.steps ?? []);
  t.is(readFileSync(path.join(dir, 'out/etcd1/etc/etcd/etcd.conf'), 'utf8'), 'conf');
  t.like(plan.result, { dest: path.join(dir, 'out/etcd1/etc/etcd/etcd.conf'), checksum: sha1('conf') });

  const again = answerFacts(new FakeConnection('etcd1'), present(0, { content: 'conf', algorithm: 'sha1' }));
  t.false((await planWith(fetchModule, again, { src: '/etc/etcd/etcd.conf', dest: 'out' }, { playbookDir: dir })).changed, 'idempotent');
  t.is(again.calls.length, 1, 'compared by checksum, not transferred');

  await runSteps(conn, plan.undo ?? []);
  t.throws(() => readFileSync(path.join(dir, 'out')));
});

test('fetch: an existing local file is put back by undo', async (t) => {
  const dir = controllerDir(t);
  mkdirSync(path.join(dir, 'keep'));
  writeFileSync(path.join(dir, 'keep/x'), 'old');
  const conn = answerFacts(new FakeConnection(), present(0, { content: 'new', algorithm: 'sha1' }));
  conn.files.set('/x', Buffer.from('new'));
  const plan = await planWith(fetchModule, conn, { src: '/x', dest: 'keep/x', flat: true }, { playbookDir: dir });
  t.like(plan.diff?.[0], { before: 'old', after: 'new' });
  await runSteps(conn, plan.steps ?? []);
  t.is(readFileSync(path.join(dir, 'keep/x'), 'utf8'), 'new');
  await runSteps(conn, plan.undo ?? []);
  t.is(readFileSync(path.join(dir, 'keep/x'), 'utf8'), 'old');
});

test('fetch: a missing remote file fails, or is ignored when asked', async (t) => {
  const missing = () => answerFacts(new FakeConnection(), absent(0, '/'));
  await t.throwsAsync(planWith(fetchModule, missing(), { src: '/nope', dest: '/tmp' }), { message: /does not exist/ });
  t.like(await planWith(fetchModule, missing(), { src: '/nope', dest: '/tmp', fail_on_missing: false }), {
    changed: false,
    msg: 'the remote file does not exist, not transferring, ignored',
  });
});

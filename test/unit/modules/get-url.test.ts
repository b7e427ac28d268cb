import test from 'ava';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, statSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { DownloadCache, setSharedDownloadCache } from '../../../src/modules/download-cache.js';
import { planGetUrl, getUrl, type GetUrlArgs } from '../../../src/modules/get-url.js';
import { FakeConnection } from '../../../src/connection/fake.js';
import { commandsFact } from '../../../src/facts/commands.js';
import { absent as absentPath, answerFacts, present } from './core-modules-harness.js';
import { pickChecksum } from '../../../src/modules/get-url-checksum.js';
import { validateArgs } from '../../../src/modules/args.js';
import { ModuleError } from '../../../src/errors.js';
import { fakeHost, localHost, runSteps } from './get-url-harness.js';

const BODY = Buffer.from('etcd release tarball bytes\n'.repeat(1000));
const SHA = createHash('sha256').update(BODY).digest('hex');
const OTHER = 'b'.repeat(64);
const hits = new Map<string, number>();
let base = '';

const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  hits.set(url, (hits.get(url) ?? 0) + 1);
  if (url.startsWith('/etcd/etcd.tar.gz')) {
    // slow enough that concurrent plans overlap
    setTimeout(() => res.end(BODY), 30);
  } else if (url === '/etcd/SHA256SUMS') {
    res.end(`${OTHER}  other.tar.gz\n${SHA}  etcd.tar.gz\n`);
  } else if (url === '/redirect') {
    res.writeHead(302, { location: '/etcd/etcd.tar.gz?r' }).end();
  } else {
    res.writeHead(404).end('not found');
  }
});

test.before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.after.always(() => server.close());
test.beforeEach(() => {
  setSharedDownloadCache(new DownloadCache(mkdtempSync(path.join(os.tmpdir(), 'ezplay-cache-'))));
  hits.clear();
});

function args(given: Record<string, unknown>): GetUrlArgs {
  return validateArgs('get_url', getUrl.args, given) as unknown as GetUrlArgs;
}

// what the paths fact prints for dest and for the url's basename inside it
const absent = (conn: FakeConnection) => answerFacts(conn, absentPath(0, '/opt'), absentPath(1, '/opt'));
const aFile = (conn: FakeConnection, f: { sum?: string }) => answerFacts(conn, present(0, { mode: 0o644, ...f }), absentPath(1, '/opt'));

test.serial('absent dest: download once into the cache, put from it, undo removes', async (t) => {
  const { ctx } = fakeHost('n1', (c) => absent(c));
  const plan = await planGetUrl(ctx, args({ url: `${base}/etcd/etcd.tar.gz`, dest: '/opt/etcd.tar.gz', checksum: `sha256:${SHA}` }));
  t.true(plan.changed);
  t.deepEqual(plan.diff, [
    {
      subject: '/opt/etcd.tar.gz',
      kind: 'summary',
      before: 'absent',
      after: `sha256 ${SHA.slice(0, 12)}… (27.0 kB from ${base}/etcd/etcd.tar.gz)`,
    },
  ]);
  const put = plan.steps?.[0];
  t.is(put?.kind, 'put');
  if (put?.kind !== 'put' || !('localPath' in put.content)) return t.fail();
  t.deepEqual(readFileSync(put.content.localPath), BODY);
  t.is(put.mode, 0o644);
  t.is(plan.undo?.[0]?.kind, 'exec');
  t.regex((plan.undo?.[0] as { command: string }).command, /^rm -f -- \/opt\/etcd.tar.gz$/);
  t.deepEqual(plan.writes, ['/opt/etcd.tar.gz']);
});

test.serial('many hosts asking for one url download it once', async (t) => {
  const hosts = Array.from({ length: 8 }, (_, i) => fakeHost(`n${i}`, (c) => absent(c)).ctx);
  const a = args({ url: `${base}/etcd/etcd.tar.gz`, dest: '/opt/etcd.tar.gz', checksum: `sha256:${SHA}` });
  const plans = await Promise.all(hosts.map((ctx) => planGetUrl(ctx, a)));
  t.true(plans.every((p) => p.changed));
  t.is(hits.get('/etcd/etcd.tar.gz'), 1);
  // a later run (a fresh cache object on the same folder) reuses the verified file
  const dir = (await import('../../../src/modules/download-cache.js')).sharedDownloadCache().dir;
  setSharedDownloadCache(new DownloadCache(dir));
  await planGetUrl(hosts[0]!, a);
  t.is(hits.get('/etcd/etcd.tar.gz'), 1);
});

test.serial('a controller download reports its bytes, and the size the server announced, through the progress callback', async (t) => {
  const { ctx } = fakeHost('n1', (c) => absent(c));
  const updates: Array<{ text: string; done?: number; total?: number; unit?: string }> = [];
  await planGetUrl({ ...ctx, progress: (u) => updates.push(u) }, args({ url: `${base}/etcd/etcd.tar.gz`, dest: '/opt/etcd.tar.gz', checksum: `sha256:${SHA}` }));
  t.true(updates.length >= 1);
  t.true(updates.every((u) => u.text === 'downloading etcd.tar.gz' && u.unit === 'bytes' && u.total === BODY.length));
  t.is(updates[updates.length - 1]!.done, BODY.length);
});

test.serial('checksum mismatch fails naming both sums', async (t) => {
  const { ctx } = fakeHost('n1', (c) => absent(c));
  const error = await t.throwsAsync(
    planGetUrl(ctx, args({ url: `${base}/etcd/etcd.tar.gz`, dest: '/opt/x', checksum: `sha256:${OTHER}` })),
    { instanceOf: ModuleError },
  );
  t.true(error!.message.includes(OTHER));
  t.true(error!.message.includes(SHA));
});

test.serial('checksums file url: picks the line for the url basename', async (t) => {
  const { ctx } = fakeHost('n1', (c) => absent(c));
  const plan = await planGetUrl(
    ctx,
    args({ url: `${base}/etcd/etcd.tar.gz`, dest: '/opt/etcd.tar.gz', checksum: `sha256:${base}/etcd/SHA256SUMS` }),
  );
  t.true(plan.changed);
  t.is(plan.result?.checksum, SHA);
});

test.serial('dest with the expected sha256: no change and no download', async (t) => {
  const { ctx, conn } = fakeHost('n1', (c) => aFile(c, { sum: SHA }));
  const plan = await planGetUrl(ctx, args({ url: `${base}/etcd/etcd.tar.gz`, dest: '/opt/etcd.tar.gz', checksum: `sha256:${SHA}` }));
  t.false(plan.changed);
  t.is(hits.size, 0);
  t.is(conn.commands().length, 1, 'one probe');
});

test.serial('no checksum, dest exists, force false: no change (Ansible semantics)', async (t) => {
  const { ctx } = fakeHost('n1', (c) => aFile(c, {}));
  const plan = await planGetUrl(ctx, args({ url: `${base}/missing`, dest: '/opt/etcd.tar.gz' }));
  t.false(plan.changed);
  t.is(hits.size, 0);
});

test.serial('dest is a directory: the url basename is used; only mode differs', async (t) => {
  const { ctx } = fakeHost('n1', (c) => answerFacts(c, present(0, { kind: 'directory', mode: 0o755 }), present(1, { mode: 0o644, sum: SHA })));
  const plan = await planGetUrl(ctx, args({ url: `${base}/etcd/etcd.tar.gz`, dest: '/opt', checksum: `sha256:${SHA}`, mode: '0600' }));
  t.true(plan.changed);
  t.deepEqual(plan.diff, [{ subject: '/opt/etcd.tar.gz', kind: 'summary', before: 'mode 0644', after: 'mode 0600' }]);
  t.deepEqual(plan.steps?.map((s) => (s as { command: string }).command), ['chmod 0600 -- /opt/etcd.tar.gz']);
  t.deepEqual(plan.undo?.map((s) => (s as { command: string }).command), ['chmod 0644 -- /opt/etcd.tar.gz']);
});

test.serial('really applied on this machine: replace, then undo restores the old bytes', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-geturl-'));
  const dest = path.join(dir, 'etcd.tar.gz');
  writeFileSync(dest, 'old content', { mode: 0o640 });
  const { ctx, conn } = localHost();
  const plan = await planGetUrl(ctx, args({ url: `${base}/redirect`, dest, force: true }));
  t.true(plan.changed);
  t.is(plan.diff?.[0]?.before.startsWith('sha256 '), true);
  await runSteps(conn, plan.steps ?? []);
  t.deepEqual(readFileSync(dest), BODY);
  t.is(statSync(dest).mode & 0o777, 0o640, 'keeps the old mode');
  const again = await planGetUrl(ctx, args({ url: `${base}/redirect`, dest, force: true }));
  t.false(again.changed, 'idempotent');
  await runSteps(conn, plan.undo ?? []);
  t.is(readFileSync(dest, 'utf8'), 'old content');
  t.deepEqual(readdirSync(dir), ['etcd.tar.gz'], 'no backup beside the file');
  await runSteps(conn, plan.cleanup ?? []);
});

test.serial('fetch_on host: curl on the host downloads and verifies; undo removes', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-geturl-'));
  const dest = path.join(dir, 'etcd.tar.gz');
  const { ctx, conn } = localHost();
  const a = args({ url: `${base}/etcd/etcd.tar.gz`, dest, checksum: `sha256:${base}/etcd/SHA256SUMS`, fetch_on: 'host', mode: '0600' });
  const plan = await planGetUrl(ctx, a);
  t.is(hits.get('/etcd/etcd.tar.gz'), undefined, 'nothing downloaded at plan time');
  t.regex(plan.diff?.[0]?.after ?? '', /fetched by the host/);
  const outputs = await runSteps(conn, plan.steps ?? []);
  t.deepEqual(readFileSync(dest), BODY);
  t.is(statSync(dest).mode & 0o777, 0o600);
  t.like(await plan.afterApply!(outputs), { checksum: SHA, size: BODY.length });
  t.false((await planGetUrl(ctx, a)).changed);
  await runSteps(conn, plan.undo ?? []);
  t.false(existsSync(dest));
});

test.serial('fetch_on host: a wrong checksum leaves dest alone and names both sums', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-geturl-'));
  const dest = path.join(dir, 'etcd.tar.gz');
  const { ctx, conn } = localHost();
  const plan = await planGetUrl(ctx, args({ url: `${base}/etcd/etcd.tar.gz`, dest, checksum: `sha256:${OTHER}`, fetch_on: 'host' }));
  const error = await t.throwsAsync(runSteps(conn, plan.steps ?? []));
  t.true(error!.message.includes(OTHER) && error!.message.includes(SHA));
  t.false(existsSync(dest));
});

test('a missing parent folder fails before anything is downloaded', async (t) => {
  const { ctx } = fakeHost('n1', (c) => answerFacts(c, absentPath(0, '/'), absentPath(1, '/')));
  await t.throwsAsync(planGetUrl(ctx, args({ url: `${base}/etcd/etcd.tar.gz`, dest: '/nope/etcd.tar.gz' })), { message: 'destination directory /nope does not exist' });
  t.is(hits.get('/etcd/etcd.tar.gz'), undefined);
});

test('the commands fact and pickChecksum', (t) => {
  t.deepEqual(commandsFact.parse({ stdout: 'have wget\n', stderr: '', rc: 0 }, ['curl', 'wget']), { curl: false, wget: true });
  t.regex(commandsFact.command(['curl', 'wget']), /^for c in curl wget; do command -v "\$c"/);
  t.is(pickChecksum(`${SHA} *dist/etcd.tar.gz\n`, 'etcd.tar.gz'), SHA);
  t.is(pickChecksum(`SHA256 (etcd.tar.gz) = ${SHA}\n`, 'etcd.tar.gz'), SHA);
  t.is(pickChecksum(`${SHA}\n`, 'anything'), SHA);
  t.is(pickChecksum(`${OTHER}  other\n`, 'etcd.tar.gz'), undefined);
});

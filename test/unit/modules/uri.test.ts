import test from 'ava';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { planUri, uri, type UriArgs } from '../../../src/modules/uri.js';
import { curlCommand, parseCurlOutput, TRAILER } from '../../../src/modules/uri-curl.js';
import { validateArgs } from '../../../src/modules/args.js';
import { ModuleError } from '../../../src/errors.js';
import { localHost, runSteps } from './get-url-harness.js';
import { moduleTable } from '../../helpers/module-table.js';

let base = '';
const received: Array<{ method: string; body: string; type: string | undefined }> = [];
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    received.push({ method: req.method ?? '', body, type: req.headers['content-type'] });
    if (req.url === '/health') res.writeHead(200, { 'content-type': 'application/json' }).end('{"health":"true","reason":""}');
    else if (req.url === '/down') res.writeHead(503).end('{"health":"false","reason":"RAFT NO LEADER"}');
    else if (req.url === '/moved') res.writeHead(301, { location: '/health' }).end();
    else res.writeHead(201).end('created');
  });
});
test.before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.after.always(() => server.close());

const args = (given: Record<string, unknown>) => validateArgs('uri', uri.args, given) as unknown as UriArgs;

test.serial('GET runs while planning: ok, json parsed, nothing to apply', async (t) => {
  const { ctx } = localHost();
  const plan = await planUri(ctx, args({ url: `${base}/health` }));
  t.false(plan.changed);
  t.is(plan.steps, undefined);
  t.like(plan.result, { status: 200, url: `${base}/health`, json: { health: 'true', reason: '' }, content_type: 'application/json' });
  t.is(plan.result?.content, undefined, 'content only with return_content');
});

test.serial('GET follows redirects and can return the content', async (t) => {
  const { ctx } = localHost();
  const plan = await planUri(ctx, args({ url: `${base}/moved`, return_content: true }));
  t.like(plan.result, { status: 200, url: `${base}/health`, content: '{"health":"true","reason":""}' });
});

test.serial('a status outside status_code fails with the status and the body', async (t) => {
  const { ctx } = localHost();
  const error = await t.throwsAsync(planUri(ctx, args({ url: `${base}/down` })), { instanceOf: ModuleError });
  t.is(error?.message, 'Status code was 503 and not [200]: {"health":"false","reason":"RAFT NO LEADER"}');
  t.like((error as ModuleError).result, { status: 503 });
  t.like((await planUri(ctx, args({ url: `${base}/down`, status_code: [200, 503] }))).result, { status: 503 });
});

test.serial('nothing listening: status -1 and curl’s reason', async (t) => {
  const { ctx } = localHost();
  const error = await t.throwsAsync(planUri(ctx, args({ url: 'http://127.0.0.1:9/health', timeout: 3 })));
  t.regex(error?.message ?? '', /^Status code was -1 and not \[200\]: Request failed: curl: \(7\)/);
});

test.serial('POST is an opaque step; the body goes on stdin; afterApply judges the response', async (t) => {
  const { ctx, conn } = localHost();
  const before = received.length;
  const plan = await planUri(ctx, args({ url: `${base}/v3/kv/put`, method: 'POST', body: { key: 'Zm9v' }, body_format: 'json', status_code: [201] }));
  t.true(plan.changed);
  t.true(plan.opaque);
  t.is(plan.undo, undefined, 'cannot be undone');
  t.is(received.length, before, 'nothing sent while planning');
  const outputs = await runSteps(conn, plan.steps ?? []);
  t.like(await plan.afterApply!(outputs), { status: 201 });
  t.deepEqual(received.at(-1), { method: 'POST', body: '{"key":"Zm9v"}', type: 'application/json' });
});

moduleTable([
  {
    name: 'etcd health endpoint with client certificates: the curl command',
    module: uri,
    host: 'etcd1',
    args: {
      url: 'https://127.0.0.1:2379/health',
      ca_path: '/etc/kubernetes/ssl/ca.pem',
      client_cert: '/etc/kubernetes/ssl/etcd.pem',
      client_key: '/etc/kubernetes/ssl/etcd-key.pem',
    },
    facts: { curl: `{"health":"true"}\n${TRAILER}\t200\t\thttps://127.0.0.1:2379/health\n` },
    expect: {
      changed: false,
      result: { status: 200, json: { health: 'true' } },
      also: (t, _plan, host) =>
        t.deepEqual(host.commands(), [
          "curl -sS --max-time 30 -L --cacert /etc/kubernetes/ssl/ca.pem --cert /etc/kubernetes/ssl/etcd.pem --key /etc/kubernetes/ssl/etcd-key.pem -w '\\n@@ezplay-uri@@\\t%{http_code}\\t%{content_type}\\t%{url_effective}\\n' -- https://127.0.0.1:2379/health",
        ]),
    },
  },
]);

test('parseCurlOutput: body without a trailing newline, and a failed connection', (t) => {
  t.deepEqual(parseCurlOutput(`abc\n${TRAILER}\t204\t\thttp://x/\n`, '', 0, 'http://x/'), { status: 204, content: 'abc', contentType: '', url: 'http://x/' });
  t.like(parseCurlOutput(`\n${TRAILER}\t000\t\thttp://x/\n`, 'curl: (7) Failed to connect', 7, 'http://x/'), { status: -1, error: 'curl: (7) Failed to connect' });
  t.true(curlCommand({ url: 'http://x', method: 'HEAD', headers: {}, timeout: 1, validateCerts: false, followRedirects: false }).includes('--head -k'));
});

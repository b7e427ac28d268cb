import test from 'ava';
import { readFileSync } from 'node:fs';
import { validateArgs } from '../../../src/modules/args.js';
import { etcdVersion, planEtcdVersion, type EtcdVersionArgs } from '../../../src/modules/etcd/version.js';
import { ModuleError } from '../../../src/errors.js';
import { fakeHost } from './get-url-harness.js';

// captured from etcd 3.4.23: three healthy members on loopback, m3 leads
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/etcd/${name}`, import.meta.url), 'utf8').trim();
const EP3 = ['http://127.0.0.1:23821', 'http://127.0.0.1:23822', 'http://127.0.0.1:23823'];
const probe = (cluster: string) =>
  `@health\n${fixture('health-3.json')}\n@rc 0\n@status\n${fixture('status-3.json')}\n@rc 0\n@alarms\n\n@rc 0\n` +
  `@version ${EP3[0]} {"etcdserver":"3.4.23","etcdcluster":"${cluster}"}\n`;

const args = (given: Record<string, unknown>): EtcdVersionArgs =>
  validateArgs('etcd_version', etcdVersion.args, { endpoints: EP3, hosts: ['m1', 'm2', 'm3'], ...given }) as unknown as EtcdVersionArgs;

const cases: Array<[string, Record<string, unknown>, string, Record<string, unknown> | RegExp]> = [
  ['report only', {}, '3.4.0', { cluster_version: '3.4.0', leader: 'm3', msg: 'm1 3.4.23, m2 3.4.23, m3 3.4.23 (leader); cluster version 3.4.0' }],
  ['a minor upgrade: followers first, the leader last', { target: '3.5.16' }, '3.4.0', { kind: 'minor', order: ['m1', 'm2', 'm3'], pending: ['m1', 'm2', 'm3'] }],
  ['nothing to do', { target: '3.4.23' }, '3.4.0', { kind: 'none', order: [] }],
  ['a skipped minor refused', { target: '3.6.0' }, '3.4.0', /skips a minor version.*nothing was changed/],
];
for (const [title, given, cluster, want] of cases) {
  test(`etcd_version: ${title}`, async (t) => {
    const { ctx, conn } = fakeHost('m1', (c) => c.answer('endpoint health', { stdout: probe(cluster) }));
    if (want instanceof RegExp) {
      const error = await t.throwsAsync(planEtcdVersion(ctx, args(given)), { instanceOf: ModuleError });
      t.regex(error?.message ?? '', want);
    } else {
      const plan = await planEtcdVersion(ctx, args(given));
      t.false(plan.changed);
      t.like(plan.result, want);
    }
    t.is(conn.commands().length, 1, 'one probe');
    t.true(conn.commands()[0]?.includes('/version') ?? false);
  });
}

test('etcd_version: waits for etcd to raise the cluster version', async (t) => {
  let calls = 0;
  // an answer matcher is asked once per command: the first two see the old cluster version
  const { ctx } = fakeHost('m1', (c) =>
    c.answer((cmd: string) => cmd.includes('endpoint health') && calls++ < 2, { stdout: probe('3.3.0') }).answer('endpoint health', { stdout: probe('3.4.0') }));
  const sleeps: number[] = [];
  const plan = await planEtcdVersion(ctx, args({ target: '3.4.23', wait_cluster_version: true, retries: 5 }), async (ms) => void sleeps.push(ms));
  t.like(plan.result, { cluster_version: '3.4.0' });
  t.deepEqual(sleeps, [1000, 1000]);
});

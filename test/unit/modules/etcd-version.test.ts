import type { ExecutionContext } from 'ava';
import type { FakeConnection } from '../../../src/connection/fake.js';
import type { Module } from '../../../src/modules/types.js';
import { moduleTable, type ModuleCase } from '../../helpers/module-table.js';
import { readFileSync } from 'node:fs';
import { etcdVersion, planEtcdVersion, type EtcdVersionArgs } from '../../../src/modules/etcd/version.js';
import { ModuleError } from '../../../src/errors.js';

// captured from etcd 3.4.23: three healthy members on loopback, m3 leads
const fixture = (name: string) => readFileSync(new URL(`../../fixtures/etcd/${name}`, import.meta.url), 'utf8').trim();
const EP3 = ['http://127.0.0.1:23821', 'http://127.0.0.1:23822', 'http://127.0.0.1:23823'];
const probe = (cluster: string) =>
  `@health\n${fixture('health-3.json')}\n@rc 0\n@status\n${fixture('status-3.json')}\n@rc 0\n@alarms\n\n@rc 0\n` +
  `@version ${EP3[0]} {"etcdserver":"3.4.23","etcdcluster":"${cluster}"}\n`;

const ARGS = { endpoints: EP3, hosts: ['m1', 'm2', 'm3'] };
const sleeps: number[] = [];
/** etcd_version with its sleeps recorded instead of slept. */
const recordingSleeps: Module<any> = { ...etcdVersion, plan: (ctx, a) => planEtcdVersion(ctx, a as EtcdVersionArgs, async (ms) => void sleeps.push(ms)) };
const oneProbe = (t: ExecutionContext, host: FakeConnection) => {
  t.is(host.commands().length, 1, 'one probe');
  t.true(host.commands()[0]?.includes('/version') ?? false);
};

const cases: Array<[string, Record<string, unknown>, string, Record<string, unknown> | RegExp]> = [
  ['report only', {}, '3.4.0', { cluster_version: '3.4.0', leader: 'm3', msg: 'm1 3.4.23, m2 3.4.23, m3 3.4.23 (leader); cluster version 3.4.0' }],
  ['a minor upgrade: followers first, the leader last', { target: '3.5.16' }, '3.4.0', { kind: 'minor', order: ['m1', 'm2', 'm3'], pending: ['m1', 'm2', 'm3'] }],
  ['nothing to do', { target: '3.4.23' }, '3.4.0', { kind: 'none', order: [] }],
  ['a skipped minor refused', { target: '3.6.0' }, '3.4.0', /skips a minor version.*nothing was changed/],
];

moduleTable([
  ...cases.map(([name, given, cluster, want]): ModuleCase => ({
    name,
    module: etcdVersion,
    host: 'm1',
    args: { ...ARGS, ...given },
    facts: { 'endpoint health': probe(cluster) },
    expect:
      want instanceof RegExp
        ? { error: want, errorClass: ModuleError, afterError: oneProbe }
        : { changed: false, result: want, also: (t, _plan, host) => oneProbe(t, host) },
  })),
  {
    name: 'waits for etcd to raise the cluster version',
    module: recordingSleeps,
    host: 'm1',
    args: { ...ARGS, target: '3.4.23', wait_cluster_version: true, retries: 5 },
    facts: { 'endpoint health': [probe('3.3.0'), probe('3.3.0'), probe('3.4.0')] },
    expect: { changed: false, result: { cluster_version: '3.4.0' }, also: (t) => t.deepEqual(sleeps, [1000, 1000]) },
  },
]);

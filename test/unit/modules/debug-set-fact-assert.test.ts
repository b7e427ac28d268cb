import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { ModuleError } from '../../../src/errors.js';
import { validateArgs } from '../../../src/modules/args.js';
import { assertModule, truthy } from '../../../src/modules/assert.js';
import { debugModule } from '../../../src/modules/debug.js';
import { failModule } from '../../../src/modules/fail.js';
import { pauseModule } from '../../../src/modules/pause.js';
import { setFactModule } from '../../../src/modules/set-fact.js';
import { planWith } from './core-modules-harness.js';

const vars: Record<string, unknown> = { etcd_port: 2379, nodes: ['a', 'b', 'c'], empty: [] };
// A stand-in for the engine's Jinja evaluation: enough for these expressions.
const evaluate = (e: string): unknown => {
  const m = /^(\w+)(?:\s*\|\s*length)?(?:\s*(==|>)\s*(\d+))?$/.exec(e.trim());
  if (!m) throw new Error(`cannot evaluate ${e}`);
  let v = vars[m[1] as string];
  if (v === undefined) throw new Error(`'${m[1]}' is undefined`);
  if (e.includes('length')) v = (v as unknown[]).length;
  if (m[2] === '==') return v === Number(m[3]);
  if (m[2] === '>') return (v as number) > Number(m[3]);
  return v;
};
const conn = new FakeConnection();

test('controller-only modules say so', (t) => {
  for (const m of [debugModule, setFactModule, assertModule, failModule, pauseModule]) t.true(m.controllerOnly, m.name);
});

test('debug: msg, default, var, undefined var, verbosity', async (t) => {
  t.deepEqual((await planWith(debugModule, conn, { msg: 'hi' })).result, { msg: 'hi' });
  t.deepEqual((await planWith(debugModule, conn, {})).result, { msg: 'Hello world!' });
  const shown = await planWith(debugModule, conn, { var: 'nodes' }, { evaluate });
  t.deepEqual(shown.result, { nodes: ['a', 'b', 'c'] });
  t.is(shown.msg, undefined, 'the reporter shows the result itself, as Ansible does');
  t.deepEqual((await planWith(debugModule, conn, { var: 'nope' }, { evaluate })).result, { nope: 'VARIABLE IS NOT DEFINED!' });
  t.like((await planWith(debugModule, conn, { msg: 'x', verbosity: 2 }, { vars: { ansible_verbosity: 1 } })).result, { skipped: true });
  t.deepEqual((await planWith(debugModule, conn, { msg: 'x', verbosity: 2 }, { vars: { ansible_verbosity: 2 } })).result, { msg: 'x' });
});

test('set_fact: any names become facts; the schema accepts them only with freeArgs', async (t) => {
  const plan = await planWith(setFactModule, conn, { etcd_initial_cluster: 'a=https://a:2380', count: 3, cacheable: true });
  t.deepEqual(plan.facts, { etcd_initial_cluster: 'a=https://a:2380', count: 3 });
  t.false(plan.changed);
  t.throws(() => validateArgs('set_fact', setFactModule.args, { x: 1 }), { message: /unsupported argument 'x'/ });
  await t.throwsAsync(planWith(setFactModule, conn, { 'bad-name': 1 }), { message: /not a valid variable name/ });
});

test('assert: passes, or fails with the message and the failed expression', async (t) => {
  t.like((await planWith(assertModule, conn, { that: ['nodes | length == 3', 'etcd_port > 1024'] }, { evaluate })).result, {
    msg: 'All assertions passed',
  });
  t.like((await planWith(assertModule, conn, { that: '{{ etcd_port > 1024 }}', success_msg: 'ok' }, { evaluate })).result, { msg: 'ok' });
  const error = await t.throwsAsync(planWith(assertModule, conn, { that: ['etcd_port > 1024', 'nodes | length == 5'], fail_msg: 'need 5 nodes' }, { evaluate }));
  t.true(error instanceof ModuleError);
  t.is(error?.message, 'need 5 nodes (assertion: nodes | length == 5)');
  t.like((error as ModuleError).result, { assertion: 'nodes | length == 5', evaluated_to: false });
  await t.throwsAsync(planWith(assertModule, conn, { that: 'empty' }, { evaluate }), { message: /Assertion failed/ });
});

test('truthy follows Python', (t) => {
  t.deepEqual([[], {}, '', 0, null, undefined, false].map(truthy), [false, false, false, false, false, false, false]);
  t.deepEqual([[0], { a: 1 }, 'x', 1, true].map(truthy), [true, true, true, true, true]);
});

test('fail: always, with the message', async (t) => {
  await t.throwsAsync(planWith(failModule, conn, { msg: 'etcd needs an odd number of members' }), { message: 'etcd needs an odd number of members', instanceOf: ModuleError });
  await t.throwsAsync(planWith(failModule, conn, {}), { message: 'Failed as requested from task' });
});

test('pause: waits, refuses to prompt forever', async (t) => {
  const plan = await planWith(pauseModule, conn, { seconds: 0.01 });
  t.false(plan.changed);
  t.like(plan.result, { user_input: '' });
  await t.throwsAsync(planWith(pauseModule, conn, { prompt: 'Press enter' }), { message: /not supported/ });
});

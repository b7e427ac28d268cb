import test, { type ExecutionContext } from 'ava';
import { ModuleError } from '../../../src/errors.js';
import { validateArgs } from '../../../src/modules/args.js';
import { assertModule, truthy } from '../../../src/modules/assert.js';
import { debugModule } from '../../../src/modules/debug.js';
import { failModule } from '../../../src/modules/fail.js';
import { pauseModule } from '../../../src/modules/pause.js';
import { setFactModule } from '../../../src/modules/set-fact.js';
import type { Plan } from '../../../src/modules/types.js';
import { moduleTable } from '../../helpers/module-table.js';

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

test('controller-only modules say so', (t) => {
  for (const m of [debugModule, setFactModule, assertModule, failModule, pauseModule]) t.true(m.controllerOnly, m.name);
});

const result = (expected: Record<string, unknown>) => (t: ExecutionContext, plan: Plan) => t.deepEqual(plan.result, expected);
/** debug's result carries Ansible's `_ansible_verbose_always`: the callback shows it at every verbosity */
const shown = (expected: Record<string, unknown>) => result({ ...expected, _ansible_verbose_always: true });
const withEvaluate = { evaluate };

moduleTable([
  { name: 'msg', module: debugModule, args: { msg: 'hi' }, expect: { changed: false, also: shown({ msg: 'hi' }) } },
  { name: 'the default message', module: debugModule, args: {}, expect: { changed: false, also: shown({ msg: 'Hello world!' }) } },
  {
    name: 'var shows the variable; the reporter shows the result itself, as Ansible does',
    module: debugModule,
    args: { var: 'nodes' },
    context: withEvaluate,
    expect: { changed: false, msg: undefined, also: shown({ nodes: ['a', 'b', 'c'] }) },
  },
  { name: 'an undefined var', module: debugModule, args: { var: 'nope' }, context: withEvaluate, expect: { changed: false, also: shown({ nope: 'VARIABLE IS NOT DEFINED!' }) } },
  { name: 'verbosity above the run: skipped', module: debugModule, args: { msg: 'x', verbosity: 2 }, vars: { ansible_verbosity: 1 }, expect: { changed: false, result: { skipped: true } } },
  { name: 'verbosity reached: shown', module: debugModule, args: { msg: 'x', verbosity: 2 }, vars: { ansible_verbosity: 2 }, expect: { changed: false, also: shown({ msg: 'x' }) } },
  {
    name: 'any names become facts',
    module: setFactModule,
    args: { etcd_initial_cluster: 'a=https://a:2380', count: 3, cacheable: true },
    expect: { changed: false, also: (t, plan) => t.deepEqual(plan.facts, { etcd_initial_cluster: 'a=https://a:2380', count: 3 }) },
  },
  { name: 'a name that is no variable name is refused', module: setFactModule, args: { 'bad-name': 1 }, expect: { error: /not a valid variable name/ } },
  {
    name: 'passes',
    module: assertModule,
    args: { that: ['nodes | length == 3', 'etcd_port > 1024'] },
    context: withEvaluate,
    expect: { changed: false, result: { msg: 'All assertions passed' } },
  },
  { name: 'passes with its success_msg', module: assertModule, args: { that: '{{ etcd_port > 1024 }}', success_msg: 'ok' }, context: withEvaluate, expect: { changed: false, result: { msg: 'ok' } } },
  {
    name: 'fails with the message and the failed expression',
    module: assertModule,
    args: { that: ['etcd_port > 1024', 'nodes | length == 5'], fail_msg: 'need 5 nodes' },
    context: withEvaluate,
    expect: {
      error: 'need 5 nodes (assertion: nodes | length == 5)',
      errorClass: ModuleError,
      errorResult: { assertion: 'nodes | length == 5', evaluated_to: false },
    },
  },
  { name: 'an empty list is false', module: assertModule, args: { that: 'empty' }, context: withEvaluate, expect: { error: /Assertion failed/ } },
  { name: 'always fails, with the message', module: failModule, args: { msg: 'etcd needs an odd number of members' }, expect: { error: 'etcd needs an odd number of members', errorClass: ModuleError } },
  { name: 'the default message', module: failModule, args: {}, expect: { error: 'Failed as requested from task' } },
  { name: 'waits', module: pauseModule, args: { seconds: 0.01 }, expect: { changed: false, result: { user_input: '' } } },
  { name: 'refuses to prompt forever', module: pauseModule, args: { prompt: 'Press enter' }, expect: { error: /not supported/ } },
]);

test('set_fact: the schema accepts any names only with freeArgs', (t) => {
  t.throws(() => validateArgs('set_fact', setFactModule.args, { x: 1 }), { message: /unsupported argument 'x'/ });
});

test('truthy follows Python', (t) => {
  t.deepEqual([[], {}, '', 0, null, undefined, false].map(truthy), [false, false, false, false, false, false, false]);
  t.deepEqual([[0], { a: 1 }, 'x', 1, true].map(truthy), [true, true, true, true, true]);
});


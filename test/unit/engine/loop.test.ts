/** The with_* lookups as tables: terms in, items (or a refusal) out. */
import test from 'ava';
import { LoopError } from '../../../src/errors.js';
import { loopItems, lookupSubdir, type LoopKind, type LoopLookup } from '../../../src/engine/loop.js';

const refused = Symbol('refused');

const cases: Array<[kind: LoopKind, terms: unknown, expected: unknown]> = [
  ['items', [1, [2, [3]]], [1, 2, [3]]],
  ['flattened', [1, [2, [3, [4]]], 5], [1, 2, 3, 4, 5]],
  ['nested', [['a', 'b'], [1, 2]], [['a', 1], ['a', 2], ['b', 1], ['b', 2]]],
  ['nested', [['a'], [1], ['x', 'y']], [['a', 1, 'x'], ['a', 1, 'y']]],
  ['nested', [['a'], []], []],
  ['nested', [['a'], 'not a list'], [['a', 'not a list']]],
  ['nested', [[[1, 2]], ['a']], [[1, 2, 'a']]],
  ['together', [[[1, 2], 3], 'x'], [[1, 2, 'x'], [3, null]]],
  ['together', [], refused],
  ['items', { a: 1, b: 2 }, ['a', 'b']],
  ['list', { a: 1 }, refused],
  ['indexed_items', { a: 1 }, refused],
  ['together', [['a', 'b', 'c'], [1, 2]], [['a', 1], ['b', 2], ['c', null]]],
  ['together', [[1], [2], [3]], [[1, 2, 3]]],
  ['indexed_items', ['x', 'y'], [[0, 'x'], [1, 'y']]],
  ['dict', { a: 1 }, [{ key: 'a', value: 1 }]],
  ['dict', [1], refused],
  [
    'subelements',
    [[{ name: 'a', keys: [1, 2] }, { name: 'b', keys: [3] }], 'keys'],
    [[{ name: 'a' }, 1], [{ name: 'a' }, 2], [{ name: 'b' }, 3]],
  ],
  ['subelements', [{ u1: { name: 'a', keys: [1] } }, 'keys'], [[{ name: 'a' }, 1]]],
  ['subelements', [[{ name: 'a', auth: { keys: [1] } }], 'auth.keys'], [[{ name: 'a', auth: {} }, 1]]],
  ['subelements', [[{ name: 'a' }], 'keys'], refused],
  ['subelements', [[{ name: 'a' }, { name: 'b', keys: [2] }], 'keys', { skip_missing: true }], [[{ name: 'b' }, 2]]],
  ['subelements', [[{ name: 'a', keys: 'x' }], 'keys'], refused],
  ['subelements', [[{ name: 'a', keys: [1], skipped: true }], 'keys'], []],
  ['sequence', 'start=1 end=5', ['1', '2', '3', '4', '5']],
  ['sequence', 'start=1 end=9 stride=3 format=node%02d', ['node01', 'node04', 'node07']],
  ['sequence', 'count=3', ['1', '2', '3']],
  ['sequence', 'count=0', []],
  ['sequence', 'start=10 count=3 stride=2', ['10', '12', '14']],
  ['sequence', 'start=5 end=1 stride=-2', ['5', '3', '1']],
  ['sequence', 'start=0x0a end=0x0c format=%x', ['a', 'b', 'c']],
  ['sequence', '4-6', ['4', '5', '6']],
  ['sequence', '5', ['1', '2', '3', '4', '5']],
  ['sequence', '2-10/4:host%d', ['host2', 'host6', 'host10']],
  ['sequence', ['count=2', 'start=7 end=8'], ['1', '2', '7', '8']],
  ['sequence', 'start=5 end=1', refused],
  ['sequence', 'start=1', refused],
  ['sequence', 'count=2 end=3', refused],
  ['sequence', 'end=3 format=%d-%d', refused],
  ['sequence', 'end=3 step=1', refused],
  ['loop', 'a string', refused],
];

for (const [kind, terms, expected] of cases) {
  test(`with_${kind} ${JSON.stringify(terms)}`, (t) => {
    if (expected === refused) t.throws(() => loopItems(kind, terms, { file: 'play.yml', line: 3 }), { instanceOf: LoopError });
    else t.deepEqual(loopItems(kind, terms, undefined), expected);
  });
}

test('with_subelements leaves the looped variable as it was', (t) => {
  const users = [{ name: 'a', keys: [1] }];
  loopItems('subelements', [users, 'keys'], undefined);
  t.deepEqual(users, [{ name: 'a', keys: [1] }]);
});

const kinds: Array<[Parameters<typeof loopItems>[0], unknown, unknown[]]> = [
  ['loop', [1, 2], [1, 2]],
  ['items', [1, [2, 3]], [1, 2, 3]],
  ['items', 'one', ['one']],
  ['dict', { a: 1 }, [{ key: 'a', value: 1 }]],
  ['indexed_items', ['a', 'b'], [[0, 'a'], [1, 'b']]],
  ['sequence', 'start=1 end=3 format=etcd%d', ['etcd1', 'etcd2', 'etcd3']],
  ['loop', null, []],
];

test('loop keywords give the items Ansible gives', (t) => {
  for (const [kind, value, expected] of kinds) t.deepEqual(loopItems(kind, value, undefined), expected, `${kind}: ${JSON.stringify(value)}`);
});

test('with_<lookup> loops ask the lookup with the terms as a list', (t) => {
  const asked: Array<[string, unknown[]]> = [];
  const lookup: LoopLookup = (name, terms) => {
    asked.push([name, terms]);
    return [`${name}:${terms.join('+')}`];
  };
  t.deepEqual(loopItems('fileglob', '*.conf', undefined, lookup), ['fileglob:*.conf']);
  t.deepEqual(loopItems('first_found', ['a', 'b'], undefined, lookup), ['first_found:a+b']);
  t.deepEqual(loopItems('inventory_hostnames', 'etcd:!etcd1', undefined, lookup), ['inventory_hostnames:etcd:!etcd1']);
  t.deepEqual(asked.map(([name]) => name), ['fileglob', 'first_found', 'inventory_hostnames']);
  t.throws(() => loopItems('fileglob', '*.conf', undefined), { message: /with_fileglob needs the lookup plugins/ });
});

test('first_found in a loop looks in the folder of the task module, as Ansible does', (t) => {
  const cases: Array<[string, string]> = [['template', 'templates'], ['include_vars', 'vars'], ['copy', 'files'], ['command', 'files']];
  for (const [module, subdir] of cases) t.is(lookupSubdir(module), subdir, module);
});

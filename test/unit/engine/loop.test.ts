/** Loop keywords into items: with_items and friends, and the with_<lookup> loops that ask a lookup plugin. */
import test from 'ava';
import { loopItems, lookupSubdir, type LoopLookup } from '../../../src/engine/loop.js';

const cases: Array<[Parameters<typeof loopItems>[0], unknown, unknown[]]> = [
  ['loop', [1, 2], [1, 2]],
  ['items', [1, [2, 3]], [1, 2, 3]],
  ['items', 'one', ['one']],
  ['dict', { a: 1 }, [{ key: 'a', value: 1 }]],
  ['indexed_items', ['a', 'b'], [[0, 'a'], [1, 'b']]],
  ['sequence', 'start=1 end=3 format=etcd%d', ['etcd1', 'etcd2', 'etcd3']],
  ['loop', null, []],
];

test('loop keywords give the items Ansible gives', (t) => {
  for (const [kind, value, expected] of cases) t.deepEqual(loopItems(kind, value, undefined), expected, `${kind}: ${JSON.stringify(value)}`);
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

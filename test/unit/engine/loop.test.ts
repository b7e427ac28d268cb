/** The with_* lookups as tables: terms in, items (or a refusal) out. */
import test from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineError } from '../../../src/errors.js';
import { loopItems, type LoopKind, type LoopSources } from '../../../src/engine/loop.js';

const refused = Symbol('refused');

const cases: Array<[kind: LoopKind, terms: unknown, expected: unknown]> = [
  ['items', [1, [2, [3]]], [1, 2, [3]]],
  ['flattened', [1, [2, [3, [4]]], 5], [1, 2, 3, 4, 5]],
  ['nested', [['a', 'b'], [1, 2]], [['a', 1], ['a', 2], ['b', 1], ['b', 2]]],
  ['nested', [['a'], [1], ['x', 'y']], [['a', 1, 'x'], ['a', 1, 'y']]],
  ['nested', [['a'], []], []],
  ['nested', [['a'], 'not a list'], refused],
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
    if (expected === refused) t.throws(() => loopItems(kind, terms, { file: 'play.yml', line: 3 }), { instanceOf: EngineError });
    else t.deepEqual(loopItems(kind, terms, undefined), expected);
  });
}

test('with_subelements leaves the looped variable as it was', (t) => {
  const users = [{ name: 'a', keys: [1] }];
  loopItems('subelements', [users, 'keys'], undefined);
  t.deepEqual(users, [{ name: 'a', keys: [1] }]);
});

function tree(): { dir: string; sources: LoopSources } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-loop-'));
  const role = path.join(dir, 'roles', 'r');
  for (const sub of ['files/bin', 'vars', 'templates']) mkdirSync(path.join(role, sub), { recursive: true });
  mkdirSync(path.join(dir, 'files'));
  writeFileSync(path.join(role, 'files/bin/etcd'), '');
  writeFileSync(path.join(role, 'files/bin/etcdctl'), '');
  mkdirSync(path.join(role, 'files/bin/folder'));
  writeFileSync(path.join(role, 'vars/Debian.yml'), '');
  writeFileSync(path.join(role, 'templates/x.j2'), '');
  writeFileSync(path.join(dir, 'files/top.txt'), '');
  const sources: LoopSources = { searchDirs: [role, dir], module: 'include_vars', hosts: (p) => (p.includes('etcd') ? ['e1', 'e2'] : []) };
  return { dir, sources };
}

test('with_first_found looks in the folder of the module (vars/ for include_vars) and skips when told', (t) => {
  const { dir, sources } = tree();
  t.deepEqual(loopItems('first_found', [{ files: ['Ubuntu.yml', 'Debian.yml'] }], undefined, sources), [path.join(dir, 'roles/r/vars/Debian.yml')]);
  t.deepEqual(loopItems('first_found', ['nope.yml', 'x.j2'], undefined, { ...sources, module: 'template' }), [path.join(dir, 'roles/r/templates/x.j2')]);
  t.deepEqual(loopItems('first_found', ['top.txt'], undefined, { ...sources, module: 'copy' }), [path.join(dir, 'files/top.txt')]);
  t.deepEqual(loopItems('first_found', [{ files: 'a.yml,Debian.yml', paths: [path.join(dir, 'roles/r/vars')] }], undefined, sources), [
    path.join(dir, 'roles/r/vars/Debian.yml'),
  ]);
  t.deepEqual(loopItems('first_found', [{ files: ['none.yml'], skip: true }], undefined, sources), []);
  t.throws(() => loopItems('first_found', ['none.yml'], undefined, sources), { instanceOf: EngineError, message: /No file was found/ });
});

test('with_fileglob lists files, not folders, of the pattern found in files/', (t) => {
  const { dir, sources } = tree();
  const bin = path.join(dir, 'roles/r/files/bin');
  t.deepEqual(loopItems('fileglob', ['bin/*'], undefined, sources), [path.join(bin, 'etcd'), path.join(bin, 'etcdctl')]);
  t.deepEqual(loopItems('fileglob', [`${bin}/etcd?tl`], undefined, sources), [path.join(bin, 'etcdctl')]);
  t.deepEqual(loopItems('fileglob', ['missing/*'], undefined, sources), []);
});

test('with_inventory_hostnames asks the inventory', (t) => {
  const { sources } = tree();
  t.deepEqual(loopItems('inventory_hostnames', 'etcd', undefined, sources), ['e1', 'e2']);
});

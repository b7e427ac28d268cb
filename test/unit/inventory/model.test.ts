import test from 'ava';
import { InventoryError } from '../../../src/errors.js';
import { Inventory } from '../../../src/inventory/index.js';

test("a host in several groups is one host; 'ungrouped' holds only hosts in no group", (t) => {
  const inv = new Inventory();
  inv.addHost('h1');
  inv.addHost('h2');
  t.deepEqual(inv.groups.get('ungrouped')?.hosts, ['h1', 'h2']);
  inv.addHost('h1', 'etcd');
  inv.addHost('h1', 'kube_master');
  t.is(inv.hosts.size, 2);
  t.deepEqual(inv.groups.get('ungrouped')?.hosts, ['h2']);
  t.deepEqual(inv.groupNamesOf('h1'), ['etcd', 'kube_master']);
  t.deepEqual(inv.groupNamesOf('h2'), ['ungrouped']);
});

test('groupNamesOf includes groups reached through children, sorted, without all', (t) => {
  const inv = new Inventory();
  inv.addHost('m1', 'kube_master');
  inv.addChild('k8s', 'kube_master');
  inv.addChild('cluster', 'k8s');
  t.deepEqual(inv.groupNamesOf('m1'), ['cluster', 'k8s', 'kube_master']);
  t.deepEqual(inv.groupsMap(), { all: ['m1'], ungrouped: [], kube_master: ['m1'], k8s: ['m1'], cluster: ['m1'] });
  t.is(inv.groupDepth('kube_master'), 3);
});

test('cycles and self-children are refused with the position given', (t) => {
  const inv = new Inventory();
  inv.addChild('a', 'b');
  const err = t.throws(() => inv.addChild('b', 'a', { file: 'hosts', line: 9 }), { instanceOf: InventoryError });
  t.deepEqual(err?.pos, { file: 'hosts', line: 9 });
  t.throws(() => inv.addChild('a', 'a'), { message: /child of itself/ });
  t.throws(() => inv.addChild('a', 'all'), { message: /'all' cannot be a child/ });
});

test('var layers: all, then groups parents before children then by name, then the host', (t) => {
  const inv = new Inventory();
  inv.addHost('h1', 'zeta');
  inv.addHost('h1', 'alpha');
  inv.addHost('h1', 'kube_master');
  inv.addChild('k8s', 'kube_master');
  inv.setGroupVars('all', { v: 'all' }, { source: 'hosts [all:vars]' });
  for (const g of ['zeta', 'alpha', 'kube_master', 'k8s']) inv.setGroupVars(g, { v: g });
  inv.setHostVars('h1', { v: 'host' });
  t.deepEqual(
    inv.varLayersFor('h1').map((l) => l.vars.v),
    ['all', 'alpha', 'k8s', 'zeta', 'kube_master', 'host'],
  );
  t.is(inv.varLayersFor('h1')[0]?.source, 'hosts [all:vars]');
});

test('ansible_group_priority orders groups of equal depth', (t) => {
  const inv = new Inventory();
  inv.addHost('h1', 'a');
  inv.addHost('h1', 'b');
  inv.setGroupVars('a', { v: 'a', ansible_group_priority: 10 });
  inv.setGroupVars('b', { v: 'b' });
  t.deepEqual(inv.varLayersFor('h1').map((l) => l.vars.v), ['b', 'a']);
});

test('file layers come after inline vars, inventory dir before playbook dir', (t) => {
  const inv = new Inventory();
  inv.addHost('h1', 'etcd');
  inv.setGroupVars('etcd', { v: 'etcd inline' });
  inv.setGroupVars('all', { v: 'all inline' });
  inv.setGroupVars('etcd', { v: 'etcd pb' }, { scope: 'playbook_dir', source: 'pb/group_vars/etcd.yml' });
  inv.setGroupVars('etcd', { v: 'etcd inv' }, { scope: 'inventory_dir', source: 'inv/group_vars/etcd.yml' });
  inv.setGroupVars('all', { v: 'all pb' }, { scope: 'playbook_dir' });
  inv.setGroupVars('all', { v: 'all inv' }, { scope: 'inventory_dir' });
  inv.setHostVars('h1', { v: 'host pb' }, { scope: 'playbook_dir' });
  inv.setHostVars('h1', { v: 'host inv' }, { scope: 'inventory_dir' });
  inv.setHostVars('h1', { v: 'host inline' });
  t.deepEqual(inv.varLayersFor('h1').map((l) => l.vars.v), [
    'all inline',
    'etcd inline',
    'all inv',
    'all pb',
    'etcd inv',
    'etcd pb',
    'host inline',
    'host inv',
    'host pb',
  ]);
});

test('the implicit localhost gets all vars and its own, no group vars', (t) => {
  const inv = new Inventory();
  inv.addHost('h1', 'etcd');
  inv.setGroupVars('all', { a: 1 });
  inv.setGroupVars('etcd', { e: 1 });
  t.deepEqual(inv.varLayersFor('localhost'), [
    { source: "group 'all'", vars: { a: 1 } },
    { source: 'implicit localhost', vars: { ansible_connection: 'local' } },
  ]);
  t.throws(() => inv.varLayersFor('nope'), { instanceOf: InventoryError });
});

test('merge folds hosts, groups, children and vars', (t) => {
  const a = new Inventory();
  a.addHost('h1', 'etcd');
  a.setGroupVars('etcd', { x: 1, y: 1 });
  const b = new Inventory();
  b.addHost('h2', 'etcd');
  b.addHost('h3');
  b.addChild('k8s', 'etcd');
  b.setGroupVars('etcd', { y: 2 });
  b.setHostVars('h2', { z: 3 });
  a.merge(b);
  t.deepEqual(a.groupsMap().etcd, ['h1', 'h2']);
  t.deepEqual(a.groupsMap().k8s, ['h1', 'h2']);
  t.deepEqual(a.groups.get('etcd')?.vars, { x: 1, y: 2 });
  t.deepEqual(a.hosts.get('h2')?.vars, { z: 3 });
  t.deepEqual(a.groups.get('ungrouped')?.hosts, ['h3']);
});

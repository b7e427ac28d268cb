import { fileURLToPath } from 'node:url';
import test from 'ava';
import { InventoryError } from '../../../src/errors.js';
import { Inventory } from '../../../src/inventory/index.js';
import { parseIniInventory } from '../../../src/load/inventory-ini.js';
import { loadInventory } from '../../../src/load/inventory.js';

const fixtures = fileURLToPath(new URL('../../fixtures/inventory/', import.meta.url));

function ini(text: string): Inventory {
  const inv = new Inventory();
  parseIniInventory(text, 'hosts', inv);
  return inv;
}

test('kubeasz hosts.multi-node: groups, hosts and all:vars', async (t) => {
  const inv = await loadInventory([`${fixtures}kubeasz/hosts.multi-node`]);
  t.deepEqual([...inv.hosts.keys()], ['192.168.1.1', '192.168.1.2', '192.168.1.3', '192.168.1.4', '192.168.1.5']);
  const groups = inv.groupsMap();
  t.deepEqual(groups.etcd, ['192.168.1.1', '192.168.1.2', '192.168.1.3']);
  t.deepEqual(groups.kube_node, ['192.168.1.4', '192.168.1.5']);
  t.deepEqual(groups.harbor, [], 'a group whose hosts are all commented out is empty, not missing');
  t.deepEqual(groups.k8s, ['192.168.1.1', '192.168.1.2', '192.168.1.3', '192.168.1.4', '192.168.1.5']);
  t.deepEqual(groups.ungrouped, []);
  t.deepEqual(inv.groupNamesOf('192.168.1.1'), ['etcd', 'k8s', 'kube_master']);

  t.deepEqual(inv.hosts.get('192.168.1.1')?.vars, { k8s_nodename: 'master-01' });
  t.deepEqual(inv.hosts.get('192.168.1.4')?.vars, { k8s_nodename: 'worker-01', max_pods: 110 });
  const all = inv.groups.get('all')!.vars;
  t.is(all.SECURE_PORT, '6443', 'quotes are removed and a quoted number stays a string');
  t.is(all.CONTAINER_RUNTIME, 'containerd');
  t.is(all.bin_dir, '/opt/kube/bin');
  t.is(all.cluster_dir, '{{ base_dir }}/clusters/_cluster_name_', 'templates are kept for the engine');
  t.is(all.k8s_nodename, '');
  t.is(all.ETCD_DATA_DIR, '/var/lib/etcd', 'unquoted text that is no literal stays text');
  t.is(all.install_retries, 3);
  t.is(all.debug, false);
  t.is(inv.groups.get('etcd')?.vars.ETCD_CLUSTER_STATE, 'new');
  t.deepEqual(inv.groups.get('etcd')?.pos, { file: `${fixtures}kubeasz/hosts.multi-node`, line: 2 });
});

test('inline host values are Python literals; vars sections take the whole rest of the line', (t) => {
  const inv = ini(`
h1 port=22 quoted='22' kept="'22'" flag=True name=master-01 list="[1, 'a']" d="{'k': 'v'}" spaced="a b" mode=0700
[g]
h1
[g:vars]
msg=hello world
n = 42
flag=FALSE
t="{{ x }} y"
`);
  t.deepEqual(inv.hosts.get('h1')?.vars, {
    port: 22,
    quoted: 22,
    kept: '22',
    flag: true,
    name: 'master-01',
    list: [1, 'a'],
    d: { k: 'v' },
    spaced: 'a b',
    mode: '0700',
  });
  t.deepEqual(inv.groups.get('g')?.vars, { msg: 'hello world', n: 42, flag: 'FALSE', t: '{{ x }} y' });
});

test('host ranges and ports on host lines', (t) => {
  const inv = ini('[etcd]\nnode[01:03].lab ansible_user=debian\ndb:2222\n');
  t.deepEqual(inv.hostsMatching('etcd'), ['node01.lab', 'node02.lab', 'node03.lab', 'db']);
  t.deepEqual(inv.hosts.get('node02.lab')?.vars, { ansible_user: 'debian' });
  t.deepEqual(inv.hosts.get('db')?.vars, { ansible_port: 2222 });
});

test('hosts before any section are ungrouped; children may be declared later', (t) => {
  const inv = ini('lone\n[k8s:children]\nkube_master\n[kube_master]\nm1\n');
  t.deepEqual(inv.groupsMap().ungrouped, ['lone']);
  t.deepEqual(inv.groupsMap().k8s, ['m1']);
});

function errorAt(t: import('ava').ExecutionContext, text: string, line: number, message: RegExp): void {
  const err = t.throws(() => ini(text), { instanceOf: InventoryError, message });
  t.deepEqual(err?.pos, { file: 'hosts', line });
  t.regex(err?.describe() ?? '', new RegExp(`^hosts:${line}: `));
}

test('errors name the file and line', (t) => {
  errorAt(t, '[etcd]\nh1\n[etcd:hosts\n', 3, /invalid section/);
  errorAt(t, '[etcd:nodes]\n', 1, /unknown type 'nodes'/);
  errorAt(t, '[etcd]\nh1 novalue\n', 2, /expected key=value/);
  errorAt(t, "[etcd]\nh1 a='open\n", 2, /No closing quotation/);
  errorAt(t, '[all:vars]\njustakey\n', 2, /expected key=value/);
  errorAt(t, '[a:children]\nb\n\n[b:children]\na\n', 5, /already inside/);
  errorAt(t, '[a:children]\na\n', 2, /child of itself/);
  errorAt(t, '[a:children]\nghost\n', 2, /'ghost', which is never declared/);
  errorAt(t, '[ghost:vars]\nx=1\n', 1, /never declared/);
  errorAt(t, '[etcd]\nn[3:1]\n', 2, /end before it begins/);
  errorAt(t, '---\nall:\n', 1, /YAML/);
});

test('fixture errors carry the fixture path', async (t) => {
  const header = await t.throwsAsync(loadInventory([`${fixtures}bad/bad-header.ini`]), { instanceOf: InventoryError });
  t.deepEqual(header?.pos, { file: `${fixtures}bad/bad-header.ini`, line: 4 });
  const cycle = await t.throwsAsync(loadInventory([`${fixtures}bad/cycle.ini`]), { instanceOf: InventoryError });
  t.is(cycle?.pos?.line, 5);
  await t.throwsAsync(loadInventory([`${fixtures}nope`]), { message: /does not exist/ });
});

test('a comma-separated host list is an inventory of ungrouped hosts', async (t) => {
  const inv = await loadInventory(['10.0.0.1,10.0.0.2:2222,']);
  t.deepEqual(inv.groupsMap().ungrouped, ['10.0.0.1', '10.0.0.2']);
  t.deepEqual(inv.hosts.get('10.0.0.2')?.vars, { ansible_port: 2222 });
});

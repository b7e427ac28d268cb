import { fileURLToPath } from 'node:url';
import test from 'ava';
import { InventoryError } from '../../../src/errors.js';
import { Inventory } from '../../../src/inventory/index.js';
import { looksLikeYaml, loadInventory } from '../../../src/load/inventory.js';
import { parseYamlInventory } from '../../../src/load/inventory-yaml.js';

const fixtures = fileURLToPath(new URL('../../fixtures/inventory/', import.meta.url));

function yaml(text: string): Inventory {
  const inv = new Inventory();
  parseYamlInventory(text, 'hosts.yml', inv);
  return inv;
}

test('YAML inventory: groups, host ranges, ports, vars', async (t) => {
  const inv = await loadInventory([`${fixtures}yaml/hosts.yml`]);
  const groups = inv.groupsMap();
  t.deepEqual(groups.etcd, ['etcd1', 'etcd2', 'etcd3', 'etcd4']);
  t.deepEqual(groups.kube_master, ['etcd1']);
  t.deepEqual(groups.ungrouped, ['bastion']);
  t.deepEqual(inv.hosts.get('etcd1')?.vars, { ansible_user: 'debian', node_role: 'master' });
  t.deepEqual(inv.hosts.get('etcd4')?.vars, { ansible_port: 2222 });
  t.is(inv.groups.get('etcd')?.vars.etcd_port, 2379);
  t.deepEqual(inv.groupNamesOf('etcd1'), ['etcd', 'kube_master']);
});

test('YAML 1.1 as Ansible reads it: yes/no are booleans, 0750 is octal', async (t) => {
  const inv = await loadInventory([`${fixtures}yaml/hosts.yml`]);
  const all = inv.groups.get('all')!.vars;
  t.is(all.swap_off, true);
  t.is(all.keep_swap, false);
  t.is(all.dir_mode, 0o750);
  t.is(all.quoted_mode, '0750');
});

test('YAML syntax errors carry file and line', async (t) => {
  const err = await t.throwsAsync(loadInventory([`${fixtures}bad/bad-yaml.yml`]), { instanceOf: InventoryError });
  t.is(err?.pos?.file, `${fixtures}bad/bad-yaml.yml`);
  t.is(typeof err?.pos?.line, 'number');
});

test('structure errors point at the offending key', (t) => {
  const err = t.throws(() => yaml('all:\n  children:\n    etcd:\n      host:\n        h1:\n'), { instanceOf: InventoryError });
  t.deepEqual(err?.pos, { file: 'hosts.yml', line: 4, col: 7 });
  t.regex(err?.message ?? '', /unexpected key 'host'/);
  t.throws(() => yaml('all:\n  vars: [1, 2]\n'), { message: /must be a mapping/ });
  t.throws(() => yaml('- h1\n'), { message: /mapping of group names/ });
});

test('bare names and empty groups are accepted', (t) => {
  const inv = yaml('all:\n  children:\n    etcd:\n      hosts: e1\n    empty:\n');
  t.deepEqual(inv.groupsMap().etcd, ['e1']);
  t.deepEqual(inv.groupsMap().empty, []);
});

test('format detection: by extension, else by how the file opens', (t) => {
  t.true(looksLikeYaml('inv.yaml', '[etcd]'));
  t.true(looksLikeYaml('inv.json', '{}'));
  t.true(looksLikeYaml('hosts', '# lab\nall:\n  hosts: {}\n'));
  t.true(looksLikeYaml('hosts', '---\n'));
  t.false(looksLikeYaml('hosts', '[etcd]\n10.0.0.1\n'));
  t.false(looksLikeYaml('hosts.multi-node', '10.0.0.1 a=1\n'));
});

test('scalars resolve as PyYAML does, not as the yaml package alone would', (t) => {
  const inv = yaml(
    'all:\n  hosts:\n    e1:\n  vars:\n    a: 1e3\n    b: 1.0e+3\n    c: y\n    d: 09\n    e: 2024-01-02\n    f: 1:30\n    g: off\n',
  );
  t.deepEqual([...inv.hosts.keys()], ['e1'], "'e1' is a host name, not NaN");
  t.deepEqual(inv.groups.get('all')?.vars, { a: '1e3', b: 1000, c: 'y', d: '09', e: '2024-01-02', f: 90, g: false });
});

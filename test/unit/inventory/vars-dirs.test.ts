import { fileURLToPath } from 'node:url';
import test from 'ava';
import { InventoryError } from '../../../src/errors.js';
import { Inventory } from '../../../src/inventory/index.js';
import { loadInventory } from '../../../src/load/inventory.js';
import { expandLimit } from '../../../src/load/inventory-limit.js';
import { loadVarsDirs } from '../../../src/load/vars-dirs.js';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const fixtures = fileURLToPath(new URL('../../fixtures/inventory/', import.meta.url));

test('group_vars and host_vars beside the inventory, then beside the playbook', async (t) => {
  const inv = await loadInventory([`${fixtures}kubeasz/hosts.multi-node`]);
  await loadVarsDirs(`${fixtures}playbook`, inv);
  const layers = inv.varLayersFor('192.168.1.1');
  t.deepEqual(
    layers.map((l) => l.source.replace(fixtures, '')),
    [
      'kubeasz/hosts.multi-node [all:vars]',
      'kubeasz/hosts.multi-node [etcd:vars]',
      'kubeasz/group_vars/all.yml',
      'kubeasz/group_vars/etcd/10-main.yml',
      'kubeasz/group_vars/etcd/20-override.yaml',
      'playbook/group_vars/etcd.yml',
      'kubeasz/hosts.multi-node:9',
      'kubeasz/host_vars/192.168.1.1',
      'playbook/host_vars/192.168.1.1.yml',
    ],
  );
  const merged = Object.assign({}, ...layers.map((l) => l.vars)) as Record<string, unknown>;
  t.is(merged.etcd_version, 'v3.6.0', 'the playbook directory wins');
  t.is(merged.etcd_name, 'etcd-first');
  t.is(merged.snapshot_mode, 0o700, 'YAML 1.1 octal in vars files');
  t.is(merged.compact, true);
  t.is(merged.k8s_nodename, 'master-01');
});

test('host_vars/localhost applies to the implicit localhost', async (t) => {
  const inv = await loadInventory([`${fixtures}kubeasz/hosts.multi-node`]);
  await loadVarsDirs(`${fixtures}playbook`, inv);
  const merged = Object.assign({}, ...inv.varLayersFor('localhost').map((l) => l.vars)) as Record<string, unknown>;
  t.is(merged.lab_dir, '/var/lib/ezplay-lab');
  t.is(merged.ansible_connection, 'local');
  t.is(merged.bin_dir, '/opt/kube/bin');
  t.is(merged.etcd_version, undefined);
});

test('a directory inventory reads every inventory file in it, sorted, skipping vars dirs and notes', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ezplay-inv-'));
  await writeFile(join(dir, '01-hosts'), '[etcd]\ne1\n');
  await writeFile(join(dir, '02-more.yml'), 'all:\n  children:\n    etcd:\n      hosts:\n        e2:\n');
  await writeFile(join(dir, 'README.md'), '# not an inventory [\n');
  await mkdir(join(dir, 'group_vars'));
  await writeFile(join(dir, 'group_vars', 'etcd.yml'), 'from_dir: true\n');
  const inv = await loadInventory([dir]);
  t.deepEqual(inv.groupsMap().etcd, ['e1', 'e2']);
  t.is(inv.varLayersFor('e1').at(-1)?.vars.from_dir, true);
});

test('a vars file that is not a mapping is an error at its line', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ezplay-vars-'));
  await mkdir(join(dir, 'group_vars'));
  await writeFile(join(dir, 'group_vars', 'all.yml'), '# list\n- a\n- b\n');
  const err = await t.throwsAsync(loadVarsDirs(dir, new Inventory()), { instanceOf: InventoryError });
  t.deepEqual(err?.pos, { file: join(dir, 'group_vars', 'all.yml'), line: 2, col: 1 });
});

test('--limit @file reads host names', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ezplay-limit-'));
  await writeFile(join(dir, 'retry'), '192.168.1.2\n\n192.168.1.4\n');
  const parts = await expandLimit('@retry:etcd', dir);
  t.deepEqual(parts, ['192.168.1.2', '192.168.1.4', 'etcd']);
  const inv = await loadInventory([`${fixtures}kubeasz/hosts.multi-node`]);
  t.deepEqual(inv.applyLimit(inv.hostsMatching('all'), await expandLimit('@retry', dir)), ['192.168.1.2', '192.168.1.4']);
});

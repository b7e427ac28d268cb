import test from 'ava';
import { checkLabName, labNames, type LabNames } from '../../../src/lab/paths.js';
import { LabError } from '../../../src/errors.js';

test('the default lab keeps the names existing inventories and scripts know', (t) => {
  const names = labNames('');
  t.is(names.bridge, 'ezlab0');
  t.is(names.machinePrefix, 'lab');
  t.is(names.defaultSubnet, '10.213.7.0/24');
  t.is(names.httpPort, 8780);
  t.is(names.cgroup, 'ezplay-lab');
  t.is(names.statePath, `${process.env.EZPLAY_LAB_HOME ?? '/var/lib/ezplay-lab'}/state.json`);
});

const parts = (n: LabNames) => [n.dir, n.bridge, n.machinePrefix, n.defaultSubnet, String(n.httpPort), n.cgroup, String(n.macByte)];

test('named labs get their own folder, bridge, machines, subnet, port and cgroup, all within interface-name limits', (t) => {
  const all = ['', 'etcd', 'mods', 'roletest', 'benchsmk', 'a', 'zz9z'].map(labNames);
  for (const names of all) {
    t.true(names.bridge.length <= 15, names.bridge);
    // the controller's veth end for the machine with the highest index there can be
    t.true(`ezl-${names.machinePrefix}244`.length <= 15, names.machinePrefix);
    t.regex(names.defaultSubnet, /^10\.\d+\.\d+\.0\/24$/);
  }
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const [a, b] = [parts(all[i]!), parts(all[j]!)];
      // folders, bridges, machine names and cgroups never collide; subnets and ports are derived, so differ here
      for (let k = 0; k < 6; k++) t.not(a[k], b[k], `${all[i]!.name || 'default'} vs ${all[j]!.name} (${k})`);
    }
  }
  t.false(labNames('etcd').dir.startsWith('/var/lib/ezplay-lab/'), 'never inside the default lab, which `lab down` sweeps');
  t.deepEqual(labNames('etcd'), labNames('etcd'), 'the same name gives the same lab in every process');
});

test('lab names that would collide or overflow an interface name are refused', (t) => {
  for (const bad of ['lab', 'default', 'Lab', 'a1', 'toolongname', '9a', 'a-b', '', 'etcd2']) {
    const error = t.throws(() => checkLabName(bad), { instanceOf: LabError }, bad);
    t.regex(error?.message ?? '', /lab name/);
  }
  for (const good of ['a', 'etcd', 'mods', 'b2b', 'roletest']) t.is(checkLabName(good), good);
});

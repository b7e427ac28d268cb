import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { addHostModule, groupByModule } from '../../../src/modules/inventory-changes.js';
import { planWith } from './core-modules-harness.js';

const conn = new FakeConnection('node1');

const cases: Array<{ title: string; module: typeof groupByModule | typeof addHostModule; args: Record<string, unknown>; inventory?: unknown; error?: RegExp }> = [
  {
    title: 'group_by: the host joins the group, under all',
    module: groupByModule,
    args: { key: 'kube_control_plane' },
    inventory: { groups: [{ name: 'kube_control_plane', parents: ['all'] }], hosts: [{ name: 'node1', groups: ['kube_control_plane'], vars: {} }] },
  },
  {
    title: 'group_by: parents as a comma list',
    module: groupByModule,
    args: { key: 'os_debian', parents: 'linux,servers' },
    inventory: { groups: [{ name: 'os_debian', parents: ['linux', 'servers'] }], hosts: [{ name: 'node1', groups: ['os_debian'], vars: {} }] },
  },
  { title: 'group_by: a space in the name is refused', module: groupByModule, args: { key: 'a b' }, error: /'a b' is not a valid group name/ },
  {
    title: 'add_host: other arguments are host variables, name:port sets ansible_port',
    module: addHostModule,
    args: { hostname: 'new:2222', group: 'etcd', ansible_host: '10.0.0.9', etcd_member: true },
    inventory: {
      groups: [{ name: 'etcd', parents: ['all'] }],
      hosts: [{ name: 'new', groups: ['etcd'], vars: { ansible_host: '10.0.0.9', etcd_member: true, ansible_port: 2222 } }],
    },
  },
  {
    title: 'add_host: no groups',
    module: addHostModule,
    args: { name: 'bastion' },
    inventory: { groups: [], hosts: [{ name: 'bastion', groups: [], vars: {} }] },
  },
  { title: 'add_host: a bad variable name', module: addHostModule, args: { name: 'x', 'bad-var': 1 }, error: /'bad-var' is not a valid variable name/ },
  { title: 'add_host: name is required', module: addHostModule, args: { groups: ['a'] }, error: /missing required argument 'name'/ },
];

for (const c of cases) {
  test(c.title, async (t) => {
    if (c.error) {
      await t.throwsAsync(planWith(c.module as never, conn, c.args), { message: c.error });
      return;
    }
    const plan = await planWith(c.module as never, conn, c.args);
    t.false(plan.changed, 'never changed, as in Ansible');
    t.deepEqual(plan.inventory, c.inventory);
    t.is(plan.steps, undefined, 'nothing runs on a host');
  });
}

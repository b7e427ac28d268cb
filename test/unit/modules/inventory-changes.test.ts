import type { ExecutionContext } from 'ava';
import type { Plan } from '../../../src/modules/types.js';
import { addHostModule, groupByModule } from '../../../src/modules/inventory-changes.js';
import { moduleTable } from '../../helpers/module-table.js';

const adds = (inventory: unknown) => ({
  changed: false,
  also: (t: ExecutionContext, plan: Plan) => {
    t.deepEqual(plan.inventory, inventory);
    t.is(plan.steps, undefined, 'nothing runs on a host');
  },
});

moduleTable([
  {
    name: 'the host joins the group, under all',
    module: groupByModule,
    args: { key: 'kube_control_plane' },
    expect: adds({ groups: [{ name: 'kube_control_plane', parents: ['all'] }], hosts: [{ name: 'node1', groups: ['kube_control_plane'], vars: {} }] }),
  },
  {
    name: 'parents as a comma list',
    module: groupByModule,
    args: { key: 'os_debian', parents: 'linux,servers' },
    expect: adds({ groups: [{ name: 'os_debian', parents: ['linux', 'servers'] }], hosts: [{ name: 'node1', groups: ['os_debian'], vars: {} }] }),
  },
  { name: 'a space in the name is refused', module: groupByModule, args: { key: 'a b' }, expect: { error: /'a b' is not a valid group name/ } },
  {
    name: 'other arguments are host variables, name:port sets ansible_port',
    module: addHostModule,
    args: { hostname: 'new:2222', group: 'etcd', ansible_host: '10.0.0.9', etcd_member: true },
    expect: adds({
      groups: [{ name: 'etcd', parents: ['all'] }],
      hosts: [{ name: 'new', groups: ['etcd'], vars: { ansible_host: '10.0.0.9', etcd_member: true, ansible_port: 2222 } }],
    }),
  },
  { name: 'no groups', module: addHostModule, args: { name: 'bastion' }, expect: adds({ groups: [], hosts: [{ name: 'bastion', groups: [], vars: {} }] }) },
  { name: 'a bad variable name', module: addHostModule, args: { name: 'x', 'bad-var': 1 }, expect: { error: /'bad-var' is not a valid variable name/ } },
  { name: 'name is required', module: addHostModule, args: { groups: ['a'] }, expect: { error: /missing required arguments: name/ } },
]);

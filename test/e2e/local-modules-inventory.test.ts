/**
 * group_by and add_host on the local connection: the groups and hosts they
 * make are seen by later tasks (`groups`, `group_names`, hostvars) and by
 * later plays' host patterns, also in check mode, as in Ansible.
 */
import test from 'ava';
import { project, runLocal } from '../helpers/run-local.js';
import { exists, read, results, THREE_HOSTS } from '../helpers/local-hosts.js';

const PLAYBOOK = `
- hosts: web
  gather_facts: no
  tasks:
    - group_by:
        key: kube_control_plane
    - name: group by a variable, under a parent
      group_by: key=role_{{ inventory_hostname }} parents=masters
    - add_host:
        name: "extra{{ inventory_hostname }}:2222"
        groups: [added, also]
        ansible_connection: local
        color: blue
      register: added
    - assert:
        that:
          - "'kube_control_plane' in group_names"
          - "groups.kube_control_plane | sort == ['h1', 'h2']"
          - "groups.masters | sort == ['h1', 'h2']"
          - "groups.added == ['extrah1']"
          - "hostvars.extrah1.color == 'blue'"
          - "hostvars.extrah1.ansible_port == 2222"
          - "added.add_host.host_name == 'extrah1'"

- hosts: kube_control_plane:&db
  gather_facts: no
  tasks:
    - copy: { dest: "$DIR/cp-{{ inventory_hostname }}", content: "{{ group_names | sort | join(',') }}" }

- hosts: also
  gather_facts: no
  tasks:
    - copy: { dest: "$DIR/added-{{ inventory_hostname }}", content: "{{ color }}" }
`;

test('group_by and add_host change the inventory the rest of the run sees', async (t) => {
  const dir = project({ hosts: THREE_HOSTS, 'play.yml': PLAYBOOK });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'cp-h2'), 'db,kube_control_plane,masters,role_h2,web');
  t.false(exists(dir, 'cp-h1'), 'h1 is not in db');
  t.is(read(dir, 'added-extrah1'), 'blue');
  t.is(results(run.events, 'add_host').length, 1, 'add_host runs once per task, not once per host');
  for (const r of results(run.events).filter((r) => r.task === 'group_by' || r.task === 'add_host')) t.is(r.status, 'ok');
  t.is(read(dir, 'hosts'), THREE_HOSTS, 'the inventory file is left alone');
});

test('in check mode the groups are made too, and nothing is written', async (t) => {
  const dir = project({ hosts: THREE_HOSTS, 'play.yml': PLAYBOOK });
  const run = await runLocal(dir, 'play.yml', { check: true });
  t.false(run.summary.failed, run.output);
  t.false(exists(dir, 'cp-h2'));
  t.is(results(run.events).filter((r) => r.host === 'h2' && r.status === 'changed').length, 1, 'the copy of the second play plans a change');
  t.truthy(results(run.events).find((r) => r.host === 'extrah1'), 'the added host is a host of the third play');
});

test('bad group names are refused with the task named', async (t) => {
  const dir = project({ hosts: THREE_HOSTS, 'play.yml': `
- hosts: web
  gather_facts: no
  tasks:
    - group_by: key="bad name"
` });
  const run = await runLocal(dir);
  t.true(run.summary.failed);
  t.regex(run.output, /'bad name' is not a valid group name/);
});

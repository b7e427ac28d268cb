import test from 'ava';
import os from 'node:os';
import { counters, project, runLocal } from '../helpers/run-local.js';
import { read, results, taskStarts } from '../helpers/local-hosts.js';

const HOSTS = 'h1 ansible_connection=local\nh2 ansible_connection=local\n';

test('roles by name and as {role, vars, when, tags}; pre_tasks, roles, tasks, post_tasks in order', async (t) => {
  const dir = project({
    hosts: HOSTS,
    'play.yml': `
- name: ordered play
  hosts: all
  gather_facts: no
  post_tasks:
    - shell: echo "post" >> $DIR/{{ inventory_hostname }}.log
  tasks:
    - shell: echo "task" >> $DIR/{{ inventory_hostname }}.log
  pre_tasks:
    - shell: echo "pre" >> $DIR/{{ inventory_hostname }}.log
  roles:
    - common
    - role: greet
      vars:
        greeting: hello
      tags: greet
    - role: greet
      vars:
        greeting: only-h2
      when: inventory_hostname == 'h2'
`,
    'roles/common/tasks/main.yml': '- shell: echo "common {{ common_setting }}" >> $DIR/{{ inventory_hostname }}.log\n',
    'roles/common/defaults/main.yml': 'common_setting: default\n',
    'roles/greet/tasks/main.yml': '- shell: echo "{{ greeting }} from {{ role_name }}" >> $DIR/{{ inventory_hostname }}.log\n',
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'h1.log'), 'pre\ncommon default\nhello from greet\ntask\npost\n');
  t.is(read(dir, 'h2.log'), 'pre\ncommon default\nhello from greet\nonly-h2 from greet\ntask\npost\n');
  t.deepEqual(run.events.flatMap((e) => (e.type === 'play_start' ? [e.name] : [])), ['ordered play']);
  t.regex(run.output, /PLAY \[ordered play\]/);
  t.regex(run.output, /TASK \[greet : shell\]/);
  const tagged = await runLocal(dir, 'play.yml', { tags: ['greet'] });
  t.is(results(tagged.events).length, 2, 'only the tagged role entry runs');
});

test('include_tasks with a templated file name and a loop; import_tasks; include_role and import_role', async (t) => {
  const dir = project({
    hosts: HOSTS,
    'play.yml': `
- hosts: all
  gather_facts: no
  vars:
    flavour: "{{ 'debian' if inventory_hostname == 'h1' else 'redhat' }}"
  tasks:
    - include_tasks: "os-{{ flavour }}.yml"
    - include_tasks: item.yml
      loop: [a, b]
    - import_tasks: imported.yml
    - include_role:
        name: svc
        tasks_from: extra
      vars:
        svc_name: included
    - import_role:
        name: svc
      vars:
        svc_name: imported
`,
    'os-debian.yml': '- shell: echo debian >> $DIR/{{ inventory_hostname }}.log\n',
    'os-redhat.yml': '- shell: echo redhat >> $DIR/{{ inventory_hostname }}.log\n',
    'item.yml': '- shell: echo "item {{ item }}" >> $DIR/{{ inventory_hostname }}.log\n',
    'imported.yml': '- name: from import\n  shell: echo imported >> $DIR/{{ inventory_hostname }}.log\n',
    'roles/svc/tasks/main.yml': '- shell: echo "main {{ svc_name }} {{ svc_default }}" >> $DIR/{{ inventory_hostname }}.log\n',
    'roles/svc/tasks/extra.yml': '- shell: echo "extra {{ svc_name }} {{ svc_default }}" >> $DIR/{{ inventory_hostname }}.log\n',
    'roles/svc/defaults/main.yml': 'svc_default: d\n',
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'h1.log'), 'debian\nitem a\nitem b\nimported\nextra included d\nmain imported d\n');
  t.is(read(dir, 'h2.log'), 'redhat\nitem a\nitem b\nimported\nextra included d\nmain imported d\n');
  t.true(taskStarts(run.events).includes('from import'));
});

test('import_playbook runs the imported plays in place', async (t) => {
  const dir = project({
    hosts: HOSTS,
    'play.yml': `
- hosts: h1
  gather_facts: no
  tasks:
    - shell: echo first >> $DIR/log
- import_playbook: sub/other.yml
- hosts: h1
  gather_facts: no
  tasks:
    - shell: echo last >> $DIR/log
`,
    'sub/other.yml': `
- hosts: h2
  gather_facts: no
  tasks:
    - shell: echo "imported {{ inventory_hostname }} {{ playbook_dir | basename }}" >> $DIR/log
`,
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'log'), 'first\nimported h2 sub\nlast\n');
});

test('gather_facts sets ansible_hostname and friends', async (t) => {
  const dir = project({
    hosts: 'h1 ansible_connection=local\n',
    'play.yml': `
- hosts: all
  tasks:
    - copy:
        dest: $DIR/facts
        content: "{{ ansible_hostname }}|{{ ansible_facts['hostname'] }}|{{ ansible_system }}|{{ ansible_os_family is string }}|{{ ansible_default_ipv4 is defined }}"
`,
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  const [name, viaFacts, system, family] = read(dir, 'facts').split('|');
  t.is(name, os.hostname().split('.')[0]);
  t.is(viaFacts, name);
  t.is(system, 'Linux');
  t.is(family, 'True');
  t.is(taskStarts(run.events)[0], 'Gathering Facts');
});

test('rollback: never keeps the changes of that play when a later one fails', async (t) => {
  const dir = project({
    hosts: 'h1 ansible_connection=local\n',
    'play.yml': `
- hosts: all
  gather_facts: no
  rollback: never
  tasks:
    - copy: dest=$DIR/kept content=kept
- hosts: all
  gather_facts: no
  tasks:
    - copy: dest=$DIR/undone content=undone
    - fail: msg=stop
`,
  });
  const run = await runLocal(dir);
  t.true(run.summary.failed);
  t.is(read(dir, 'kept'), 'kept');
  t.throws(() => read(dir, 'undone'));
  t.is(counters(run, 'h1')?.failed, 1);
});

test('import_playbook gives its vars (over the play\'s own), when and tags to the plays it imports', async (t) => {
  const dir = project({
    hosts: HOSTS,
    'needs.yml': '- hosts: h1\n  gather_facts: no\n  vars: { who: play }\n  tasks:\n    - shell: echo "{{ who }} {{ extra }}" >> $DIR/log\n',
    'skipped.yml': '- hosts: h1\n  gather_facts: no\n  tasks:\n    - shell: echo skipped >> $DIR/log\n',
    'tagged.yml': '- hosts: h1\n  gather_facts: no\n  tasks:\n    - shell: echo tagged >> $DIR/log\n',
    'play.yml': `
- import_playbook: needs.yml
  vars: { extra: given, who: import }
- import_playbook: skipped.yml
  when: false
- import_playbook: tagged.yml
  tags: [chosen]
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1')?.failed, 0, run.output);
  t.deepEqual(read(dir, 'log').trim().split('\n'), ['import given', 'tagged']);
  await runLocal(dir, 'play.yml', { tags: ['chosen'] });
  t.deepEqual(read(dir, 'log').trim().split('\n'), ['import given', 'tagged', 'tagged']);
});

test('an include whose when cannot be evaluated fails on that host as a task: ignore_errors and register apply; a looped include_role names the item', async (t) => {
  const dir = project({
    hosts: HOSTS,
    'roles/r1/tasks/main.yml': '- shell: echo "r1 {{ inventory_hostname }}" >> $DIR/log\n',
    'inc.yml': '- shell: echo never >> $DIR/log\n',
    'play.yml': `
- hosts: h1
  gather_facts: no
  tasks:
    - include_tasks: inc.yml
      when: nowhere == 'yes'
      ignore_errors: true
      register: r
    - assert: { that: [r is failed] }
    - include_role: { name: "{{ item }}" }
      loop: [r1]
`,
  });
  const run = await runLocal(dir);
  const c = counters(run, 'h1');
  t.is(c?.failed, 0, run.output);
  t.is(c?.ignored, 1, run.output);
  t.is(read(dir, 'log').trim(), 'r1 h1');
});

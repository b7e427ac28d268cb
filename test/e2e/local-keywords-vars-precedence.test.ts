import test from 'ava';
import { statSync } from 'node:fs';
import path from 'node:path';
import { counters, project, runLocal } from '../helpers/run-local.js';
import { read, results } from '../helpers/local-hosts.js';

// vN is defined at levels 1..N, so its value names the level that wins over every lower one.
const NAMES = Array.from({ length: 11 }, (_, i) => `v${i + 1}`);
const from = (level: number, value: string) =>
  NAMES.slice(level - 1)
    .map((n) => `${n}: ${value}`)
    .join('\n');
const inline = (level: number, value: string) =>
  NAMES.slice(level - 1)
    .map((n) => `${n}=${value}`)
    .join(' ');
// INI [group:vars] sections take one key=value per line, as in Ansible
const lines = (level: number, value: string) => from(level, value).replaceAll(': ', '=');

function precedenceProject() {
  return project({
    hosts: `
[all:vars]
${lines(2, 'inventory_all')}

[parent:children]
child

[parent:vars]
${lines(3, 'group_parent')}

[child]
h1 ansible_connection=local ${inline(5, 'host_vars')}

[child:vars]
${lines(4, 'group_child')}
`,
    'play.yml': `
- hosts: h1
  gather_facts: no
  vars:
${from(6, 'play_vars').replace(/^/gm, '    ')}
  vars_files:
    - vars/extra.yml
  roles:
    - prec
`,
    'vars/extra.yml': from(7, 'vars_files'),
    'roles/prec/defaults/main.yml': from(1, 'role_defaults'),
    'roles/prec/vars/main.yml': from(8, 'role_vars'),
    'roles/prec/tasks/main.yml': `
- set_fact:
    v10: set_fact
    v11: set_fact
- block:
    - copy:
        dest: $DIR/out.txt
        content: "${NAMES.map((n) => `${n}={{ ${n} }}`).join('\\n')}\\n"
      vars:
        v9: task_vars
        v10: task_vars
        v11: task_vars
  vars:
${from(9, 'block_vars').replace(/^/gm, '    ')}
`,
  });
}

test('each level of Ansible precedence wins over every lower one', async (t) => {
  const dir = precedenceProject();
  const run = await runLocal(dir, 'play.yml', { extraVars: { v11: 'extra_vars' } });
  t.is(counters(run, 'h1')?.failed, 0, run.output);
  t.is(
    read(dir, 'out.txt'),
    [
      'v1=role_defaults',
      'v2=inventory_all',
      'v3=group_parent',
      'v4=group_child',
      'v5=host_vars',
      'v6=play_vars',
      'v7=vars_files',
      'v8=role_vars',
      'v9=task_vars',
      'v10=set_fact',
      'v11=extra_vars',
      '',
    ].join('\n'),
  );
});

test('block vars lose to task vars and win over role vars; register beats task vars', async (t) => {
  const dir = project({
    hosts: 'h1 ansible_connection=local\n',
    'play.yml': `
- hosts: all
  gather_facts: no
  vars:
    a: play
    b: play
    r: play
  tasks:
    - command: echo registered
      register: r
    - block:
        - copy:
            dest: $DIR/out.txt
            content: "{{ a }} {{ b }} {{ r.stdout }}"
          vars:
            b: task
            r: task
      vars:
        a: block
        b: block
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1')?.failed, 0, run.output);
  t.is(read(dir, 'out.txt'), 'block task registered');
});

test('group_vars and host_vars folders beside the playbook, children over parents, host over group', async (t) => {
  const dir = project({
    hosts: '[parent:children]\nchild\n[child]\nh1 ansible_connection=local\nh2 ansible_connection=local\n',
    'group_vars/all.yml': 'x: all\ny: all\nz: all\n',
    'group_vars/parent.yml': 'x: parent\ny: parent\nz: parent\n',
    'group_vars/child.yml': 'y: child\nz: child\n',
    'host_vars/h2.yml': 'z: host\n',
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - copy: dest=$DIR/{{ inventory_hostname }}.txt content="{{ x }} {{ y }} {{ z }}"
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1')?.failed, 0, run.output);
  t.is(read(dir, 'h1.txt'), 'parent child child');
  t.is(read(dir, 'h2.txt'), 'parent child host');
});

test('variables resolve lazily: a variable may refer to one defined later or at a higher level', async (t) => {
  const dir = project({
    hosts: `
[all:vars]
base_dir=/opt/kube
cluster_dir="{{ base_dir }}/clusters/{{ cluster }}"

[nodes]
h1 ansible_connection=local
`,
    'play.yml': `
- hosts: nodes
  gather_facts: no
  vars:
    first: "{{ second }}/first"
    second: "{{ cluster_dir }}/second"
    cluster: c1
  tasks:
    - copy: dest=$DIR/out.txt content="{{ first }}"
`,
  });
  const run = await runLocal(dir, 'play.yml', { extraVars: { base_dir: '/srv' } });
  t.is(counters(run, 'h1')?.failed, 0, run.output);
  t.is(read(dir, 'out.txt'), '/srv/clusters/c1/second/first');
});

test('a cycle of variables fails the task with an error naming the chain', async (t) => {
  const dir = project({
    hosts: 'h1 ansible_connection=local\n',
    'play.yml': `
- hosts: all
  gather_facts: no
  vars:
    a: "{{ b }}"
    b: "{{ c }}"
    c: "{{ a }}"
  tasks:
    - copy: dest=$DIR/out.txt content="{{ a }}"
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1')?.failed, 1);
  const failure = results(run.events).find((r) => r.status === 'failed');
  t.regex(failure?.msg ?? '', /a -> b -> c -> a/);
  t.regex(failure?.msg ?? '', /recursive/);
});

test('magic variables', async (t) => {
  const dir = project({
    hosts: `
[web]
h1.example.com ansible_connection=local color=red
h2 ansible_connection=local color=blue

[db]
h3 ansible_connection=local color=green
`,
    'play.yml': `
- hosts: web:db
  gather_facts: no
  serial: 2
  roles:
    - magic
`,
    'roles/magic/tasks/main.yml': `
- copy:
    dest: "$DIR/{{ inventory_hostname_short }}.txt"
    content: |
      hostname={{ inventory_hostname }}
      short={{ inventory_hostname_short }}
      groups={{ groups['web'] | join(',') }}/{{ groups['db'] | join(',') }}/{{ groups['all'] | length }}
      group_names={{ group_names | join(',') }}
      other={{ hostvars['h2'].color }}
      play_hosts={{ play_hosts | join(',') }}
      ansible_play_hosts={{ ansible_play_hosts | join(',') }}
      batch={{ ansible_play_batch | join(',') }}
      playbook_dir={{ playbook_dir }}
      role_path={{ role_path }}
      role_name={{ role_name }}
      check={{ ansible_check_mode }}
    mode: "{{ no_such_mode | default(omit) }}"
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1.example.com')?.failed, 0, run.output);
  const h1 = read(dir, 'h1.txt');
  t.regex(h1, /^hostname=h1\.example\.com$/m);
  t.regex(h1, /^short=h1$/m);
  t.regex(h1, /^groups=h1\.example\.com,h2\/h3\/3$/m);
  t.regex(h1, /^group_names=web$/m);
  t.regex(h1, /^other=blue$/m);
  t.regex(h1, /^play_hosts=h1\.example\.com,h2,h3$/m);
  t.regex(h1, /^ansible_play_hosts=h1\.example\.com,h2,h3$/m);
  t.regex(h1, /^batch=h1\.example\.com,h2$/m);
  t.true(h1.includes(`playbook_dir=${dir}\n`));
  t.true(h1.includes(`role_path=${dir}/roles/magic\n`));
  t.regex(h1, /^role_name=magic$/m);
  t.regex(h1, /^check=False$/m);
  t.regex(read(dir, 'h3.txt'), /^batch=h3$/m);
  t.regex(read(dir, 'h3.txt'), /^group_names=db$/m);
});

test('omit drops an argument: the file keeps the mode it would have without it', async (t) => {
  const dir = project({
    hosts: 'h1 ansible_connection=local\n',
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - file: path=$DIR/{{ name }} state=directory mode="{{ wanted | default(omit) }}"
`,
  });
  const run = await runLocal(dir, 'play.yml', { extraVars: { name: 'plain' } });
  t.is(counters(run, 'h1')?.failed, 0, run.output);
  const umask = process.umask();
  t.is(statSync(path.join(dir, 'plain')).mode & 0o777, 0o777 & ~umask);
  const run2 = await runLocal(dir, 'play.yml', { extraVars: { name: 'private', wanted: '0700' } });
  t.is(counters(run2, 'h1')?.failed, 0, run2.output);
  t.is(statSync(path.join(dir, 'private')).mode & 0o777, 0o700);
});

test('ansible_check_mode is true under --check', async (t) => {
  const dir = project({
    hosts: 'h1 ansible_connection=local\n',
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - debug: msg="check={{ ansible_check_mode }}"
`,
  });
  const run = await runLocal(dir, 'play.yml', { check: true });
  t.is(results(run.events)[0]?.msg, 'check=True');
});

test('vars_files: templated names, and a list of alternatives takes the first file that exists', async (t) => {
  const dir = project({
    hosts: 'h1 ansible_connection=local\n',
    'play.yml': `
- hosts: all
  gather_facts: no
  vars:
    env_name: prod
  vars_files:
    - "vars/{{ env_name }}.yml"
    - ["vars/missing.yml", "vars/fallback.yml", "vars/prod.yml"]
  tasks:
    - copy: dest=$DIR/out content="{{ from_env }} {{ from_alternative }}"
`,
    'vars/prod.yml': 'from_env: prod\nfrom_alternative: not-this-one\n',
    'vars/fallback.yml': 'from_alternative: fallback\n',
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1')?.failed, 0, run.output);
  t.is(read(dir, 'out'), 'prod fallback');
});

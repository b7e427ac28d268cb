/**
 * include_vars on the local connection: a file (free form and `file:`),
 * a folder in name order, `name:`, the role's vars/ found first, and the
 * precedence over play vars, as in Ansible.
 */
import os from 'node:os';
import test from 'ava';
import { LOCAL_INVENTORY, project, runLocal } from '../helpers/run-local.js';
import { read } from '../helpers/local-hosts.js';

test('include_vars: file, dir, name and role vars/ reach later tasks', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'vars/main.yml': 'color: red\nsize: 1\n',
    'vars/other.json': '{"shape": "round"}',
    'conf.d/10-a.yml': 'order: [a]\nlast: a\n',
    'conf.d/20-b.yaml': 'last: b\n',
    'conf.d/sub/30-c.yml': 'deep: c\n',
    'conf.d/README': 'not variables',
    'roles/r/vars/main.yml': 'from_role: yes\n',
    'roles/r/vars/own.yml': 'role_file: own\n',
    'roles/r/tasks/main.yml': '- include_vars: own.yml\n- copy: { dest: "$DIR/role", content: "{{ role_file }}" }\n',
    'play.yml': `
- hosts: local
  gather_facts: no
  vars:
    color: blue
  tasks:
    - include_vars: main.yml
    - include_vars:
        file: other.json
        name: loaded
    - include_vars:
        dir: conf.d
        ignore_unknown_extensions: true
      register: confd
    - include_role: { name: r }
    - copy:
        dest: $DIR/out
        content: "{{ color }} {{ size }} {{ loaded.shape }} {{ last }} {{ deep }} {{ confd.ansible_included_var_files | map('basename') | join(',') }}"
`,
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'out'), 'red 1 round b c 10-a.yml,20-b.yaml,30-c.yml', 'included vars win over play vars; later files win');
  t.is(read(dir, 'role'), 'own');
});

test('include_vars: values are templates rendered when used, under set_fact and register', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'more.yml': 'endpoint: "https://{{ host_ip }}:{{ port }}"\nports: ["{{ port }}"]\nkept: included\n',
    'play.yml': `
- hosts: local
  gather_facts: no
  vars:
    host_ip: 10.0.0.1
  tasks:
    - set_fact: {kept: from_set_fact}
    - include_vars: more.yml
    - copy:
        dest: $DIR/out
        content: "{{ endpoint }} {{ ports[0] | int + 1 }} {{ kept }}"
      vars:
        port: 2379
`,
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'out'), 'https://10.0.0.1:2379 2380 from_set_fact');
});

test('include_vars: a missing file fails the task naming where it looked; an unknown argument is refused at load', async (t) => {
  const dir = project({ hosts: LOCAL_INVENTORY, 'play.yml': '- hosts: local\n  gather_facts: no\n  tasks:\n    - include_vars: nope.yml\n' });
  const run = await runLocal(dir);
  t.true(run.summary.failed);
  t.regex(run.output, /Could not find or access 'nope\.yml' on the controller; searched in:\\n\\t.*vars\/nope\.yml/);
  const bad = project({ hosts: LOCAL_INVENTORY, 'play.yml': '- hosts: local\n  gather_facts: no\n  tasks:\n    - include_vars: { file: a.yml, bogus: 1 }\n' });
  await t.throwsAsync(runLocal(bad), { message: /include_vars: unsupported argument 'bogus'/ });
});

test('setup gathers facts mid-play with the same probe as gather_facts; filter keeps the named ones', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'play.yml': `
- hosts: local
  gather_facts: no
  tasks:
    - setup: { filter: ['ansible_hostname', 'ansible_kernel'] }
      register: gathered
    - copy:
        dest: $DIR/out
        content: "{{ ansible_hostname }} {{ ansible_kernel }} {{ gathered.ansible_facts.keys() | sort | join(',') }} {{ ansible_os_family is defined }}"
`,
  });
  const run = await runLocal(dir, 'play.yml', { check: false });
  t.false(run.summary.failed, run.output);
  const [host, kernel, keys, osFamily] = read(dir, 'out').split(' ');
  t.is(host, os.hostname().split('.')[0]);
  t.is(kernel, os.release());
  t.is(keys, 'hostname,kernel');
  t.is(osFamily, 'False');
});

test('include_vars: a folded free form names the file without its line break; values are templates rendered when used, set_fact wins over them, merge without name merges each mapping, a failure carries message', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'vars/a.yml': "base: x\nderived: '{{ base }}-y'\nconfig: { k0: 0, k2: { a: 1 } }\npinned: from-file\n",
    'vars/b.yml': 'config: { k1: 1, k2: { b: 2 } }\n',
    'play.yml': `
- hosts: local
  gather_facts: no
  tasks:
    - set_fact: { pinned: from-set-fact }
    - include_vars: >
        a.yml
    - include_vars: { file: b.yml, hash_behaviour: merge }
    - include_vars: { file: "" }
      register: missing
      ignore_errors: true
    - copy:
        dest: $DIR/out
        content: "{{ derived }} {{ pinned }} {{ config | to_json }} {{ 'Could not find file' in missing.message }}"
`,
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'out'), 'x-y from-set-fact {"k0": 0, "k2": {"a": 1, "b": 2}, "k1": 1} True');
});

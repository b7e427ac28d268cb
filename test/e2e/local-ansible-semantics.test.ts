/**
 * Ansible behaviours that ansible-core's own integration targets rely on
 * (lookup_items, lookup_list, lookup_sequence, loops, failed_when over a
 * module's failure), and ansible-playbook's connection options, on the
 * local connection.
 */
import test from 'ava';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ezplay } from '../helpers/cli.js';
import { counters, project, runLocal } from '../helpers/run-local.js';
import { read } from '../helpers/local-hosts.js';

const HOST = 'h1 ansible_connection=local\n';

test("set_fact with a templated name in key=value form: '{{ item }}=moo', as Ansible's parse_kv splits it", async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - set_fact: "{{ item }}=moo"
      with_items: [foo, bar]
    - set_fact: "{{ 'x_' + item }}=v{{ item }}"
      loop: ['1', '2']
    - assert:
        that:
          - foo == 'moo'
          - bar == 'moo'
          - x_1 == 'v1'
          - x_2 == 'v2'
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1')?.failed, 0, run.output);
  t.is(counters(run, 'h1')?.ok, 3, run.output);
});

test('a loop over an undefined variable is skipped when the condition is false, and fails when it holds', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - debug: msg="never"
      with_items: ['{{ nowhere }}']
      when: false
      register: skipped_loop
    - assert:
        that: skipped_loop is skipped
    - debug: msg="fails"
      with_items: ['{{ nowhere }}']
      when: true
`,
  });
  const run = await runLocal(dir);
  const c = counters(run, 'h1');
  t.is(c?.skipped, 1, run.output);
  t.is(c?.failed, 1, run.output);
  t.regex(run.output, /'nowhere' is undefined/);
});

test("failed_when judges a module's own failure: failed_when: false turns it into ok, a condition over the result keeps it", async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - copy: src=$DIR/no-such-file dest=$DIR/out
      failed_when: false
      register: tolerated
    - assert:
        that:
          - tolerated is not failed
    - copy: src=$DIR/no-such-file dest=$DIR/out
      failed_when: "'no-such-file' in msg"
`,
  });
  const run = await runLocal(dir);
  const c = counters(run, 'h1');
  t.is(c?.ok, 2, run.output);
  t.is(c?.failed, 1, run.output);
});

test('-c local, -u, -b and --become-user are defaults under the inventory: a host variable and a task keyword still win', async (t) => {
  const dir = project({
    // h1 has no connection of its own: -c local reaches it on the controller; h2 names ssh and a user and keeps them
    hosts: 'h1\nh2 ansible_connection=ssh ansible_user=keeper\n',
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - copy:
        dest: "$DIR/{{ inventory_hostname }}-{{ tag }}.txt"
        content: "{{ ansible_connection }} {{ ansible_user | default('-') }} {{ ansible_become | default('-') }} {{ ansible_become_user | default('-') }}\\n"
      delegate_to: localhost
      become: false
`,
  });
  const plain = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts', '-c', 'local', '-u', 'someone', '-e', 'tag=a']);
  t.is(plain.code, 0, plain.stdout + plain.stderr);
  t.is(read(dir, 'h1-a.txt'), 'local someone - -\n');
  t.is(read(dir, 'h2-a.txt'), 'ssh keeper - -\n');
  const become = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts', '-l', 'h1', '-c', 'local', '-b', '--become-user', 'nobody', '-e', 'tag=b']);
  t.is(become.code, 0, become.stdout + become.stderr);
  t.is(read(dir, 'h1-b.txt'), 'local - True nobody\n');
});

test('several playbooks run one after the other as one run; a bad one stops them all before any host is touched', async (t) => {
  const play = (n: string) => `
- hosts: all
  gather_facts: no
  tasks:
    - copy: {dest: "$DIR/${n}.txt", content: "${n}\\n"}
`;
  const dir = project({ hosts: HOST, 'one.yml': play('one'), 'two.yml': play('two'), 'bad.yml': '- hosts: all\n  tasks:\n    - nosuchmodule: {}\n' });
  const both = await ezplay(dir, ['run', 'one.yml', 'two.yml', '-i', 'hosts']);
  t.is(both.code, 0, both.stdout + both.stderr);
  t.is(read(dir, 'one.txt'), 'one\n');
  t.is(read(dir, 'two.txt'), 'two\n');
  t.regex(both.stdout, /h1 +: ok=2 +changed=2/);
  rmSync(path.join(dir, 'one.txt'));
  const bad = await ezplay(dir, ['run', 'one.yml', 'bad.yml', '-i', 'hosts', '-e', '{"unused": 1}']);
  t.is(bad.code, 4, bad.stdout + bad.stderr);
  t.regex(bad.stderr + bad.stdout, /bad\.yml:3/);
  t.false(existsSync(path.join(dir, 'one.txt')));
});

test("command's executable is ignored with Ansible's warning, which the registered result carries too", async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - command: ls /dev/null
      args:
        executable: /bogus
      register: executable
    - assert:
        that:
          - executable.stdout == '/dev/null'
          - executable.warnings | length == 1
          - "'no longer supported' in executable.warnings[0]"
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1')?.failed, 0, run.output);
  t.is(counters(run, 'h1')?.ok, 2, run.output);
});

test('a looped include_tasks gives its tasks ansible_loop; extended_allitems: no leaves allitems out', async (t) => {
  const dir = project({
    hosts: HOST,
    'inner.yml': `
- assert:
    that:
      - ansible_loop.index == ansible_loop.index0 + 1
      - ansible_loop.allitems == ['first', 'second']
      - ansible_loop_var == 'item'
`,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - include_tasks: inner.yml
      loop: [first, second]
      loop_control:
        extended: yes
    - debug: var=ansible_loop
      loop: [a, b]
      loop_control:
        extended: yes
        extended_allitems: no
      failed_when: ansible_loop.allitems is defined
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1')?.failed, 0, run.output);
  t.regex(run.output, /ok: \[h1\] => \(item=b\)/);
});

test('include_role takes handlers_from (with or without .yml) and vars_from, as import_role does', async (t) => {
  const dir = project({
    hosts: HOST,
    'roles/r/tasks/main.yml': '- command: "true"\n  notify: mark\n- assert: {that: "from_vars == \'other\'"}\n',
    'roles/r/handlers/main.yml': '- name: mark\n  set_fact: {which: main}\n',
    'roles/r/handlers/alternate.yml': '- name: mark\n  set_fact: {which: alternate}\n',
    'roles/r/vars/other.yml': 'from_vars: other\n',
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - include_role: name=r handlers_from=alternate.yml vars_from=other
    - meta: flush_handlers
    - assert:
        that:
          - which == 'alternate'
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1')?.failed, 0, run.output);
  t.regex(run.output, /RUNNING HANDLER \[r : mark\]/);
});

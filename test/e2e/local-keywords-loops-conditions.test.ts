import test from 'ava';
import { statSync } from 'node:fs';
import path from 'node:path';
import { counters, project, runLocal } from '../helpers/run-local.js';
import { exists, read, results } from '../helpers/local-hosts.js';

const HOST = 'h1 ansible_connection=local\n';

test('free-form arguments with templates: file name=... and shell a && b', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - file: name=$DIR/{{ item }} state=directory mode=0700
      loop: [one, two]
    - shell: echo first > $DIR/one/f && echo second >> $DIR/one/f
    - command: touch $DIR/two/made creates=$DIR/two/made
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1')?.failed, 0, run.output);
  for (const d of ['one', 'two']) t.is(statSync(path.join(dir, d)).mode & 0o7777, 0o700);
  t.is(read(dir, 'one/f'), 'first\nsecond\n');
  t.true(exists(dir, 'two/made'));
  const again = await runLocal(dir, 'play.yml');
  // the shell task cannot know its effect and reports changed again; the rest are idempotent
  t.is(counters(again, 'h1')?.changed, 1);
});

test('when as a string, as a list (all must hold), and per loop item', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  vars:
    enabled: true
    size: 3
  tasks:
    - copy: dest=$DIR/string content=yes
      when: enabled and size > 2
    - copy: dest=$DIR/list-true content=yes
      when:
        - enabled
        - size == 3
    - copy: dest=$DIR/list-false content=yes
      when:
        - enabled
        - size == 4
    - copy: dest=$DIR/item-{{ item }} content={{ item }}
      loop: [1, 2, 3, 4]
      when: item is even
      register: evens
    - copy:
        dest: $DIR/summary
        content: "{{ evens.results | map(attribute='skipped', default=false) | list }} {{ evens.results | length }} {{ evens.changed }}"
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1')?.failed, 0, run.output);
  t.true(exists(dir, 'string'));
  t.true(exists(dir, 'list-true'));
  t.false(exists(dir, 'list-false'));
  t.deepEqual(
    ['item-1', 'item-2', 'item-3', 'item-4'].map((f) => exists(dir, f)),
    [false, true, false, true],
  );
  t.is(read(dir, 'summary'), '[True, False, True, False] 4 True');
  const items = results(run.events).filter((r) => r.item !== undefined);
  t.deepEqual(
    items.map((r) => `${r.item}:${r.status}`),
    ['1:skipped', '2:changed', '3:skipped', '4:changed'],
  );
  // a skipped task is counted as skipped; a looped task with some items run counts once
  t.is(counters(run, 'h1')?.skipped, 1);
});

test('with_items flattens one level; with_list does not; with_dict gives key and value', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  vars:
    more: [c, d]
    ports: { client: 2379, peer: 2380 }
  tasks:
    - shell: echo "{{ item }}" >> $DIR/items
      with_items:
        - a
        - [b]
        - "{{ more }}"
    - shell: echo "{{ item | length }}" >> $DIR/list
      with_list:
        - [a, b]
        - [c]
    - shell: echo "{{ item.key }}={{ item.value }}" >> $DIR/dict
      with_dict: "{{ ports }}"
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1')?.failed, 0, run.output);
  t.is(read(dir, 'items'), 'a\nb\nc\nd\n');
  t.is(read(dir, 'list'), '2\n1\n');
  t.is(read(dir, 'dict'), 'client=2379\npeer=2380\n');
});

test('loop_control: loop_var, index_var and label', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  vars:
    members:
      - { name: etcd1, ip: 10.0.0.1, secret: s1 }
      - { name: etcd2, ip: 10.0.0.2, secret: s2 }
  tasks:
    - include_tasks: member.yml
      loop: "{{ members }}"
      loop_control:
        loop_var: outer
    - copy:
        dest: "$DIR/{{ m.name }}"
        content: "{{ idx }} {{ m.ip }}"
      loop: "{{ members }}"
      loop_control:
        loop_var: m
        index_var: idx
        label: "{{ m.name }}"
`,
    'member.yml': `
- shell: echo "{{ outer.name }} {{ item }}" >> $DIR/nested
  loop: [x, y]
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1')?.failed, 0, run.output);
  t.is(read(dir, 'etcd1'), '0 10.0.0.1');
  t.is(read(dir, 'etcd2'), '1 10.0.0.2');
  t.is(read(dir, 'nested'), 'etcd1 x\netcd1 y\netcd2 x\netcd2 y\n');
  t.regex(run.output, /changed: \[h1\] => \(item=etcd1\)/);
  t.false(run.output.includes('s1'), 'the label hides the rest of the item');
});

test('loop_var and index_var may be templates, for a task and an include', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  vars:
    var_name: member
  tasks:
    - include_tasks: member.yml
      loop: [etcd1, etcd2]
      loop_control:
        loop_var: "{{ var_name }}"
    - shell: echo "{{ n }} {{ member }} {{ ansible_loop_var }}" >> $DIR/looped
      loop: [etcd3]
      loop_control:
        loop_var: "{{ var_name }}"
        index_var: "{{ 'n' }}"
      register: looped
    - copy: {dest: $DIR/registered, content: "{{ looped.results[0].member }}"}
`,
    'member.yml': `
- shell: echo "{{ member }}" >> $DIR/included
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1')?.failed, 0, run.output);
  t.is(read(dir, 'included'), 'etcd1\netcd2\n');
  t.is(read(dir, 'looped'), '0 etcd3 member\n');
  t.is(read(dir, 'registered'), 'etcd3');
  t.regex(run.output, /changed: \[h1\] => \(item=etcd3\)/);
});

test('a loop registers results in Ansible shape; a failed item fails the task, the others still run', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - shell: "echo out-{{ item }}; test {{ item }} != 2"
      loop: [1, 2, 3]
      register: looped
      ignore_errors: true
    - copy:
        dest: $DIR/out.json
        content: "{{ {'failed': looped.failed, 'changed': looped.changed, 'msg': looped.msg,
                     'rcs': looped.results | map(attribute='rc') | list,
                     'outs': looped.results | map(attribute='stdout') | list,
                     'items': looped.results | map(attribute='item') | list} | to_json }}"
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1')?.ignored, 1, run.output);
  t.is(counters(run, 'h1')?.failed, 0);
  t.deepEqual(JSON.parse(read(dir, 'out.json')), {
    failed: true,
    changed: true,
    msg: 'One or more items failed',
    rcs: [0, 1, 0],
    outs: ['out-1', 'out-2', 'out-3'],
    items: [1, 2, 3],
  });
});

test('a loop over an empty list skips the task', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - copy: dest=$DIR/{{ item }} content=x
      loop: []
      register: nothing
    - copy: dest=$DIR/out content="{{ nothing.skipped }} {{ nothing.results | length }}"
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1')?.skipped, 1, run.output);
  t.is(read(dir, 'out'), 'True 0');
});

import test from 'ava';
import { counters, project, runLocal } from '../helpers/run-local.js';
import { read, results, THREE_HOSTS } from '../helpers/local-hosts.js';

test('delegate_to another inventory host and to localhost keeps the vars of the host the task is for', async (t) => {
  const dir = project({
    hosts: THREE_HOSTS + '[db:vars]\nrole_of=database\n[web:vars]\nrole_of=webserver\n',
    'play.yml': `
- hosts: web
  gather_facts: no
  tasks:
    - shell: echo "{{ inventory_hostname }} {{ role_of }}" >> $DIR/delegated
      delegate_to: h3
    - shell: echo "{{ inventory_hostname }}" >> $DIR/local
      delegate_to: localhost
    - shell: echo "{{ inventory_hostname }}" >> $DIR/local-action
      connection: local
`,
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.deepEqual(read(dir, 'delegated').trim().split('\n').sort(), ['h1 webserver', 'h2 webserver']);
  t.deepEqual(read(dir, 'local').trim().split('\n').sort(), ['h1', 'h2']);
  t.deepEqual(read(dir, 'local-action').trim().split('\n').sort(), ['h1', 'h2']);
  const [first] = results(run.events).filter((r) => r.delegatedTo === 'h3');
  t.truthy(first);
  t.regex(run.output, /changed: \[h1 -> h3\]/);
  t.regex(run.output, /changed: \[h2 -> localhost\]/);
  t.is(counters(run, 'h3'), undefined, 'a delegate is not a host of the play');
});

test('run_once runs on the first host only and gives its result to every host', async (t) => {
  const dir = project({
    hosts: THREE_HOSTS,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - shell: echo "{{ inventory_hostname }}" | tee -a $DIR/once
      register: picked
      run_once: true
    - set_fact:
        leader: "{{ inventory_hostname }}"
      run_once: true
    - copy:
        dest: $DIR/{{ inventory_hostname }}.txt
        content: "{{ picked.stdout }} {{ leader }}"
`,
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'once'), 'h1\n');
  for (const h of ['h1', 'h2', 'h3']) t.is(read(dir, `${h}.txt`), 'h1 h1');
  t.is(results(run.events, 'shell').length, 1);
});

test('become as root is a no-op; become_user runs as that user; environment reaches the command', async (t) => {
  const dir = project({
    hosts: 'h1 ansible_connection=local\n',
    'play.yml': `
- hosts: all
  gather_facts: no
  become: true
  environment:
    PLAY_LEVEL: from-play
  tasks:
    - command: id -un
      register: root
    - command: id -un
      become_user: nobody
      register: other
    - shell: echo "$PLAY_LEVEL $TASK_LEVEL"
      environment:
        TASK_LEVEL: "{{ 'from' }}-task"
      register: env
    - copy:
        dest: $DIR/out
        content: "{{ root.stdout }} {{ other.stdout }} {{ env.stdout }}"
`,
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'out'), 'root nobody from-play from-task');
});

test('a delegate outside the inventory is the host with that address, else a host made with the play\'s and task\'s variables', async (t) => {
  const dir = project({
    hosts: 'h1 ansible_connection=local\nh2 ansible_connection=local ansible_host=10.9.9.9 role=second\n',
    'play.yml': `
- hosts: h1
  gather_facts: no
  tasks:
    - shell: echo "{{ inventory_hostname }}" > $DIR/implicit
      delegate_to: nosuchhost
      vars:
        ansible_connection: local
      register: implicit
    - shell: echo "{{ inventory_hostname }}" > $DIR/by-address
      delegate_to: 10.9.9.9
      register: by_address
`,
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'implicit'), 'h1\n');
  t.is(read(dir, 'by-address'), 'h1\n');
  const delegates = results(run.events).map((r) => r.delegatedTo);
  t.deepEqual(delegates, ['nosuchhost', 'h2']);
});

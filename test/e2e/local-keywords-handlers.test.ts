import test from 'ava';
import { counters, project, runLocal } from '../helpers/run-local.js';
import { read, results, THREE_HOSTS } from '../helpers/local-hosts.js';

test('handlers run in the order defined, once per notified host, at the end of each section', async (t) => {
  const dir = project({
    hosts: THREE_HOSTS,
    'play.yml': `
- hosts: web
  gather_facts: no
  pre_tasks:
    - shell: echo "pre {{ inventory_hostname }}" >> $DIR/log
      notify: second
  roles:
    - app
  tasks:
    - shell: echo "task {{ inventory_hostname }}" >> $DIR/log
      when: inventory_hostname == 'h1'
      notify: [second, first]
    - shell: echo "again {{ inventory_hostname }}" >> $DIR/log
      when: inventory_hostname == 'h1'
      notify: first
    - shell: echo "unchanged {{ inventory_hostname }}" >> $DIR/log
      changed_when: false
      notify: never notified
  post_tasks:
    - shell: echo "post {{ inventory_hostname }}" >> $DIR/log
      when: inventory_hostname == 'h2'
      notify: topic
  handlers:
    - name: first
      shell: echo "first {{ inventory_hostname }}" >> $DIR/log
    - name: second
      shell: echo "second {{ inventory_hostname }}" >> $DIR/log
    - name: never notified
      shell: echo "never {{ inventory_hostname }}" >> $DIR/log
    - name: listener
      shell: echo "listener {{ inventory_hostname }}" >> $DIR/log
      listen: topic
`,
    'roles/app/tasks/main.yml': `
- shell: echo "role {{ inventory_hostname }}" >> $DIR/log
  notify: restart app
`,
    'roles/app/handlers/main.yml': `
- name: restart app
  shell: echo "app handler {{ inventory_hostname }}" >> $DIR/log
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1')?.failed, 0, run.output);
  const log = read(dir, 'log').trim().split('\n');
  const sorted = (from: number, to: number) => [...log.slice(from, to)].sort();
  // pre_tasks, then their handler flush
  t.deepEqual(sorted(0, 2), ['pre h1', 'pre h2']);
  t.deepEqual(sorted(2, 4), ['second h1', 'second h2']);
  // roles and tasks are one section: role handler after the tasks, handlers in the order defined
  t.deepEqual(sorted(4, 6), ['role h1', 'role h2']);
  t.deepEqual(log.slice(6, 7), ['task h1']);
  t.deepEqual(log.slice(7, 8), ['again h1']);
  t.deepEqual(sorted(8, 10), ['unchanged h1', 'unchanged h2']);
  t.deepEqual(sorted(10, 12), ['app handler h1', 'app handler h2']);
  t.deepEqual(log.slice(12, 14), ['first h1', 'second h1']);
  // post_tasks, and a handler that listens to a topic
  t.deepEqual(log.slice(14), ['post h2', 'listener h2']);
  t.false(log.some((l) => l.startsWith('never')));
  const handlerStarts = run.events.filter((e) => e.type === 'task_start' && e.handler).map((e) => (e as { name: string }).name);
  t.deepEqual(handlerStarts, ['second', 'restart app', 'first', 'second', 'listener']);
});

test('meta: flush_handlers runs notified handlers at that point; a handler notified again later runs again', async (t) => {
  const dir = project({
    hosts: 'h1 ansible_connection=local\n',
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - shell: echo one >> $DIR/log
      notify: h
    - meta: flush_handlers
    - shell: echo two >> $DIR/log
    - shell: echo three >> $DIR/log
      notify: h
  handlers:
    - name: h
      shell: echo handler >> $DIR/log
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1')?.failed, 0, run.output);
  t.is(read(dir, 'log'), 'one\nhandler\ntwo\nthree\nhandler\n');
});

test('a role handler can be notified as "role : name"; handlers do not run on a failed host', async (t) => {
  const dir = project({
    hosts: 'h1 ansible_connection=local\nh2 ansible_connection=local\n',
    'play.yml': `
- hosts: all
  gather_facts: no
  roles:
    - app
  tasks:
    - fail: msg=boom
      when: inventory_hostname == 'h2'
`,
    'roles/app/tasks/main.yml': `
- shell: echo "task {{ inventory_hostname }}" >> $DIR/log
  notify: "app : restart"
`,
    'roles/app/handlers/main.yml': `
- name: restart
  shell: echo "restart {{ inventory_hostname }}" >> $DIR/log
`,
  });
  const run = await runLocal(dir, 'play.yml', { rollback: false });
  t.is(counters(run, 'h2')?.failed, 1);
  const log = read(dir, 'log').trim().split('\n');
  t.true(log.includes('restart h1'), run.output);
  t.false(log.includes('restart h2'));
  t.is(results(run.events, 'restart').length, 1);
});

test("handler names: a templated notify and name match; a name notifies the first handler of the newest section, a role's over the play's", async (t) => {
  const dir = project({
    hosts: THREE_HOSTS,
    'roles/r/tasks/main.yml': '- shell: echo role-task\n  notify: x\n',
    'roles/r/handlers/main.yml': '- name: x\n  shell: echo "role-x {{ inventory_hostname }}" >> $DIR/log\n',
    'play.yml': `
- hosts: h1
  gather_facts: no
  vars: { which: x, handler_name: named }
  handlers:
    - name: x
      shell: echo "play-x1 {{ inventory_hostname }}" >> $DIR/log
    - name: x
      shell: echo "play-x2 {{ inventory_hostname }}" >> $DIR/log
    - name: "{{ handler_name }}"
      shell: echo "templated {{ inventory_hostname }}" >> $DIR/log
  tasks:
    - shell: echo one
      notify: ["{{ which }}", named]
    - meta: flush_handlers
    - include_role: { name: r }
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run, 'h1')?.failed, 0, run.output);
  t.deepEqual(read(dir, 'log').trim().split('\n'), ['play-x1 h1', 'templated h1', 'role-x h1']);
});

test('notifying a handler that does not exist stops the run with Ansible\'s error', async (t) => {
  const dir = project({
    hosts: THREE_HOSTS,
    'play.yml': `
- hosts: h1
  gather_facts: no
  tasks:
    - shell: echo one
      notify: nowhere
`,
  });
  const error = await t.throwsAsync(runLocal(dir));
  t.regex(error?.message ?? '', /The requested handler 'nowhere' was not found in either the main handlers list nor in the listening handlers list/);
});

test("a play's force_handlers: false wins over --force-handlers; a block as a handler is refused at load", async (t) => {
  const dir = project({
    hosts: THREE_HOSTS,
    'play.yml': `
- hosts: h1
  gather_facts: no
  force_handlers: false
  tasks:
    - shell: echo one
      notify: h
    - fail: msg=stop
  handlers:
    - name: h
      shell: echo ran >> $DIR/log
`,
    'block.yml': `
- hosts: h1
  gather_facts: no
  tasks:
    - shell: echo one
  handlers:
    - block:
        - debug: msg=x
`,
  });
  const run = await runLocal(dir, 'play.yml', { forceHandlers: true });
  t.is(counters(run, 'h1')?.failed, 1, run.output);
  t.throws(() => read(dir, 'log'));
  const error = await t.throwsAsync(runLocal(dir, 'block.yml'));
  t.regex(error?.message ?? '', /^Using a block as a handler is not supported\./);
});

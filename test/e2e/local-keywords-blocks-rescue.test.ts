import test from 'ava';
import { counters, project, runLocal, treeHash } from '../helpers/run-local.js';
import { exists, read } from '../helpers/local-hosts.js';

const HOSTS = 'h1 ansible_connection=local\nh2 ansible_connection=local\n';

test('rescue catches a failure (counted as rescued), always runs, the play goes on', async (t) => {
  const dir = project({
    hosts: HOSTS,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - block:
        - shell: echo "block {{ inventory_hostname }}" >> $DIR/{{ inventory_hostname }}.log
        - command: /bin/false
          when: inventory_hostname == 'h1'
        - shell: echo "after failure {{ inventory_hostname }}" >> $DIR/{{ inventory_hostname }}.log
      rescue:
        - shell: echo "rescue {{ ansible_failed_result.rc }}" >> $DIR/{{ inventory_hostname }}.log
      always:
        - shell: echo "always" >> $DIR/{{ inventory_hostname }}.log
    - shell: echo "next" >> $DIR/{{ inventory_hostname }}.log
`,
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'h1.log'), 'block h1\nrescue 1\nalways\nnext\n');
  t.is(read(dir, 'h2.log'), 'block h2\nafter failure h2\nalways\nnext\n');
  t.like(counters(run, 'h1'), { failed: 0, rescued: 1 });
  t.like(counters(run, 'h2'), { failed: 0, rescued: 0 });
  t.is(run.summary.rollback, undefined, 'a rescued failure is not a failed run');
});

test('always runs after an unrescued failure, then the host stops and the run rolls back', async (t) => {
  const dir = project({
    hosts: 'h1 ansible_connection=local\n',
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - block:
        - copy: dest=$DIR/made content=x
        - fail: msg=stop
      always:
        - shell: echo always > $DIR/always
          args:
            rollback: rm -f $DIR/always
    - copy: dest=$DIR/never content=x
`,
  });
  const run = await runLocal(dir);
  t.true(run.summary.failed);
  t.like(counters(run, 'h1'), { failed: 1, rescued: 0 });
  t.true(run.events.some((e) => e.type === 'host_result' && e.task === 'shell' && e.status === 'changed'), 'always ran');
  t.false(exists(dir, 'never'));
  t.false(exists(dir, 'made'), 'rolled back');
  t.false(exists(dir, 'always'), "the shell task's own rollback command ran");
});

test('a failure inside rescue fails the host; when and vars on a block apply to every task in it', async (t) => {
  const dir = project({
    hosts: HOSTS,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - block:
        - copy: dest=$DIR/{{ inventory_hostname }}-{{ suffix }} content=x
        - copy: dest=$DIR/{{ inventory_hostname }}-second-{{ suffix }} content=x
      when: inventory_hostname == 'h2'
      vars:
        suffix: blockvar
    - block:
        - fail: msg=first
      rescue:
        - fail: msg=second
      when: inventory_hostname == 'h1'
`,
  });
  const before = treeHash(dir);
  const run = await runLocal(dir, 'play.yml', { rollback: false });
  t.like(counters(run, 'h1'), { failed: 1, rescued: 1, skipped: 2 });
  t.like(counters(run, 'h2'), { failed: 0, changed: 2 });
  t.true(exists(dir, 'h2-blockvar'));
  t.true(exists(dir, 'h2-second-blockvar'));
  t.false(exists(dir, 'h1-blockvar'));
  t.not(treeHash(dir), before);
});

test('a task written to fail meets at run time what would be refused at load, with Ansible\'s message', async (t) => {
  const dir = project({
    hosts: 'h1 ansible_connection=local\n',
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - block:
        - name: EXPECTED FAILURE - test invalid arg
          set_fact: "{{ 'x' + item }}={{ item }}"
          with_sequence: start=0 junk=3
        - fail: msg="should not get here"
      rescue:
        - copy:
            dest: $DIR/rescued
            content: "{{ ansible_failed_task.name }}|{{ ansible_failed_result.msg }}"
    - debug: msg="{{ item }}"
      with_together: []
      ignore_errors: true
      register: together
    - copy: {dest: $DIR/nothing, content: x, colour: blue}
      register: argument
      failed_when: argument is failed
      ignore_errors: yes
    - copy:
        dest: $DIR/registered
        content: "{{ together.msg }}|{{ argument is failed }}"
`,
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'rescued'), "EXPECTED FAILURE - test invalid arg|unrecognized arguments to with_sequence: ['junk']");
  t.is(read(dir, 'registered'), 'with_together requires at least one element in each list|True');
  t.false(exists(dir, 'nothing'));
  t.like(counters(run, 'h1'), { failed: 0, rescued: 1, ignored: 2 });
});

import test from 'ava';
import { counters, project, runLocal } from '../helpers/run-local.js';
import { read, results } from '../helpers/local-hosts.js';

const HOST = 'h1 ansible_connection=local\n';

test('register has the shape of Ansible results', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - shell: printf 'a\\nb\\n'; printf 'e1\\ne2\\n' >&2
      register: out
    - command: "false"
      register: bad
      ignore_errors: true
    - copy: dest=$DIR/skip content=x
      when: false
      register: skipped
    - copy:
        dest: $DIR/result.json
        content: "{{ {'rc': out.rc, 'stdout': out.stdout, 'stdout_lines': out.stdout_lines,
                     'stderr': out.stderr, 'stderr_lines': out.stderr_lines,
                     'changed': out.changed, 'failed': out.failed | default('absent'),
                     'bad_rc': bad.rc, 'bad_failed': bad.failed, 'bad_msg': bad.msg,
                     'skipped': skipped.skipped, 'skipped_changed': skipped.changed} | to_json }}"
`,
  });
  const run = await runLocal(dir);
  t.like(counters(run, 'h1'), { failed: 0, ignored: 1, skipped: 1 });
  const result = JSON.parse(read(dir, 'result.json'));
  t.like(result, {
    rc: 0,
    stdout: 'a\nb',
    stdout_lines: ['a', 'b'],
    stderr: 'e1\ne2',
    stderr_lines: ['e1', 'e2'],
    changed: true,
    bad_rc: 1,
    bad_failed: true,
    skipped: true,
    skipped_changed: false,
  });
  t.true(result.failed === false || result.failed === 'absent');
  t.truthy(result.bad_msg);
});

test('until retries until the condition holds; retries exhausted fails with attempts', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - shell: echo x >> $DIR/tries; wc -l < $DIR/tries
      register: counted
      until: counted.stdout | int >= 3
      retries: 5
      delay: 0
    - copy: dest=$DIR/attempts content="{{ counted.attempts }}"
    - shell: echo y >> $DIR/never-enough
      register: never
      until: false
      retries: 2
      delay: 0
`,
  });
  const run = await runLocal(dir, 'play.yml', { rollback: false });
  t.is(read(dir, 'tries'), 'x\nx\nx\n');
  t.is(read(dir, 'attempts'), '3');
  t.is(read(dir, 'never-enough'), 'y\ny\ny\n', 'the first try and two retries');
  t.is(counters(run, 'h1')?.failed, 1);
  // out of attempts: failed, with Ansible's count (one less than the three it made) and no message of its own
  const last = results(run.events).at(-1);
  t.like(last?.result, { failed: true, attempts: 2 });
});

test('changed_when and failed_when judge the result; ignore_errors counts as ignored', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - command: echo nothing to do
      register: probe
      changed_when: "'changed' in probe.stdout"
    - command: echo changed it
      register: doer
      changed_when: "'changed' in doer.stdout"
    - shell: "echo ERROR: broken; exit 0"
      register: checker
      failed_when: "'ERROR' in checker.stdout"
      ignore_errors: yes
    - shell: exit 3
      failed_when: rc not in [0, 3]
      changed_when: false
    - copy: dest=$DIR/out content="{{ probe.changed }} {{ doer.changed }} {{ checker.failed }}"
`,
  });
  const run = await runLocal(dir);
  // an ignored failure counts as ok, and as changed when it changed (the shell did), as Ansible counts it
  t.like(counters(run, 'h1'), { failed: 0, ignored: 1, changed: 3 });
  t.is(read(dir, 'out'), 'False True True');
  t.deepEqual(
    results(run.events).map((r) => r.status),
    ['ok', 'changed', 'failed', 'ok', 'changed'],
  );
  t.true(results(run.events)[2]?.ignored);
  t.regex(run.output, /\.\.\.ignoring/);
});

test('set_fact, assert, fail and debug', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - set_fact:
        nodes: "{{ ['a', 'b'] }}"
        count: "{{ 1 + 2 }}"
    - assert:
        that:
          - nodes | length == 2
          - count | int == 3
        success_msg: all good
    - debug: msg="nodes={{ nodes | join(',') }}"
    - debug: var=count
    - copy: dest=$DIR/out content="{{ nodes }} {{ count }}"
    - assert:
        that: count | int == 4
        fail_msg: count is not four
      ignore_errors: true
    - fail: msg="stopped at {{ count }}"
`,
  });
  const run = await runLocal(dir, 'play.yml', { rollback: false });
  t.is(read(dir, 'out'), "['a', 'b'] 3");
  t.regex(run.output, /ok: \[h1\] => \{\n {4}"msg": "nodes=a,b"\n\}/);
  t.regex(run.output, /count/);
  const all = results(run.events);
  t.regex(all.find((r) => r.module === 'assert' && r.status === 'failed')?.msg ?? '', /^count is not four/);
  t.is(all.at(-1)?.msg, 'stopped at 3');
  t.like(counters(run, 'h1'), { failed: 1, ignored: 1 });
});

/**
 * raw, script and wait_for_connection on the local connection: what runs,
 * what registers, and check mode skipping what cannot report its effect.
 */
import test from 'ava';
import { LOCAL_INVENTORY, project, runLocal } from '../helpers/run-local.js';
import { exists, read, results } from '../helpers/local-hosts.js';

const files = {
  hosts: LOCAL_INVENTORY,
  'files/hello.sh': '#!/bin/sh\necho "hello $1 $2" > "$3"\necho "from $(pwd)"\nexit 0\n',
  'play.yml': `
- hosts: local
  gather_facts: no
  tasks:
    - wait_for_connection: { timeout: 5 }
    - raw: echo raw-out; echo raw-err >&2
      register: r
    - script: hello.sh "a b" c $DIR/script-out
      args: { chdir: $DIR, creates: $DIR/never }
      register: s
    - script:
        cmd: hello.sh x y $DIR/second
        executable: /bin/sh
        creates: $DIR/script-out
      register: skipped
    - copy:
        dest: $DIR/out
        content: "{{ r.stdout | trim }}|{{ r.stderr | trim }}|{{ s.stdout }}|{{ skipped.changed }}"
`,
};

test('raw runs the line, script runs a controller file with its arguments, wait_for_connection returns', async (t) => {
  const dir = project(files);
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'script-out'), 'hello a b c\n');
  t.false(exists(dir, 'second'), 'creates skips the second script');
  t.is(read(dir, 'out'), `raw-out|raw-err|from ${dir}|False`);
  t.is(results(run.events, 'wait_for_connection')[0]?.status, 'ok');
});

test('check mode: raw is skipped, a guarded script reports its change, nothing runs', async (t) => {
  const dir = project(files);
  const run = await runLocal(dir, 'play.yml', { check: true });
  t.false(exists(dir, 'script-out'));
  t.is(results(run.events, 'raw')[0]?.status, 'skipped');
  t.is(results(run.events, 'raw')[0]?.msg, 'Command would have run if not in check mode', "Ansible's message");
  t.is(results(run.events, 'script')[0]?.status, 'changed');
});

test('find lists real files by pattern, type and age, and changes nothing', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'logs/a.log': 'a',
    'logs/b.txt': 'b',
    'logs/sub/c.log': 'cc',
    'logs/.d.log': 'd',
    'play.yml': `
- hosts: local
  gather_facts: no
  tasks:
    - find: { paths: $DIR/logs, patterns: '*.log', recurse: true }
      register: logs
    - find: { paths: [$DIR/logs], file_type: directory }
      register: dirs
    - find: { paths: $DIR/logs, age: 1d }
      register: old
    - copy:
        dest: $DIR/out
        content: "{{ logs.files | map(attribute='path') | map('replace', '$DIR/', '') | sort | join(',') }} {{ logs.matched }} {{ dirs.files[0].isdir }} {{ old.matched }}"
`,
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'out'), 'logs/a.log,logs/sub/c.log 2 True 0');
  t.deepEqual(results(run.events, 'find').map((r) => r.status), ['ok', 'ok', 'ok']);
});

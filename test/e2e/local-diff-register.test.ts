/**
 * In diff mode (the task's `diff: yes` or --diff) the registered result
 * carries the diff, as Ansible's does; without it, none.
 */
import test from 'ava';
import { LOCAL_INVENTORY, project, runLocal } from '../helpers/run-local.js';
import { read } from '../helpers/local-hosts.js';

test("a task's diff is in its registered result in diff mode only", async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'play.yml': `
- hosts: local
  gather_facts: no
  tasks:
    - lineinfile: { path: $DIR/a/a.txt, line: First line, create: yes }
      diff: yes
      register: shown
    - lineinfile: { path: $DIR/b.txt, line: other, create: yes }
      register: hidden
    - copy:
        dest: $DIR/out
        content: "{{ shown.diff | length > 0 }}|{{ shown.diff[0].before }}|{{ shown.diff[0].after | trim }}|{{ shown.diff[0].after_header }}|{{ 'diff' in hidden }}"
`,
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'out'), `True||First line|${dir}/a/a.txt (content)|False`);
});

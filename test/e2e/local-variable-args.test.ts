/**
 * Arguments written as one template (`helm: "{{ defaults | combine(item) }}"`,
 * as kubespray writes them): rendered per host and item into the module's
 * arguments, with Ansible's warning; argument names are checked once rendered.
 */
import test from 'ava';
import { LOCAL_INVENTORY, project, runLocal } from '../helpers/run-local.js';
import { read } from '../helpers/local-hosts.js';

test('a template as the whole arguments renders to a mapping per item', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'play.yml': `
- hosts: local
  gather_facts: no
  vars:
    defaults: { dest: $DIR/out, content: base }
  tasks:
    - copy: "{{ defaults | combine(item) }}"
      loop: [{ dest: $DIR/one }, { content: two }]
`,
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'one'), 'base');
  t.is(read(dir, 'out'), 'two');
  t.regex(run.output, /Using a variable for a task's 'args' is unsafe/);
});

test('an unknown argument in the rendered mapping fails the task', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'play.yml': `
- hosts: local
  gather_facts: no
  tasks:
    - copy: "{{ {'dest': '$DIR/x', 'colour': 'red'} }}"
`,
  });
  const run = await runLocal(dir);
  t.true(run.summary.failed);
  t.regex(run.output, /copy: unsupported argument 'colour'/);
});

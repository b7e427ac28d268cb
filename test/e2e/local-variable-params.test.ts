/**
 * A module's arguments written as one template (kubespray's
 * `kubernetes.core.helm: "{{ helm_defaults | combine(item) }}"`): rendered
 * per host and loop item into a mapping, under the arguments written beside
 * it, as Ansible does; anything but a mapping fails the task.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { LOCAL_INVENTORY, project, runLocal } from '../helpers/run-local.js';

test('the arguments as one template: a mapping per loop item', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'play.yml':
      '- hosts: local\n  gather_facts: false\n  vars:\n    defaults: {mode: "0600"}\n  tasks:\n' +
      '    - copy: "{{ defaults | combine(item) }}"\n      loop:\n        - {dest: "$DIR/a", content: "A\\n"}\n        - {dest: "$DIR/b", content: "B\\n", mode: "0640"}\n',
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(readFileSync(path.join(dir, 'a'), 'utf8'), 'A\n');
  t.is(readFileSync(path.join(dir, 'b'), 'utf8'), 'B\n');
});

test('args: as one template, under the arguments written in the module', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'play.yml': '- hosts: local\n  gather_facts: false\n  vars:\n    more: {dest: "$DIR/c", content: "from args\\n"}\n  tasks:\n    - copy:\n        content: "mine\\n"\n      args: "{{ more }}"\n',
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(readFileSync(path.join(dir, 'c'), 'utf8'), 'mine\n', 'the module\'s own arguments win');
});

test('a template that does not render to a mapping fails the task', async (t) => {
  const dir = project({ hosts: LOCAL_INVENTORY, 'play.yml': '- hosts: local\n  gather_facts: false\n  tasks:\n    - copy: "{{ [1, 2] }}"\n' });
  const run = await runLocal(dir);
  t.true(run.summary.failed);
  t.regex(run.output, /invalid or malformed argument/);
});

/**
 * What --list-tasks shows, as ansible-playbook 2.14 shows it (captured on
 * a playbook of this shape): a role by the name the play wrote
 * (`grp/sub`), an include_role task without a role, no rescue or always
 * tasks, and a dependency the play already has listed again under an
 * import_role, but marked to never run.
 */
import test from 'ava';
import path from 'node:path';
import { loadPlaybook } from '../../../src/load/playbook.js';
import type { Node } from '../../../src/load/model.js';
import { listedTasks } from '../../../src/engine/validate.js';
import { taskListing } from '../../../src/cli/run-command.js';
import { project } from '../../helpers/run-local.js';

const dir = project({
  'p.yml': '- hosts: localhost\n  gather_facts: false\n  roles:\n    - grp/sub\n  tasks:\n    - import_role:\n        name: grp/sub\n        tasks_from: main\n',
  'roles/grp/sub/meta/main.yml': 'dependencies:\n  - role: dep\n',
  'roles/grp/sub/tasks/main.yml':
    '- name: show\n  debug: msg="{{ role_name }}"\n- name: inc\n  include_role:\n    name: dep\n' +
    '- name: blk\n  block:\n    - name: inner\n      debug: msg=x\n  rescue:\n    - name: resc\n      debug: msg=y\n  always:\n    - name: alw\n      debug: msg=z\n',
  'roles/dep/tasks/main.yml': '- name: deptask\n  debug: msg=dep\n',
});

// what `ansible-playbook p.yml --list-tasks` printed for these files
const ANSIBLE = ['dep : deptask', 'grp/sub : show', 'inc', 'grp/sub : inner', 'dep : deptask', 'grp/sub : show', 'inc', 'grp/sub : inner'];

const shown = (nodes: readonly Node[]) => listedTasks(nodes).map(taskListing);

test('--list-tasks: role names as written, include_role bare, no rescue or always tasks', (t) => {
  const play = loadPlaybook(path.join(dir, 'p.yml')).plays[0]!;
  t.deepEqual(play.sections.flatMap(shown), ANSIBLE);
});

test('the dependency the import brings again is listed only: it never runs twice', (t) => {
  const play = loadPlaybook(path.join(dir, 'p.yml')).plays[0]!;
  const top = play.sections.flat();
  const again = top.filter((n) => n.kind === 'block' && n.listedOnly);
  t.is(again.length, 1);
  t.deepEqual(again.flatMap((n) => (n.kind === 'block' ? listedTasks(n.block).map((x) => x.name) : [])), ['deptask']);
  t.is(top.filter((n) => n.kind === 'task' && n.name === 'deptask').length, 1, 'the first one runs');
});

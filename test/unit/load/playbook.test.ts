import test from 'ava';
import path from 'node:path';
import { LoadError } from '../../../src/errors.js';
import { loadPlaybook } from '../../../src/load/playbook.js';
import type { BlockNode, TaskNode } from '../../../src/load/model.js';
import { validatePlaybook } from '../../../src/engine/validate.js';
import { project } from '../../helpers/run-local.js';

function load(files: Record<string, string>, main = 'play.yml') {
  const dir = project(files);
  return { dir, playbook: loadPlaybook(path.join(dir, main)) };
}

test('free-form arguments, YAML 1.1 booleans and octal modes', (t) => {
  const { playbook } = load({
    'play.yml': `
- hosts: all
  become: yes
  tasks:
    - file: name={{ item }} state=directory mode=0700
      with_items: [a, b]
    - shell: systemctl daemon-reload && systemctl restart etcd
    - copy: {content: x, dest: /x, mode: 0644}
`,
  });
  const [file, shell, copy] = playbook.plays[0]!.sections[1] as TaskNode[];
  t.deepEqual(file!.args, { name: '{{ item }}', state: 'directory', mode: '0700' });
  t.is(file!.loopKind, 'items');
  t.is(file!.become, true);
  t.is(shell!.module, 'shell');
  t.regex(String(Object.values(shell!.args)[0]), /daemon-reload && systemctl restart etcd/);
  t.is(copy!.args.mode, 0o644);
});

test('an unknown task keyword names the file and line, with a suggestion', (t) => {
  const error = t.throws(
    () =>
      load({
        'play.yml': `- hosts: all
  tasks:
    - name: ok
      command: "true"
    - name: typo
      command: "true"
      registr: out
`,
      }),
    { instanceOf: LoadError },
  );
  t.is(error?.pos?.line, 7);
  t.regex(error!.message, /registr.*did you mean 'register'/);
});

test('an unknown module suggests the closest name', (t) => {
  const error = t.throws(() => load({ 'play.yml': '- hosts: all\n  tasks:\n    - copyy: {src: a, dest: b}\n' }), { instanceOf: LoadError });
  t.regex(error!.message, /did you mean 'copy'/);
  t.is(error?.pos?.line, 3);
});

test('an unknown module argument is an error before anything runs', (t) => {
  const { playbook } = load({ 'play.yml': '- hosts: all\n  tasks:\n    - copy: {src: a, dest: b, mod: 0644}\n' });
  const error = t.throws(() => validatePlaybook(playbook), { instanceOf: LoadError });
  t.regex(error!.message, /unsupported argument 'mod' \(did you mean 'mode'\?\)/);
});

test('a YAML syntax error shows the line and where in it', (t) => {
  const error = t.throws(() => load({ 'play.yml': '- hosts: all\n  tasks:\n    - command: [a\n    - b: c\n' }), { instanceOf: LoadError });
  t.truthy(error?.pos?.line);
  t.regex(error!.excerpt ?? '', /\^ here/);
});

test('roles: defaults, vars, handlers, meta dependencies, params and when', (t) => {
  const { playbook } = load({
    'play.yml': `
- hosts: all
  roles:
    - { role: app, vars: { port: 1 }, when: deploy | bool, tags: [app] }
`,
    'roles/app/tasks/main.yml': '- name: app task\n  command: echo {{ port }}\n  notify: restart app\n',
    'roles/app/defaults/main.yml': 'port: 2379\n',
    'roles/app/vars/main.yml': 'internal: yes\n',
    'roles/app/handlers/main.yml': '- name: restart app\n  command: echo restart\n',
    'roles/app/meta/main.yml': 'dependencies:\n  - base\n',
    'roles/base/tasks/main.yml': '- name: base task\n  command: "true"\n',
  });
  const play = playbook.plays[0]!;
  const tasks = play.sections[1] as TaskNode[];
  t.deepEqual(tasks.map((x) => x.name), ['base task', 'app task']);
  const app = tasks[1]!;
  t.is(app.role?.name, 'app');
  t.deepEqual(app.role?.defaults, { port: 2379 });
  t.deepEqual(app.role?.vars, { internal: true });
  t.deepEqual(app.role?.params, { port: 1 });
  t.deepEqual(app.when, ['deploy | bool']);
  t.deepEqual(app.tags, ['app']);
  t.deepEqual(play.handlers.map((h) => h.name), ['restart app']);
  t.deepEqual(play.roles.map((r) => r.name), ['base', 'app']);
});

test('blocks pass when, tags and vars down to every task; import_tasks is static', (t) => {
  const { playbook } = load({
    'play.yml': `
- hosts: all
  tasks:
    - block:
        - import_tasks: more.yml
      rescue:
        - command: echo rescue
      when: x is defined
      tags: [b]
      vars: { v: 1 }
`,
    'more.yml': '- name: imported\n  command: echo {{ v }}\n  tags: inner\n',
  });
  const block = playbook.plays[0]!.sections[1]![0] as BlockNode;
  t.is(block.kind, 'block');
  const inner = block.block[0] as TaskNode;
  t.is(inner.name, 'imported');
  t.deepEqual(inner.when, ['x is defined']);
  t.deepEqual(inner.tags.sort(), ['b', 'inner']);
  t.deepEqual(inner.vars, { v: 1 });
  t.is(inner.pos?.file.endsWith('more.yml'), true);
});

test('import_playbook and a missing role are reported with their place', (t) => {
  const { playbook } = load({
    'site.yml': '- import_playbook: a.yml\n- hosts: all\n  tasks: []\n',
    'a.yml': '- hosts: etcd\n  tasks: []\n',
  }, 'site.yml');
  t.deepEqual(playbook.plays.map((p) => p.hosts), ['etcd', 'all']);
  const error = t.throws(() => load({ 'play.yml': '- hosts: all\n  roles: [nope]\n' }), { instanceOf: LoadError });
  t.regex(error!.message, /the role 'nope' was not found/);
});

test('play keywords are checked', (t) => {
  const error = t.throws(() => load({ 'play.yml': '- hosts: all\n  handler: []\n' }), { instanceOf: LoadError });
  t.regex(error!.message, /'handler' is not a valid attribute for a play \(did you mean 'handlers'\?\)/);
  t.is(error?.pos?.line, 2);
});

test('roles are looked up as Ansible does: never among ezplay\'s own unless named ezplay.NAME', (t) => {
  const missing = t.throws(() => load({ 'play.yml': '- hosts: all\n  roles: [etcd]\n' }), { instanceOf: LoadError });
  t.regex(missing!.message, /the role 'etcd' was not found .*write 'ezplay\.etcd'/);
  t.is(missing!.pos?.line, 2);
  const { playbook } = load({ 'play.yml': '- hosts: all\n  roles: [{ role: ezplay.etcd, tasks_from: check-inventory }]\n' });
  t.is(playbook.plays[0]!.roles[0]!.name, 'etcd');
  t.true((playbook.plays[0]!.sections[1] as TaskNode[]).length > 0);
});

test('a meta dependency is found beside the role that names it; defaults/main/ and vars/main/ folders merge in name order', (t) => {
  const { playbook } = load(
    {
      'pb/play.yml': `- hosts: all\n  roles: [{ role: ../vendor/app }]\n`,
      'vendor/app/meta/main.yml': 'dependencies: [common]\n',
      'vendor/app/tasks/main.yml': '- debug: msg=app\n',
      'vendor/app/defaults/main/a.yml': 'x: a\ny: a\n',
      'vendor/app/defaults/main/b.yml': 'y: b\n',
      'vendor/app/vars/main/v.yml': 'z: 1\n',
      'vendor/common/tasks/main.yml': '- debug: msg=common\n',
    },
    'pb/play.yml',
  );
  const roles = playbook.plays[0]!.roles;
  // named as written, as Ansible names it (TASK [../vendor/app : ...])
  t.deepEqual(roles.map((r) => r.name), ['common', '../vendor/app']);
  t.deepEqual(roles[1]!.defaults, { x: 'a', y: 'b' });
  t.deepEqual(roles[1]!.vars, { z: 1 });
});

test('a mapping used as a YAML key (- {{ x }} unquoted) is refused with its line, as PyYAML refuses it', (t) => {
  const error = t.throws(() => load({ 'play.yml': '- hosts: all\n  tasks:\n    - debug: msg={{ item }}\n      loop:\n        - {{ X }}\n' }), { instanceOf: LoadError });
  t.is(error!.pos?.line, 5);
  t.regex(error!.message, /unhashable key.*must be quoted/);
});

test('a role may import its own other task files; importing the same file again is a cycle named with its chain', (t) => {
  const { playbook } = load({
    'play.yml': '- hosts: all\n  roles: [r]\n',
    'roles/r/tasks/main.yml': '- import_role: {name: r, tasks_from: other}\n',
    'roles/r/tasks/other.yml': '- debug: msg=other\n',
  });
  const tasks = (playbook.plays[0]!.sections.flat() as TaskNode[]).filter((n) => n.kind === 'task');
  t.deepEqual(tasks.map((n) => n.args), [{ msg: 'other' }]);
  const error = t.throws(() =>
    load({
      'play.yml': '- hosts: all\n  roles: [r]\n',
      'roles/r/tasks/main.yml': '- import_role: {name: r, tasks_from: other}\n',
      'roles/r/tasks/other.yml': '- import_role: {name: r, tasks_from: other}\n',
    }),
  );
  t.true(error instanceof LoadError);
  t.regex(error!.message, /role dependency cycle: .*roles\/r -> .*roles\/r \(tasks_from: other\) -> .*roles\/r \(tasks_from: other\)/);
});

test("a meta dependency sees the parameters of the role that names it, under its own, as in Ansible", (t) => {
  const { playbook } = load({
    'play.yml': '- hosts: all\n  roles:\n    - { role: top, param_var: from_play }\n',
    'roles/top/meta/main.yml': 'dependencies:\n  - { role: mid, param_var: from_top }\n',
    'roles/top/tasks/main.yml': '- debug: msg=top\n',
    'roles/mid/meta/main.yml': 'dependencies:\n  - { role: leaf }\n',
    'roles/mid/tasks/main.yml': '- debug: msg=mid\n',
    'roles/leaf/tasks/main.yml': '- debug: msg=leaf\n',
  });
  const tasks = (playbook.plays[0]!.sections.flat() as TaskNode[]).filter((n) => n.kind === 'task');
  t.deepEqual(
    tasks.map((n) => [n.role?.name, n.role?.params.param_var]),
    [
      ['leaf', 'from_top'],
      ['mid', 'from_top'],
      ['top', 'from_play'],
    ],
  );
});

test('allow_duplicates: a role allowing it in its meta runs each time; import_role with it false (templated) runs once', (t) => {
  const dir = project({
    'play.yml': `
- hosts: all
  roles: [dup, dup, once, once]
  tasks:
    - import_role: { name: once, allow_duplicates: "{{ False | bool }}" }
    - import_role: { name: once, allow_duplicates: "{{ False | bool }}" }
    - import_role: { name: once }
`,
    'roles/dup/meta/main.yml': 'allow_duplicates: true\n',
    'roles/dup/tasks/main.yml': '- name: dup task\n  debug: {msg: x}\n',
    'roles/once/tasks/main.yml': '- name: once task\n  debug: {msg: x}\n',
  });
  const playbook = loadPlaybook(path.join(dir, 'play.yml'), { renderAtLoad: (v) => (v === '{{ False | bool }}' ? false : v) });
  const names = (playbook.plays[0]!.sections[1] as TaskNode[]).map((x) => x.name);
  t.deepEqual(names, ['dup task', 'dup task', 'once task', 'once task', 'once task']);
});

test('rolespec_validate false leaves out the argument spec check; an import file may be a template filled at load', (t) => {
  const dir = project({
    'play.yml': `
- hosts: all
  vars: { file: other.yml }
  tasks:
    - import_role: { name: spec }
    - import_role: { name: spec, rolespec_validate: false }
    - import_tasks: "{{ file }}"
`,
    'other.yml': '- name: other task\n  debug: {msg: x}\n',
    'roles/spec/meta/argument_specs.yml': 'argument_specs:\n  main:\n    options:\n      n: {type: int}\n',
    'roles/spec/tasks/main.yml': '- name: spec task\n  debug: {msg: x}\n',
  });
  const seen: unknown[] = [];
  const playbook = loadPlaybook(path.join(dir, 'play.yml'), {
    renderAtLoad: (v, vars) => {
      seen.push(vars.file);
      return v === '{{ file }}' ? vars.file : v;
    },
  });
  const names = (playbook.plays[0]!.sections[1] as TaskNode[]).map((x) => x.name);
  t.deepEqual(names, ["Validating arguments against arg spec 'main'", 'spec task', 'spec task', 'other task']);
  t.deepEqual(seen, ['other.yml']);
  // without a renderer (no engine), a templated import_tasks is refused
  t.throws(() => loadPlaybook(path.join(dir, 'play.yml')), { instanceOf: LoadError, message: /import_tasks is static/ });
});

test("apply: any block keyword, refused on import_tasks and when it is not a block's", (t) => {
  const { playbook } = load({
    'play.yml': `
- hosts: all
  tasks:
    - include_tasks: { file: x.yml, apply: { run_once: true, tags: [a], when: go } }
`,
  });
  const task = playbook.plays[0]!.sections[1]![0] as TaskNode;
  t.deepEqual(task.include?.apply, { runOnce: true, tags: ['a'], when: ['go'] });
  t.throws(() => load({ 'play.yml': '- hosts: all\n  tasks:\n    - include_tasks: { file: x.yml, apply: { loop: [1] } }\n' }), { instanceOf: LoadError, message: /'loop' is not a valid attribute for a Block/ });
  t.throws(() => load({ 'play.yml': '- hosts: all\n  tasks:\n    - include_tasks: { file: x.yml, apply: [1] }\n' }), { instanceOf: LoadError, message: /Expected a dict for apply/ });
  t.throws(() => load({ 'play.yml': '- hosts: all\n  tasks:\n    - import_tasks: { file: x.yml, apply: { tags: a } }\n', 'x.yml': '[]' }), { instanceOf: LoadError, message: /Invalid options for import_tasks: apply/ });
});

test("include_role and import_role refuse an unknown option and a missing name with Ansible's words", (t) => {
  const play = (task: string) => ({ 'play.yml': `- hosts: all\n  tasks:\n    - ${task}\n`, 'roles/r/tasks/main.yml': '[]' });
  t.throws(() => load(play('include_role: { name: r, bogus: 1 }')), { instanceOf: LoadError, message: /^Invalid options for include_role: bogus/ });
  t.throws(() => load(play('import_role: { name: r, bogus: 1 }')), { instanceOf: LoadError, message: /^Invalid options for import_role: bogus/ });
  t.throws(() => load(play('include_role: { tasks_from: x }')), { instanceOf: LoadError, message: /^'name' is a required field for include_role\./ });
  t.notThrows(() => load(play('include_role: { name: r, public: true, allow_duplicates: false, rolespec_validate: false, apply: { tags: [a] } }')));
});

/**
 * The user's own Python modules (library/NAME.py beside the playbook and in
 * a role) on the local connection: found by name, arguments checked against
 * DOCUMENTATION before any host is touched, run with the host's Python with
 * Ansible's argument envelope, their JSON answer registered; check mode as
 * Ansible has it.
 */
import test from 'ava';
import { LoadError } from '../../src/errors.js';
import { LOCAL_INVENTORY, project, runLocal } from '../helpers/run-local.js';
import { exists, read, results } from '../helpers/local-hosts.js';

/** Writes `content` to `path` unless it is there already; supports check mode. */
const WRITER = `#!/usr/bin/python3
DOCUMENTATION = r'''
module: writer
short_description: Write a file
options:
  path:
    description: Where.
    required: true
    aliases: [dest]
  content:
    description: What.
'''
import json, os, sys

def main():
    args = json.load(open(sys.argv[1]))['ANSIBLE_MODULE_ARGS']
    stdin = json.loads(sys.stdin.read())['ANSIBLE_MODULE_ARGS']
    assert stdin == args
    path, content = args['path'], args.get('content', '')
    changed = not os.path.exists(path) or open(path).read() != content
    if changed and not args['_ansible_check_mode']:
        open(path, 'w').write(content)
    print(json.dumps({'changed': changed, 'path': path, 'msg': 'written' if changed else 'as it was'}))

# supports_check_mode=True, as an AnsibleModule would declare it
if __name__ == '__main__':
    main()
`;

/** No DOCUMENTATION, no check mode: any argument; fails when told to. */
const ECHO = `import json, sys
args = json.loads(sys.stdin.read())['ANSIBLE_MODULE_ARGS']
print('noise before the answer')
if args.get('fail'):
    print(json.dumps({'msg': 'told to fail', 'rc': 3}))
    sys.exit(1)
open(args['marker'], 'w').write('ran')
print(json.dumps({'changed': True, 'echo': args['word'], 'check': args['_ansible_check_mode']}))
`;

const files = {
  hosts: LOCAL_INVENTORY,
  'library/writer.py': WRITER,
  'roles/r/library/echo.py': ECHO,
  'roles/r/tasks/main.yml': `
- echo: { word: hello, marker: $DIR/echo-ran, anything: [1, 2] }
  register: e
- ansible.legacy.echo: word=again marker=$DIR/echo-ran
- copy: { dest: $DIR/echo-out, content: "{{ e.echo | default('-') }} {{ e.check | default('-') }} {{ e.changed }}" }
`,
  'play.yml': `
- hosts: local
  gather_facts: no
  roles: [r]
  tasks:
    - writer: { dest: $DIR/out, content: one }
      register: first
    - writer: { path: $DIR/out, content: one }
      register: second
    - copy: { dest: $DIR/results, content: "{{ first.changed }} {{ first.msg }} {{ second.changed }} {{ second.msg }}" }
`,
};

test('library modules beside the playbook and in a role run with their arguments; their answer is registered', async (t) => {
  const dir = project(files);
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'out'), 'one');
  t.is(read(dir, 'results'), 'True written False as it was');
  t.is(read(dir, 'echo-out'), 'hello False True');
  t.deepEqual(results(run.events, 'writer').map((r) => r.status), ['changed', 'ok']);
});

test('check mode: a module that supports it is asked and changes nothing; one that does not is skipped', async (t) => {
  const dir = project(files);
  const run = await runLocal(dir, 'play.yml', { check: true });
  t.false(run.summary.failed, run.output);
  t.false(exists(dir, 'out'));
  t.false(exists(dir, 'echo-ran'), 'the module without check mode support never ran');
  t.is(results(run.events, 'writer')[0]?.status, 'changed');
  t.deepEqual(results(run.events, 'echo').map((r) => r.status), ['skipped', 'skipped']);
});

test('a failed answer fails the task with its message and rc', async (t) => {
  const dir = project({
    ...files,
    'play.yml': `
- hosts: local
  gather_facts: no
  tasks:
    - include_role: { name: r, tasks_from: fail }
`,
    'roles/r/tasks/fail.yml': '- echo: { fail: true }\n',
  });
  const run = await runLocal(dir);
  t.true(run.summary.failed);
  const [failed] = results(run.events, 'echo');
  t.is(failed?.status, 'failed');
  t.like(failed?.result, { msg: 'told to fail', rc: 3 });
});

test('an argument DOCUMENTATION does not list is refused at load', async (t) => {
  const dir = project({
    ...files,
    'play.yml': '- hosts: local\n  gather_facts: no\n  tasks:\n    - writer: { path: /tmp/x, colour: red }\n',
  });
  const error = await t.throwsAsync(runLocal(dir), { instanceOf: LoadError });
  t.regex(error!.message, /writer: unsupported argument 'colour'/);
});

test('a module importing ansible.module_utils fails, saying why, where the host cannot import them', async (t) => {
  const dir = project({
    hosts: '[local]\nlocalhost ansible_connection=local ansible_python_interpreter=$DIR/bin/python3\n',
    // a Python that cannot import ansible, whatever this machine has installed
    'bin/python3': '#!/bin/sh\nexec /usr/bin/python3 -I -S "$@"\n',
    'library/hello.py': 'from ansible.module_utils.basic import AnsibleModule\nAnsibleModule(argument_spec={}).exit_json(msg="hi")\n',
    'play.yml': '- hosts: local\n  gather_facts: no\n  tasks:\n    - hello:\n',
  });
  const { chmodSync } = await import('node:fs');
  chmodSync(`${dir}/bin/python3`, 0o755);
  const run = await runLocal(dir);
  t.true(run.summary.failed);
  const msg = String(results(run.events, 'hello')[0]?.result?.msg);
  t.regex(msg, /imports ansible\.module_utils/);
  t.regex(msg, /ezplay sends the module file alone/);
});

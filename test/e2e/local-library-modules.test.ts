/**
 * The user's own Python modules (library/NAME.py beside the playbook and in
 * a role) on the local connection: found by name, arguments checked against
 * DOCUMENTATION before any host is touched, run with the host's Python and
 * their arguments handed as Ansible hands them for each module style, their
 * JSON answer registered; check mode as Ansible has it for new-style
 * modules. A small stand-in for ansible.module_utils.basic (put on the
 * interpreter's path) lets new-style modules run whatever this machine has
 * installed.
 */
import { chmodSync } from 'node:fs';
import test from 'ava';
import { LoadError } from '../../src/errors.js';
import { project, runLocal } from '../helpers/run-local.js';
import { exists, read, results } from '../helpers/local-hosts.js';

/** Just enough of AnsibleModule: parameters (and aliases) from the envelope, check mode, exit and fail. */
const BASIC = `import json, sys
class AnsibleModule:
    def __init__(self, argument_spec, supports_check_mode=False, **kwargs):
        data = open(sys.argv[1]).read() if len(sys.argv) > 1 else sys.stdin.read()
        args = json.loads(data)['ANSIBLE_MODULE_ARGS']
        self.check_mode = args.get('_ansible_check_mode', False)
        if self.check_mode and not supports_check_mode:
            self.exit_json(skipped=True, msg='remote module does not support check mode')
        self.params = {}
        for k, spec in argument_spec.items():
            names = [k] + spec.get('aliases', [])
            given = [args[n] for n in names if n in args]
            self.params[k] = given[0] if given else spec.get('default')
    def exit_json(self, **kwargs):
        print(json.dumps(kwargs))
        sys.exit(0)
    def fail_json(self, **kwargs):
        kwargs['failed'] = True
        print(json.dumps(kwargs))
        sys.exit(1)
`;

/** New style, supports check mode: writes `content` to `path` unless it is there already. */
const WRITER = `DOCUMENTATION = r'''
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
import os
from ansible.module_utils.basic import AnsibleModule

def main():
    module = AnsibleModule(argument_spec=dict(path=dict(aliases=['dest']), content=dict(default='')), supports_check_mode=True)
    path, content = module.params['path'], module.params['content']
    changed = not os.path.exists(path) or open(path).read() != content
    if changed and not module.check_mode:
        open(path, 'w').write(content)
    module.exit_json(changed=changed, path=path, msg='written' if changed else 'as it was')

if __name__ == '__main__':
    main()
`;

/** WANT_JSON, no DOCUMENTATION: any argument; its arguments file is plain JSON; fails when told to. */
const ECHO = `#!/usr/bin/python
# WANT_JSON
import json, sys
args = json.load(open(sys.argv[1]))
print('noise before the answer')
if args.get('fail'):
    print(json.dumps({'msg': 'told to fail', 'rc': 3}))
    sys.exit(1)
open(args['marker'], 'w').write('ran')
print(json.dumps({'changed': True, 'echo': args['word'], 'internal': sorted(k for k in args if k.startswith('_ansible'))}))
`;

/** Old style: a key=value arguments file. */
const OLD = `#!/usr/bin/python
import json, shlex, sys
pairs = dict(p.split('=', 1) for p in shlex.split(open(sys.argv[1]).read()))
print(json.dumps({'changed': False, 'word': pairs['word'], 'check': pairs['_ansible_check_mode'], 'ansible_facts': {'old_word': pairs['word']}}))
`;

const files = {
  hosts: '[local]\nlocalhost ansible_connection=local ansible_python_interpreter=$DIR/bin/python\n',
  'bin/python': '#!/bin/sh\nPYTHONPATH=$DIR/pylib exec /usr/bin/env python3 "$@"\n',
  'pylib/ansible/__init__.py': '',
  'pylib/ansible/module_utils/__init__.py': '',
  'pylib/ansible/module_utils/basic.py': BASIC,
  'library/writer.py': WRITER,
  'library/old.py': OLD,
  'roles/r/library/echo.py': ECHO,
  'roles/r/tasks/main.yml': `
- echo: { word: hello, marker: $DIR/echo-ran, anything: [1, 2] }
  register: e
- ansible.legacy.echo: word=again marker=$DIR/echo-ran
- copy: { dest: $DIR/echo-out, content: "{{ e.echo | default('-') }} {{ e.internal | default('-') }} {{ e.changed }}" }
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
    - old: { word: "a b" }
      register: old
    - copy: { dest: $DIR/results, content: "{{ first.changed }} {{ first.msg }} {{ second.changed }} {{ second.msg }} {{ old.word | default('-') }} {{ old_word | default('-') }}" }
`,
};

function setUp(extra: Record<string, string> = {}): string {
  const dir = project({ ...files, ...extra });
  chmodSync(`${dir}/bin/python`, 0o755);
  return dir;
}

test('library modules beside the playbook and in a role run in their styles; their answer is registered', async (t) => {
  const dir = setUp();
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'out'), 'one');
  t.is(read(dir, 'results'), 'True written False as it was a b a b', "the module's ansible_facts are the host's");
  t.is(read(dir, 'echo-out'), "hello [] True", 'a WANT_JSON module gets its arguments only');
  t.deepEqual(results(run.events, 'writer').map((r) => r.status), ['changed', 'ok']);
});

test('check mode: a new-style module supporting it is asked and changes nothing; the others are skipped', async (t) => {
  const dir = setUp();
  const run = await runLocal(dir, 'play.yml', { check: true });
  t.false(run.summary.failed, run.output);
  t.false(exists(dir, 'out'));
  t.false(exists(dir, 'echo-ran'), 'the module without check mode support never ran');
  t.is(results(run.events, 'writer')[0]?.status, 'changed');
  t.deepEqual(results(run.events, 'echo').map((r) => r.status), ['skipped', 'skipped']);
  t.deepEqual(results(run.events, 'old').map((r) => r.status), ['skipped']);
});

test('a failed answer fails the task with its message and rc', async (t) => {
  const dir = setUp({
    'play.yml': '- hosts: local\n  gather_facts: no\n  tasks:\n    - include_role: { name: r, tasks_from: fail }\n',
    'roles/r/tasks/fail.yml': '- echo: { fail: true }\n',
  });
  const run = await runLocal(dir);
  t.true(run.summary.failed);
  const [failed] = results(run.events, 'echo');
  t.is(failed?.status, 'failed');
  t.like(failed?.result, { msg: 'told to fail', rc: 3 });
});

test('an argument DOCUMENTATION does not list is refused at load', async (t) => {
  const dir = setUp({ 'play.yml': '- hosts: local\n  gather_facts: no\n  tasks:\n    - writer: { path: /tmp/x, colour: red }\n' });
  const error = await t.throwsAsync(runLocal(dir), { instanceOf: LoadError });
  t.regex(error!.message, /writer: unsupported argument 'colour'/);
});

test('a module without a #! line that is not new-style fails as in Ansible', async (t) => {
  const dir = setUp({
    'library/bare.py': 'import json\nprint(json.dumps({}))\n',
    'play.yml': '- hosts: local\n  gather_facts: no\n  tasks:\n    - bare:\n',
  });
  const run = await runLocal(dir);
  t.true(run.summary.failed);
  t.is(results(run.events, 'bare')[0]?.result?.msg, 'module (bare) is missing interpreter line');
});

test('a module importing ansible.module_utils fails, saying why, where the host cannot import them', async (t) => {
  const dir = setUp({
    // a Python that cannot import ansible, whatever this machine has installed
    hosts: '[local]\nlocalhost ansible_connection=local ansible_python_interpreter=$DIR/bin/isolated\n',
    'bin/isolated': '#!/bin/sh\nexec /usr/bin/env python3 -I -S "$@"\n',
    'play.yml': '- hosts: local\n  gather_facts: no\n  tasks:\n    - writer: { path: /tmp/never }\n',
  });
  chmodSync(`${dir}/bin/isolated`, 0o755);
  const run = await runLocal(dir);
  t.true(run.summary.failed);
  const msg = String(results(run.events, 'writer')[0]?.result?.msg);
  t.regex(msg, /imports ansible\.module_utils/);
  t.regex(msg, /ezplay sends the module file alone/);
});

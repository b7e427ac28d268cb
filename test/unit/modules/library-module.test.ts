import test from 'ava';
import { moduleResult } from '../../../src/modules/python/module-result.js';
import { readModuleSource, tripleQuoted } from '../../../src/modules/python/module-source.js';
import { buildLibraryModule, runnerInput } from '../../../src/modules/python/library-module.js';
import { moduleTable } from '../../helpers/module-table.js';

const KUBE_LIKE = `#!/usr/bin/python
DOCUMENTATION = """
---
module: kube
short_description: Manage Kubernetes Cluster
options:
  name:
    required: false
    default: null
    description:
      - The name associated with resource
  filename:
    description: [The path, or several]
    aliases: [ 'files', 'file', 'filenames' ]
  token:
    no_log: true
    description: A secret.
"""
EXAMPLES = '''
- kube: name=x
'''
def main():
    module = AnsibleModule(argument_spec=dict(name=dict()), supports_check_mode=True)
from ansible.module_utils.basic import *  # noqa
`;

test('source: DOCUMENTATION options with aliases and secrets, check mode, module_utils', (t) => {
  const info = readModuleSource(KUBE_LIKE);
  t.deepEqual(Object.keys(info.args ?? {}), ['name', 'filename', 'token']);
  t.deepEqual(info.args?.filename?.aliases, ['files', 'file', 'filenames']);
  t.true(info.args?.token?.noLog);
  t.is(info.shortDescription, 'Manage Kubernetes Cluster');
  t.true(info.supportsCheckMode);
  t.true(info.importsModuleUtils);
  t.is(tripleQuoted(KUBE_LIKE, 'EXAMPLES'), '\n- kube: name=x\n');
});

test('source: no DOCUMENTATION or unparsable YAML means any argument', (t) => {
  t.is(readModuleSource('import json\nprint(json.dumps({}))\n').args, undefined);
  t.is(readModuleSource("DOCUMENTATION = '''\noptions: [unclosed\n'''\n").args, undefined);
  const info = readModuleSource('import json, sys\n');
  t.false(info.supportsCheckMode);
  t.false(info.importsModuleUtils);
});

const results: Array<{ title: string; out: { stdout: string; stderr?: string; rc?: number }; want: Record<string, unknown> }> = [
  { title: 'the JSON line among noise', out: { stdout: 'warming up\n{"changed": true, "x": 1}\nbye\n' }, want: { changed: true, failed: false, x: 1 } },
  { title: 'failed as the module says', out: { stdout: '{"failed": true, "msg": "no"}', rc: 1 }, want: { changed: false, failed: true, msg: 'no' } },
  { title: 'a non-zero rc without failed fails, as Ansible reads it', out: { stdout: '{"rc": 2, "stdout": ""}' }, want: { changed: false, failed: true, rc: 2, stdout: '' } },
  { title: 'no JSON: MODULE FAILURE with what it printed', out: { stdout: '', stderr: 'Traceback ...\nSyntaxError', rc: 1 }, want: { changed: false, failed: true, module_stdout: '', msg: 'MODULE FAILURE\nSee stdout/stderr for the exact error', module_stderr: 'Traceback ...\nSyntaxError', rc: 1 } },
  { title: 'invocation is left out', out: { stdout: '{"changed": false, "invocation": {"module_args": {}}}' }, want: { changed: false, failed: false } },
];
for (const c of results) {
  test(`result: ${c.title}`, (t) => t.deepEqual(moduleResult({ stderr: '', rc: 0, ...c.out }), c.want));
}

const CHECKS = `DOCUMENTATION = '''\noptions:\n  path: {description: p}\n'''\nfrom ansible.module_utils.basic import AnsibleModule\nAnsibleModule(argument_spec={}, supports_check_mode=True)\n`;
const PLAIN = `#!/usr/bin/python\nimport json\nprint(json.dumps({"changed": True}))\n`;
moduleTable([
  {
    name: 'a module supporting check mode is asked first: no change, no step',
    module: buildLibraryModule('/play/library/checks.py', CHECKS),
    args: { path: '/x' },
    facts: { 'ezplay-module-': '{"changed": false, "path": "/x"}\n' },
    expect: { changed: false, readCommands: ['import ansible.module_utils.basic', 'ezplay-module-'], result: { path: '/x', failed: false } },
  },
  {
    name: 'a module supporting check mode that would change runs for real; it cannot be undone',
    module: buildLibraryModule('/play/library/checks.py', CHECKS),
    args: { path: '/x' },
    facts: { 'ezplay-module-': '{"changed": true}\n' },
    stepOutputs: { 'ezplay-module-': '{"changed": true, "done": 1}\n' },
    expect: {
      changed: true,
      undo: null,
      descriptions: ['run the module checks (/play/library/checks.py)'],
      registered: { done: 1 },
      also: (t, plan) => {
        const step = plan.steps?.[0];
        const input = JSON.parse(step?.kind === 'exec' ? (step.stdin ?? '') : '{}');
        t.is(input.name, 'checks');
        t.is(input.source, CHECKS);
        t.is(input.interpreter, null);
        t.is(input.stdin, input.argsFile);
        t.deepEqual(JSON.parse(input.stdin).ANSIBLE_MODULE_ARGS, { path: '/x', _ansible_check_mode: false, _ansible_debug: false, _ansible_module_name: 'checks', _ansible_no_log: false, _ansible_diff: false });
      },
    },
    after: { 'ezplay-module-': '{"changed": false}\n' },
  },
  {
    name: 'a module without check mode support is opaque: check mode skips it',
    module: buildLibraryModule('/play/library/plain.py', PLAIN),
    args: { anything: [1] },
    expect: { changed: true, opaque: true, reads: 0, undo: null },
    idempotence: 'a module that cannot say what it would do is run every time',
  },
  {
    name: 'an old-style module is skipped in check mode and gets key=value arguments',
    module: buildLibraryModule('/play/library/plain.py', PLAIN),
    args: { word: "it's here", n: true },
    expect: {
      changed: true,
      opaque: true,
      also: (t, plan) => {
        const step = plan.steps?.[0];
        const input = JSON.parse(step?.kind === 'exec' ? (step.stdin ?? '') : '{}');
        t.is(input.argsFile, `word='it'"'"'s here' n=True _ansible_check_mode=False _ansible_no_log=False _ansible_debug=False _ansible_diff=False _ansible_module_name=plain`);
        t.is(input.stdin, '');
      },
    },
    idempotence: 'a module that cannot say what it would do is run every time',
  },
  {
    name: 'a check-mode answer that failed fails the task with its message',
    module: buildLibraryModule('/play/library/checks.py', CHECKS),
    args: { path: '/x' },
    facts: { 'ezplay-module-': '{"failed": true, "msg": "path is wrong"}\n' },
    expect: { error: 'path is wrong' },
  },
]);

test('module styles: what decides how the arguments are handed over', (t) => {
  t.is(readModuleSource('#!/usr/bin/python\nfrom ansible.module_utils.basic import AnsibleModule\n').style, 'new');
  t.is(readModuleSource("#!/usr/bin/python\nargs = json.loads('<<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>>')\n").style, 'jsonargs');
  t.is(readModuleSource('#!/usr/bin/python\n# WANT_JSON\n').style, 'want_json');
  t.is(readModuleSource('#!/usr/bin/env python3\nimport sys\n').style, 'old');
  t.is(readModuleSource('#!/usr/bin/env python3\nimport sys\n').shebang, '/usr/bin/env python3');
  t.is(readModuleSource('import sys\n').shebang, undefined);
});

test('JSON arguments pasted into the source, a WANT_JSON file, a non-Python interpreter', (t) => {
  const input = (src: string, args: Record<string, unknown>) => JSON.parse(runnerInput('m', src, readModuleSource(src), args, false));
  t.is(input("#!/usr/bin/python\nargs = json.loads('<<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>>')\n", { a: 1 }).source, `#!/usr/bin/python\nargs = json.loads('{"a":1}')\n`);
  t.like(input('#!/usr/bin/python\n# WANT_JSON\n', { a: 1 }), { argsFile: '{"a":1}', stdin: '', interpreter: null });
  t.deepEqual(input('#!/bin/bash -e\n# WANT_JSON\n', {}).interpreter, ['/bin/bash', '-e']);
});

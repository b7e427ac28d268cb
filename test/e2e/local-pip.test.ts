/**
 * pip on the local connection with the real pip, offline: a virtualenv
 * made with `python3 -m venv` (whose own pip and setuptools come with it),
 * a package already there planning nothing, a removal and its repeat.
 */
import { execFileSync } from 'node:child_process';
import test from 'ava';
import { LOCAL_INVENTORY, project, runLocal } from '../helpers/run-local.js';
import { exists, results } from '../helpers/local-hosts.js';

test('pip: makes the virtualenv, leaves what is there, removes once', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'play.yml': `
- hosts: local
  gather_facts: no
  tasks:
    - pip: { name: pip, virtualenv: $DIR/venv, virtualenv_command: python3 -m venv }
    - pip: { name: [pip, "setuptools>=1"], virtualenv: $DIR/venv }
    - pip: { name: setuptools, state: absent, virtualenv: $DIR/venv }
    - pip: { name: setuptools, state: absent, virtualenv: $DIR/venv }
`,
  });
  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.deepEqual(results(run.events, 'pip').map((r) => r.status), ['changed', 'ok', 'changed', 'ok']);
  t.true(exists(dir, 'venv/bin/pip'));
  const listed = JSON.parse(execFileSync(`${dir}/venv/bin/pip`, ['list', '--format=json', '--disable-pip-version-check']).toString()) as Array<{ name: string }>;
  t.deepEqual(listed.map((p) => p.name), ['pip']);
});

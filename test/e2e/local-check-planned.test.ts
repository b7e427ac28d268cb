/**
 * Check mode that sees its own plan: on a host where nothing exists yet, a
 * task that depends on what an earlier task would have made plans instead
 * of failing, and the check changes nothing.
 */
import test from 'ava';
import { existsSync } from 'node:fs';
import { counters, project, runLocal, treeHash } from '../helpers/run-local.js';
import { results } from '../helpers/local-hosts.js';

const HOST = 'h1 ansible_connection=local\n';

test('--check: a folder, then a copy and an archive into it, plan without failing', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - file: path=$DIR/new/bin state=directory mode=0755
    - copy: dest=$DIR/new/bin/.release content="v1\\n" mode=0644
    - copy: dest=$DIR/new/bin/.release content="v1\\n" mode=0644
    - copy: dest=$DIR/new/bin/.release content="v2\\n" mode=0644
    - file: path=$DIR/new/bin/.release mode=0600
    - file: path=$DIR/new/bin/link src=.release state=link
    - stat: path=$DIR/new/bin/.release
      register: planned_stat
    - assert:
        that:
          - planned_stat.stat.exists
          - planned_stat.stat.mode == '0600'
`,
  });
  const before = treeHash(dir);
  const run = await runLocal(dir, 'play.yml', { check: true });
  t.false(run.summary.failed, run.output);
  t.is(treeHash(dir), before, 'check mode changed nothing');
  t.false(existsSync(`${dir}/new`));
  // the same content again is no change: the second copy sees the first one's planned bytes
  const copies = results(run.events, 'copy');
  t.deepEqual(copies.map((r) => r.status), ['changed', 'ok', 'changed']);
  t.like(counters(run, 'h1'), { failed: 0 });
});

test('--check: a copy into a folder that no task makes still fails', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - copy: dest=$DIR/missing/file content="x"
`,
  });
  const run = await runLocal(dir, 'play.yml', { check: true });
  t.true(run.summary.failed, run.output);
});

test('--check: a task that says check_mode: true never makes its change, so later tasks do not see it', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - copy: dest=$DIR/unit.conf content="new\\n"
      check_mode: true
    - copy: dest=$DIR/unit.conf content="new\\n"
`,
    'unit.conf': 'old\n',
  });
  const run = await runLocal(dir, 'play.yml', { check: true });
  t.false(run.summary.failed, run.output);
  t.deepEqual(results(run.events, 'copy').map((r) => r.status), ['changed', 'changed']);
});

/**
 * synchronize on the local connection with the real rsync: the dry run
 * plans (check mode copies nothing), the run copies and deletes, a second
 * run changes nothing.
 */
import test from 'ava';
import { LOCAL_INVENTORY, project, runLocal } from '../helpers/run-local.js';
import { exists, read, results } from '../helpers/local-hosts.js';

const files = {
  hosts: LOCAL_INVENTORY,
  'src/a': 'a\n',
  'src/sub/b': 'b\n',
  'dest/stale': 'old\n',
  'play.yml': `
- hosts: local
  gather_facts: no
  tasks:
    - synchronize: { src: $DIR/src/, dest: $DIR/dest, delete: true, compress: false, owner: false, group: false }
      register: sync
    - copy: { dest: $DIR/lines, content: "{{ sync.stdout_lines | default([]) | sort | join(',') }}" }
`,
};

test('synchronize copies and deletes with rsync; a second run changes nothing; check mode copies nothing', async (t) => {
  const dir = project(files);
  const check = await runLocal(dir, 'play.yml', { check: true });
  t.false(check.summary.failed, check.output);
  t.is(results(check.events, 'synchronize')[0]?.status, 'changed');
  t.false(exists(dir, 'dest/a'));
  t.true(exists(dir, 'dest/stale'));

  const run = await runLocal(dir);
  t.false(run.summary.failed, run.output);
  t.is(read(dir, 'dest/a'), 'a\n');
  t.is(read(dir, 'dest/sub/b'), 'b\n');
  t.false(exists(dir, 'dest/stale'));
  t.is(results(run.events, 'synchronize')[0]?.status, 'changed');
  t.regex(read(dir, 'lines'), /\*deleting +stale/);
  t.regex(read(dir, 'lines'), />f\+{9} sub\/b/);

  const again = await runLocal(dir);
  t.is(results(again.events, 'synchronize')[0]?.status, 'ok');
});

test('a failed run takes the synchronized folder back to what it was', async (t) => {
  const dir = project({
    ...files,
    'play.yml': `
- hosts: local
  gather_facts: no
  tasks:
    - synchronize: { src: $DIR/src/, dest: $DIR/dest, delete: true, owner: false, group: false }
    - fail: { msg: stop here }
`,
  });
  const run = await runLocal(dir, 'play.yml', { rollback: true });
  t.true(run.summary.failed);
  t.is(read(dir, 'dest/stale'), 'old\n', 'the deleted file is back');
  t.false(exists(dir, 'dest/a'), 'the copied file is gone');
  t.false(exists(dir, 'dest/sub'));
});

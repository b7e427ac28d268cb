import test from 'ava';
import { counters, project, runLocal, treeHash } from '../helpers/run-local.js';
import { exists, read, results } from '../helpers/local-hosts.js';

const HOST = 'h1 ansible_connection=local\n';

function site() {
  return project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  vars:
    port: 2379
  tasks:
    - file: path=$DIR/etc state=directory mode=0700
    - copy: dest=$DIR/etc/a.conf content="port={{ port }}\\nname=a\\n"
    - template: src=b.j2 dest=$DIR/etc/b.conf mode=0600
    - lineinfile: path=$DIR/existing.txt regexp='^port=' line='port={{ port }}'
    - file: path=$DIR/old.txt state=absent
    - command: touch $DIR/etc/stamp creates=$DIR/etc/stamp
`,
    'templates/b.j2': 'listen={{ inventory_hostname }}:{{ port }}\n',
    'existing.txt': 'keep=1\nport=1\n',
    'old.txt': 'to be removed\n',
    'etc/keep': '',
  });
}

test('--check changes nothing and reports what would change', async (t) => {
  const dir = site();
  const before = treeHash(dir);
  const run = await runLocal(dir, 'play.yml', { check: true });
  t.is(treeHash(dir), before);
  t.false(run.summary.failed, run.output);
  // a mode, two files, a line, a removal would change; a command guarded by creates reports it would run
  t.like(counters(run, 'h1'), { changed: 6, skipped: 0 });
});

test('--diff shows a unified diff for every changed file', async (t) => {
  const dir = site();
  const run = await runLocal(dir, 'play.yml', { diff: true });
  t.false(run.summary.failed, run.output);
  t.regex(run.output, /\+port=2379\n\+name=a/);
  t.regex(run.output, /\+listen=h1:2379/);
  t.regex(run.output, /-port=1\n\+port=2379/);
  t.regex(run.output, /^--- .*existing\.txt/m);
  t.regex(run.output, /^\+\+\+ .*existing\.txt/m);
  t.regex(run.output, /^@@ /m);
  t.is(read(dir, 'existing.txt'), 'keep=1\nport=2379\n');
  t.false(exists(dir, 'old.txt'));
});

test('a second run reports changed=0, also under --check --diff', async (t) => {
  const dir = site();
  await runLocal(dir);
  const second = await runLocal(dir);
  t.like(counters(second, 'h1'), { changed: 0, failed: 0, ok: 6 });
  const checked = await runLocal(dir, 'play.yml', { check: true, diff: true });
  t.like(counters(checked, 'h1'), { changed: 0, failed: 0 });
  const after = treeHash(dir);
  const diffRun = await runLocal(dir, 'play.yml', { check: true, diff: true, extraVars: { port: 2380 } });
  t.is(treeHash(dir), after);
  t.like(counters(diffRun, 'h1'), { changed: 3 });
  t.regex(diffRun.output, /-port=2379\n\+port=2380/);
  t.regex(diffRun.output, /-listen=h1:2379\n\+listen=h1:2380/);
});

test('check_mode: true makes one task a dry run; check_mode: false runs a command even under --check', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  tasks:
    - copy: dest=$DIR/dry content=x
      check_mode: true
    - copy: dest=$DIR/real content=x
    - command: cat $DIR/input
      check_mode: false
      register: probe
    - copy: dest=$DIR/probed content="{{ probe.stdout }}"
      check_mode: false
    - command: touch $DIR/skipped-in-check
`,
    input: 'read while checking\n',
  });
  const normal = await runLocal(dir);
  t.false(exists(dir, 'dry'), normal.output);
  t.true(exists(dir, 'real'));
  const dir2 = project({ hosts: HOST, 'play.yml': read(dir, 'play.yml').replaceAll(dir, '$DIR'), input: 'read while checking\n' });
  const checked = await runLocal(dir2, 'play.yml', { check: true });
  t.false(checked.summary.failed, checked.output);
  t.is(read(dir2, 'probed'), 'read while checking');
  t.false(exists(dir2, 'real'));
  t.false(exists(dir2, 'skipped-in-check'));
  t.is(results(checked.events, 'command').at(-1)?.status, 'skipped');
});

test('diff: false hides one task\'s diff; no_log keeps the secret out of the output, not out of the registered result', async (t) => {
  const dir = project({
    hosts: HOST,
    'play.yml': `
- hosts: all
  gather_facts: no
  vars:
    secret: s3cr3t-value
  tasks:
    - copy: dest=$DIR/shown content="visible-line\\n"
    - copy: dest=$DIR/asked content="asked-line\\n"
      diff: true
    - copy: dest=$DIR/hidden content="hidden-line\\n"
      diff: false
    - copy: dest=$DIR/secret content="{{ secret }}\\n"
      no_log: true
    - command: echo {{ secret }}
      register: echoed
      no_log: true
    - copy: dest=$DIR/censored content="{{ echoed.censored is defined }} {{ echoed.stdout | default('no stdout') }}"
      no_log: true
    - command: sh -c "echo {{ secret }}; exit 1"
      no_log: true
`,
  });
  const run = await runLocal(dir, 'play.yml', { diff: true, rollback: false });
  t.regex(run.output, /\+visible-line/);
  t.regex(run.output, /\+asked-line/);
  t.false(run.output.includes('hidden-line'));
  t.false(run.output.includes('s3cr3t'), run.output);
  t.is(read(dir, 'secret'), 's3cr3t-value\n');
  // as Ansible 2.14: the registered variable keeps stdout; only the output hides it
  t.is(read(dir, 'censored'), 'False s3cr3t-value');
  const failed = results(run.events).at(-1);
  t.is(failed?.status, 'failed');
  t.false(JSON.stringify(run.events).includes('s3cr3t'));
  t.regex(failed?.msg ?? '', /no_log/);
  // without --diff, only the task that asks for its diff shows one
  const quiet = await runLocal(dir, 'play.yml', { rollback: false, extraVars: { secret: 'other' } });
  t.false(quiet.output.includes('visible-line'));
});

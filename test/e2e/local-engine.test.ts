import test from 'ava';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { counters, LOCAL_INVENTORY, project, runLocal, treeHash } from '../helpers/run-local.js';
import { backedUpPaths, backupsBeside, localBackupRoot } from '../helpers/backups.js';

const SITE = `
- hosts: local
  gather_facts: no
  vars:
    out: "$DIR/out"
    TMP_NODES: "{% for h in groups['local'] %}{{ h }},{% endfor %}"
    NODES: "{{ TMP_NODES.rstrip(',') }}"
  tasks:
    - name: make the folder
      file: path={{ out }} state=directory mode=0755
    - name: write the config
      copy:
        content: "nodes={{ NODES }}\\nport={{ port | default(2379) }}\\n"
        dest: "{{ out }}/app.conf"
        mode: 0640
      notify: restart app
    - name: a templated file
      template: src=unit.j2 dest={{ out }}/unit.conf
  handlers:
    - name: restart app
      copy: content="restarted\\n" dest={{ out }}/handler.log
`;

function site() {
  return project({
    'hosts': LOCAL_INVENTORY,
    'play.yml': SITE,
    'templates/unit.j2': '{% for h in groups["local"] %}member={{ h }}\n{% endfor %}',
  });
}

test('a first run changes, a second run changes nothing', async (t) => {
  const dir = site();
  const first = await runLocal(dir);
  t.is(counters(first)?.changed, 4);
  t.is(readFileSync(path.join(dir, 'out/app.conf'), 'utf8'), 'nodes=localhost\nport=2379\n');
  t.is(readFileSync(path.join(dir, 'out/unit.conf'), 'utf8'), 'member=localhost\n');
  t.true(existsSync(path.join(dir, 'out/handler.log')));
  const second = await runLocal(dir);
  t.is(counters(second)?.changed, 0);
  t.is(counters(second)?.failed, 0);
});

test('--check changes nothing and --diff shows the unified diff', async (t) => {
  const dir = site();
  await runLocal(dir);
  const before = treeHash(dir);
  const run = await runLocal(dir, 'play.yml', { check: true, diff: true, extraVars: { port: 2380 } });
  t.is(treeHash(dir), before);
  // the handler is notified and planned too, but its file already holds what it writes
  t.is(counters(run)?.changed, 1, 'only the config would change');
  t.regex(run.output, /-port=2379\n\+port=2380/);
});

test('a failure rolls every change of the run back, byte for byte', async (t) => {
  const dir = project({
    'hosts': LOCAL_INVENTORY,
    'play.yml': `
- hosts: local
  gather_facts: no
  tasks:
    - copy: content="one\\n" dest=$DIR/keep.txt
- hosts: local
  gather_facts: no
  tasks:
    - copy: content="changed\\n" dest=$DIR/keep.txt
    - file: path=$DIR/newdir/sub state=directory
    - copy: content="x\\n" dest=$DIR/newdir/sub/x
    - command: /bin/false
`,
    'keep.txt': 'original\n',
  });
  const before = treeHash(dir);
  const run = await runLocal(dir);
  t.true(run.summary.failed);
  t.is(run.summary.rollback?.undone, 4);
  t.is(run.summary.rollback?.cannotUndo, 1);
  t.is(treeHash(dir), before);
  t.is(readFileSync(path.join(dir, 'keep.txt'), 'utf8'), 'original\n');
});

test('--no-rollback keeps the changes of a failed run', async (t) => {
  const dir = project({
    'hosts': LOCAL_INVENTORY,
    'play.yml': `
- hosts: local
  gather_facts: no
  tasks:
    - copy: content="new\\n" dest=$DIR/f.txt
    - fail: msg="stop here"
`,
  });
  const run = await runLocal(dir, 'play.yml', { rollback: false });
  t.true(run.summary.failed);
  t.is(run.summary.rollback, undefined);
  t.is(readFileSync(path.join(dir, 'f.txt'), 'utf8'), 'new\n');
});

test('a condition that cannot be evaluated fails the task and says why', async (t) => {
  const dir = project({
    'hosts': LOCAL_INVENTORY,
    'play.yml': `
- hosts: local
  gather_facts: no
  tasks:
    - command: "true"
      when: nope.field == 1
`,
  });
  const run = await runLocal(dir);
  const result = run.events.find((e) => e.type === 'host_result');
  t.is(result?.type === 'host_result' ? result.status : undefined, 'failed');
  t.regex(run.output, /fatal: \[localhost\]: FAILED! => .*'nope' is undefined/);
  t.is(counters(run)?.failed, 1);
});

test('until retries a module that fails, until it succeeds', async (t) => {
  const dir = project({
    'hosts': LOCAL_INVENTORY,
    'play.yml': `
- hosts: local
  gather_facts: no
  tasks:
    - name: count attempts in a file
      shell: echo x >> $DIR/attempts; [ $(wc -l < $DIR/attempts) -ge 3 ]
      changed_when: false
    - name: a module error is retried too
      slurp: src=$DIR/attempts
      register: got
      until: got is succeeded
      retries: 2
      delay: 0
`,
  });
  const run = await runLocal(dir);
  t.is(counters(run)?.failed, 1, 'the shell task fails without until');
  const dir2 = project({
    'hosts': LOCAL_INVENTORY,
    'play.yml': `
- hosts: local
  gather_facts: no
  tasks:
    - name: appears on the third try
      shell: echo x >> $DIR/attempts; [ $(wc -l < $DIR/attempts) -ge 3 ]
      register: r
      until: r.rc == 0
      retries: 5
      delay: 0
      changed_when: false
    - name: a module error is retried until the file exists
      slurp: src=$DIR/later
      register: got
      until: got is succeeded
      retries: 3
      delay: 0
      ignore_errors: yes
`,
  });
  const second = await runLocal(dir2);
  const results = second.events.filter((e) => e.type === 'host_result');
  const first = results[0];
  t.is(first?.type === 'host_result' ? first.result?.attempts : undefined, 3);
  const slurp = results[1];
  // out of attempts, Ansible's result counts one less than the four it made
  t.is(slurp?.type === 'host_result' ? slurp.result?.attempts : undefined, 3, "Ansible's count when out of attempts");
  const retried = second.events.filter((e) => e.type === 'retry' && e.task === 'a module error is retried until the file exists');
  t.deepEqual(retried.map((e) => (e.type === 'retry' ? e.retriesLeft : -1)), [3, 2, 1], 'tried once and retried three times');
  t.is(counters(second)?.ignored, 1);
});

test('backups are kept for the latest successful run only', async (t) => {
  const { readdirSync } = await import('node:fs');
  const { readMeta, listRunIds } = await import('../../src/engine/journal.js');
  const files = (extra: string) => ({
    'hosts': LOCAL_INVENTORY,
    'play.yml': `
- hosts: local
  gather_facts: no
  tasks:
    - copy: content="{{ v }}\\n" dest=$DIR/conf
`,
    ...(extra ? {} : {}),
  });
  const dir = project({ ...files(''), conf: 'original\n' });
  const conf = path.join(dir, 'conf');
  await runLocal(dir, 'play.yml', { extraVars: { v: 'one' } });
  const [first] = listRunIds(path.join(dir, '.ezplay', 'runs'));
  t.deepEqual(backedUpPaths(first!), [conf], 'the first run keeps a copy of the original for its rollback');
  await runLocal(dir, 'play.yml', { extraVars: { v: 'two' } });
  const runs = listRunIds(path.join(dir, '.ezplay', 'runs'));
  t.is(runs.length, 2);
  t.is(readMeta(path.join(dir, '.ezplay', 'runs'), runs[0]!)?.prunedBy, runs[1]);
  t.deepEqual(backedUpPaths(runs[0]!), [], "the first run's copy is deleted by the prune");
  t.false(existsSync(path.join(localBackupRoot(), runs[0]!)), "and so is the run's folder");
  t.deepEqual(backedUpPaths(runs[1]!), [conf], "only the second run's copy is left");
  t.deepEqual(backupsBeside(dir), [], 'never a backup beside the live file');
  rmSync(path.join(localBackupRoot(), runs[1]!), { recursive: true, force: true });
  t.deepEqual(readdirSync(dir).sort(), ['.ezplay', 'conf', 'hosts', 'play.yml']);
});

test('a rerun that changes nothing prunes nothing: the run before it keeps its backups and stays rollbackable', async (t) => {
  const { readMeta, listRunIds } = await import('../../src/engine/journal.js');
  const play = '- hosts: local\n  gather_facts: no\n  tasks:\n    - copy: content="new\\n" dest=$DIR/conf\n';
  // a run that replaced a file (and keeps a backup), and one that only created it (no backup)
  for (const files of [{ conf: 'original\n' }, {}] as Array<Record<string, string>>) {
    const dir = project({ hosts: LOCAL_INVENTORY, 'play.yml': play, ...files });
    await runLocal(dir, 'play.yml');
    const again = await runLocal(dir, 'play.yml');
    t.is(again.summary.hosts.localhost?.changed, 0);
    const runs = listRunIds(path.join(dir, '.ezplay', 'runs'));
    t.is(runs.length, 2);
    t.is(readMeta(path.join(dir, '.ezplay', 'runs'), runs[0]!)?.prunedBy, undefined);
    t.deepEqual(backedUpPaths(runs[0]!), 'conf' in files ? [path.join(dir, 'conf')] : [], 'the first run keeps its copy of the original');
    t.deepEqual(backupsBeside(dir), []);
    for (const runId of runs) rmSync(path.join(localBackupRoot(), runId), { recursive: true, force: true });
  }
});

/**
 * One run at a time per project: a second run or a rollback waits for the
 * lock, or refuses with --no-wait naming the holder; a lock left by a dead
 * process is taken over. Serial: both tests reach this machine, whose own
 * lock (one run per host) would make the second wait for the first.
 */
import test from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { CLI, ezplay } from '../helpers/cli.js';
import { readMeta } from '../../src/engine/journal.js';
import { LOCAL_INVENTORY, project } from '../helpers/run-local.js';

const PLAY = `
- hosts: local
  gather_facts: false
  tasks:
    - shell: echo "{{ who }} start" >> $DIR/order; sleep {{ pause }}; echo "{{ who }} end" >> $DIR/order
      args:
        rollback: "true"
`;

test.serial('a second run waits for the first, or refuses with --no-wait naming it; so does a rollback', async (t) => {
  const dir = project({ hosts: LOCAL_INVENTORY, 'play.yml': PLAY });
  const lock = path.join(dir, '.ezplay', 'lock');
  const first = spawn(process.execPath, [...CLI, 'run', 'play.yml', '-i', 'hosts', '-e', 'who=A pause=15'], { cwd: dir, stdio: 'ignore' });
  const firstDone = new Promise<number | null>((resolve) => first.on('exit', resolve));
  const deadline = Date.now() + 120_000;
  while (!existsSync(path.join(dir, 'order')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  t.true(existsSync(lock), 'the run holds the lock');
  const holder = JSON.parse(readFileSync(lock, 'utf8')) as { pid: number };
  t.is(holder.pid, first.pid as number);

  const [refused, rollbackRefused, waited] = await Promise.all([
    ezplay(dir, ['run', 'play.yml', '-i', 'hosts', '-e', 'who=B pause=0', '--no-wait']),
    ezplay(dir, ['rollback', '--no-wait']),
    ezplay(dir, ['run', 'play.yml', '-i', 'hosts', '-e', 'who=C pause=0'], { timeoutMs: 300_000 }),
  ]);
  t.is(await firstDone, 0);
  t.is(refused.code, 1, refused.stderr);
  t.regex(refused.stderr, new RegExp(`another run holds .*lock: ezplay run play\\.yml \\(pid ${first.pid} on `));
  t.is(rollbackRefused.code, 1, rollbackRefused.stderr);
  t.regex(rollbackRefused.stderr, new RegExp(`pid ${first.pid}`));
  t.is(waited.code, 0, waited.stdout + waited.stderr);
  t.regex(waited.stderr, new RegExp(`waiting for ezplay run play\\.yml \\(pid ${first.pid} `));
  t.is(readFileSync(path.join(dir, 'order'), 'utf8'), 'A start\nA end\nC start\nC end\n', 'C ran after A, B never');
  t.false(existsSync(lock), 'released at the end');
});

test.serial('a lock whose process is gone is taken over, saying so', async (t) => {
  const dir = project({ hosts: LOCAL_INVENTORY, 'play.yml': PLAY });
  const dead = spawnSync('true').pid;
  mkdirSync(path.join(dir, '.ezplay'));
  writeFileSync(path.join(dir, '.ezplay', 'lock'), JSON.stringify({ pid: dead, host: hostname(), what: 'ezplay run old.yml', since: '2026-01-01T00:00:00Z' }));
  const run = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts', '-e', 'who=D pause=0', '--no-wait']);
  t.is(run.code, 0, run.stdout + run.stderr);
  t.regex(run.stderr, new RegExp(`took over the lock .*: ezplay run old\\.yml \\(pid ${dead} .*\\) is gone`));
  t.is(readFileSync(path.join(dir, 'order'), 'utf8'), 'D start\nD end\n');
});

test.serial('a successful run never deletes the backups of a run still going; once that run is gone, it does', async (t) => {
  for (const going of [true, false]) {
    const dir = project({ hosts: LOCAL_INVENTORY, 'play.yml': PLAY, backup: 'kept until pruned' });
    // a run of this project still going elsewhere: unfinished, its process alive (or, the second time, gone)
    const other = going ? spawn('sleep', ['60']) : undefined;
    const pid = other?.pid ?? (spawnSync('true').pid as number);
    const id = '20000101-000000000-aaaa';
    const runDir = path.join(dir, '.ezplay', 'runs', id);
    mkdirSync(runDir, { recursive: true });
    writeFileSync(path.join(runDir, 'meta.json'), JSON.stringify({ runId: id, playbook: 'play.yml', inventory: ['hosts'], started: '2000-01-01T00:00:00Z', pid, controller: hostname(), hosts: {} }));
    const cleanup = [{ kind: 'exec', command: `rm -f ${path.join(dir, 'backup')}`, description: 'delete the backup' }];
    writeFileSync(path.join(runDir, 'journal.jsonl'), `${JSON.stringify({ seq: 1, host: 'localhost', target: 'localhost', task: 'made', undo: [], cleanup, play: 0, rollback: 'on_failure' })}\n`);
    try {
      const run = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts', '-e', 'who=E pause=0']);
      t.is(run.code, 0, run.stdout + run.stderr);
      if (going) {
        // a warning: on stderr, wrapped at 79 columns as Ansible wraps its warnings
        t.regex(run.stderr.replace(/\s+/g, ' '), new RegExp(`kept the backups of run ${id}: it is still going \\(pid ${pid} on `));
        t.true(existsSync(path.join(dir, 'backup')), 'the backup of the run still going is kept');
        t.is(readMeta(path.join(dir, '.ezplay', 'runs'), id)?.prunedBy, undefined);
      } else {
        t.false(existsSync(path.join(dir, 'backup')), 'a run that is gone is pruned as before');
        t.is(typeof readMeta(path.join(dir, '.ezplay', 'runs'), id)?.prunedBy, 'string');
      }
    } finally {
      other?.kill();
    }
  }
});

/**
 * The run journal under stress and where it lives: a disk that fills up
 * mid-run, a run started from another folder, `ezplay rollback --list`.
 * The full disk is a real one: a tiny tmpfs mounted over the project's
 * `.ezplay` (the tests run as root).
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ezplay } from '../helpers/cli.js';
import { project, LOCAL_INVENTORY } from '../helpers/run-local.js';
import { exists, read } from '../helpers/local-hosts.js';
import { backedUpPaths, localBackupRoot } from '../helpers/backups.js';

const run = promisify(execFile);

test('a run that cannot write its journal stops before the next change, with a message and no stack trace', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'play.yml': `
- hosts: local
  gather_facts: false
  tasks:
    - name: many changes
      shell: echo {{ item }} >> $DIR/log
      args:
        rollback: "sed -i '/^{{ item }}$/d' $DIR/log # {{ 'x' * 200 }}"
      loop: "{{ range(100) | list }}"
    - name: after
      copy: dest=$DIR/after content=x
`,
  });
  const state = path.join(dir, '.ezplay');
  mkdirSync(state);
  await run('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', state]);
  try {
    const out = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts']);
    t.not(out.code, 0);
    t.regex(out.stderr, /cannot write the run journal .*journal\.jsonl \(ENOSPC\): stopped before the next change/, out.stderr);
    t.notRegex(out.stdout + out.stderr, /^\s+at /m, 'no stack trace');
    const done = read(dir, 'log').trim().split('\n');
    t.true(done.length > 0 && done.length < 100, `${done.length} items ran`);
    t.false(exists(dir, 'after'));
    // every change that ran is in the journal: the last recorded item is the last that ran
    const root = path.join(state, 'runs');
    const lines = readFileSync(path.join(root, readdirSync(root)[0] as string, 'journal.jsonl'), 'utf8').split('\n');
    const whole = lines.filter((l) => l.endsWith('}'));
    t.is(whole.length, done.length);
  } finally {
    await run('umount', [state]);
  }
});

test('the journal lives in the playbook project, wherever the run starts; rollback --list prints where', async (t) => {
  const dir = project({
    'inventory/hosts': LOCAL_INVENTORY,
    'playbooks/site.yml': '- hosts: local\n  gather_facts: false\n  tasks:\n    - copy: dest=$DIR/made content=x\n',
  });
  const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'ezplay-elsewhere-'));
  const out = await ezplay(elsewhere, ['run', path.join(dir, 'playbooks/site.yml'), '-i', path.join(dir, 'inventory/hosts')]);
  t.is(out.code, 0, out.stdout + out.stderr);
  t.false(exists(elsewhere, '.ezplay'));
  const runs = readdirSync(path.join(dir, '.ezplay', 'runs'));
  t.is(runs.length, 1);
  for (const cwd of [dir, path.join(dir, 'playbooks')]) {
    const list = await ezplay(cwd, ['rollback', '--list']);
    t.is(list.code, 0, list.stderr);
    t.true(list.stdout.includes(`run journals: ${path.join(dir, '.ezplay', 'runs')}`), list.stdout);
    t.regex(list.stdout, new RegExp(`^${runs[0]}  ok `, 'm'));
  }
  const fromElsewhere = await ezplay(elsewhere, ['rollback', '--project', dir]);
  t.is(fromElsewhere.code, 0, fromElsewhere.stdout + fromElsewhere.stderr);
  t.false(exists(dir, 'made'));
});

test('a rollback whose backup was deleted fails naming the missing copy, and leaves the file as the run made it', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'play.yml': '- hosts: local\n  gather_facts: false\n  tasks:\n    - copy: dest=$DIR/app.conf content="new\\n"\n',
    'app.conf': 'old\n',
  });
  const out = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts']);
  t.is(out.code, 0, out.stdout + out.stderr);
  const [runId] = readdirSync(path.join(dir, '.ezplay', 'runs'));
  const file = path.join(dir, 'app.conf');
  t.deepEqual(backedUpPaths(runId!), [file]);
  t.deepEqual(readdirSync(dir).sort(), ['.ezplay', 'app.conf', 'hosts', 'play.yml'], 'no backup beside the live file');
  // someone cleans up the backup root by hand
  const slot = path.join(localBackupRoot(), runId!);
  for (const s of readdirSync(slot)) rmSync(path.join(slot, s, 'data'), { force: true });
  const undo = await ezplay(dir, ['rollback', runId!]);
  t.not(undo.code, 0, 'a restore from nothing is not a success');
  t.regex(undo.stdout + undo.stderr, new RegExp(`cannot restore ${file.replace(/[.]/g, '\\.')}: its backup was taken but .* is missing`));
  t.is(read(dir, 'app.conf'), 'new\n', 'the file is left as the run made it');
  rmSync(slot, { recursive: true, force: true });
});

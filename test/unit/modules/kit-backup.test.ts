/**
 * The kit's backup scheme, run for real: the generated shell runs with `sh`
 * on files in a temporary folder, with the backup root moved into another
 * temporary folder (the only edit made to the commands).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import {
  BACKUP_ROOT,
  backupSlot,
  backupStep,
  dropBackupsStep,
  guardRemoval,
  guardWrites,
  moveAsideStep,
  restoreStep,
  restoreTempName,
} from '../../../src/modules/kit/backup.js';
import type { Step } from '../../../src/modules/types.js';

const RUN = 'run-kit';
const made: string[] = [];
test.after.always(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function sandbox() {
  const live = mkdtempSync(path.join(os.tmpdir(), 'ezplay-kit-live-'));
  const root = mkdtempSync(path.join(os.tmpdir(), 'ezplay-kit-root-'));
  made.push(live, root);
  /** Runs a step's command as the engine would, with the backup root moved to `root`. */
  const run = (step: Step) => {
    if (step.kind !== 'exec') throw new Error('exec steps only');
    const command = step.command.replace(/^ezb=.*$/m, `ezb=${root}`);
    return spawnSync('sh', ['-c', command], { encoding: 'utf8' });
  };
  const ok = (step: Step) => {
    const res = run(step);
    if (res.status !== 0) throw new Error(`${step.kind === 'exec' ? step.description : ''}: rc ${res.status}: ${res.stderr}`);
  };
  return { live, root, run, ok, file: (name: string) => path.join(live, name) };
}

test('the backup root is /var/lib/ezplay/backup for root, else a folder of the user under /var/tmp', (t) => {
  const step = backupStep(RUN, ['/etc/x']);
  const line = (step as { command: string }).command.split('\n').find((l) => l.startsWith('ezb='));
  t.is(line, `ezb=${BACKUP_ROOT}; [ "$(id -u)" = 0 ] || ezb=/var/tmp/ezplay-backup-$(id -u)`);
  const root = execFileSync('sh', ['-c', `${line}; echo "$ezb"`], { encoding: 'utf8' }).trim();
  t.is(root, process.getuid?.() === 0 ? '/var/lib/ezplay/backup' : `/var/tmp/ezplay-backup-${process.getuid?.()}`);
});

test('backup then restore puts back bytes and mode, atomically through a temporary name in the folder', (t) => {
  const s = sandbox();
  const f = s.file('app.conf');
  writeFileSync(f, 'old\n', { mode: 0o640 });
  chmodSync(f, 0o640);
  s.ok(backupStep(RUN, [f]));
  t.deepEqual(readdirSync(s.live), ['app.conf'], 'nothing beside the live file');
  const slot = path.join(s.root, backupSlot(RUN, f));
  t.is(readFileSync(path.join(slot, 'state'), 'utf8'), 'present\n');
  t.is(readFileSync(path.join(slot, 'path'), 'utf8'), `${f}\n`);
  writeFileSync(f, 'new\n');
  chmodSync(f, 0o600);
  const restore = restoreStep(RUN, [f]);
  t.true((restore as { command: string }).command.includes(`mv -f -T -- ${restoreTempName(f, RUN)} ${f}`));
  s.ok(restore);
  t.is(readFileSync(f, 'utf8'), 'old\n');
  t.is(statSync(f).mode & 0o777, 0o640);
  t.deepEqual(readdirSync(s.live), ['app.conf'], 'the temporary name is gone');
  s.ok(restore);
  t.is(readFileSync(f, 'utf8'), 'old\n', 'a second restore of the same slot still works');
});

test('first backup wins: a second task on the same path keeps the copy of the path before the run', (t) => {
  const s = sandbox();
  const f = s.file('app.conf');
  writeFileSync(f, 'before the run\n');
  s.ok(backupStep(RUN, [f]));
  writeFileSync(f, 'after task 1\n');
  s.ok(backupStep(RUN, [f]));
  writeFileSync(f, 'after task 2\n');
  // undo runs newest first: task 2's restore, then task 1's
  s.ok(restoreStep(RUN, [f]));
  t.is(readFileSync(f, 'utf8'), 'before the run\n');
  s.ok(restoreStep(RUN, [f]));
  t.is(readFileSync(f, 'utf8'), 'before the run\n');
});

test('a path absent at backup time is recorded as absent, and restore removes what the run made there', (t) => {
  const s = sandbox();
  const f = s.file('new.conf');
  s.ok(backupStep(RUN, [f]));
  t.is(readFileSync(path.join(s.root, backupSlot(RUN, f), 'state'), 'utf8'), 'absent\n');
  writeFileSync(f, 'made by the run\n');
  s.ok(restoreStep(RUN, [f]));
  t.false(existsSync(f));
});

test('undo of a task whose steps never ran changes nothing', (t) => {
  const s = sandbox();
  const f = s.file('app.conf');
  writeFileSync(f, 'untouched\n');
  const res = s.run(restoreStep(RUN, [f]));
  t.is(res.status, 0, res.stderr);
  t.is(readFileSync(f, 'utf8'), 'untouched\n');
  t.deepEqual(readdirSync(s.root), [], 'no backup was ever taken');
});

test('a restore whose backup was taken but is gone fails and says so', (t) => {
  const s = sandbox();
  const f = s.file('app.conf');
  writeFileSync(f, 'old\n');
  s.ok(backupStep(RUN, [f]));
  writeFileSync(f, 'new\n');
  rmSync(path.join(s.root, backupSlot(RUN, f), 'data'));
  const res = s.run(restoreStep(RUN, [f]));
  t.not(res.status, 0);
  t.regex(res.stderr, new RegExp(`cannot restore ${f.replace(/[.]/g, '\\.')}: its backup was taken but .*${backupSlot(RUN, f)}/data is missing`));
  t.is(readFileSync(f, 'utf8'), 'new\n', 'the live file is left as it is');
});

test('removing a directory moves it into the run\'s backups; restore moves it back whole', (t) => {
  const s = sandbox();
  const dir = s.file('conf.d');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'a.conf'), 'a\n');
  symlinkSync('a.conf', path.join(dir, 'link'));
  const removal = guardRemoval(RUN, [dir]);
  t.deepEqual(removal.writes, [dir]);
  for (const step of removal.steps) s.ok(step);
  t.deepEqual(readdirSync(s.live), [], 'gone from the live folder, nothing left beside it');
  t.is(readFileSync(path.join(s.root, backupSlot(RUN, dir), 'data', 'a.conf'), 'utf8'), 'a\n');
  for (const step of removal.undo) s.ok(step);
  t.is(readFileSync(path.join(dir, 'a.conf'), 'utf8'), 'a\n');
  t.is(readlinkSync(path.join(dir, 'link')), 'a.conf');
  t.deepEqual(readdirSync(s.live), ['conf.d']);
  for (const step of removal.undo) s.ok(step);
  t.is(readFileSync(path.join(dir, 'a.conf'), 'utf8'), 'a\n', 'restoring it again is a no-op');
  for (const step of removal.cleanup) s.ok(step);
  t.deepEqual(readdirSync(s.root), [], 'the prune leaves nothing of the run');
});

test('a path changed by one task and removed by a later one comes back as it was before the run', (t) => {
  const s = sandbox();
  const f = s.file('app.conf');
  writeFileSync(f, 'before the run\n');
  s.ok(backupStep(RUN, [f]));
  writeFileSync(f, 'task 1\n');
  s.ok(moveAsideStep(RUN, [f]));
  t.false(existsSync(f));
  t.deepEqual(readdirSync(s.live), []);
  s.ok(restoreStep(RUN, [f]));
  t.is(readFileSync(f, 'utf8'), 'before the run\n');
});

test('a symlink is backed up and restored as a link', (t) => {
  const s = sandbox();
  const f = s.file('current');
  symlinkSync('v1', f);
  s.ok(backupStep(RUN, [f]));
  rmSync(f);
  symlinkSync('v2', f);
  s.ok(restoreStep(RUN, [f]));
  t.is(readlinkSync(f), 'v1');
});

test('guardWrites: existing files are backed up in one step, new ones removed by undo; cleanup deletes the slots', (t) => {
  const s = sandbox();
  const old = s.file('old.pem');
  const fresh = s.file('new.pem');
  writeFileSync(old, 'old\n');
  const guard = guardWrites(RUN, [{ path: old, existed: true }, { path: fresh, existed: false }]);
  t.is(guard.steps.length, 1);
  t.deepEqual(guard.writes, [old, fresh]);
  t.deepEqual(guard.undo.map((u) => u.description), [`restore ${old} from the run's backups`, `remove ${fresh}`]);
  for (const step of guard.steps) s.ok(step);
  writeFileSync(old, 'new\n');
  writeFileSync(fresh, 'new\n');
  for (const step of guard.undo) s.ok(step);
  t.deepEqual(readdirSync(s.live), ['old.pem']);
  t.is(readFileSync(old, 'utf8'), 'old\n');
  s.ok(dropBackupsStep(RUN, [old]));
  t.deepEqual(readdirSync(s.root), []);
});

test('a backup root that is a link, or not the user\'s own, is refused', (t) => {
  const s = sandbox();
  const f = s.file('app.conf');
  writeFileSync(f, 'old\n');
  const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'ezplay-kit-elsewhere-'));
  const link = path.join(s.live, 'root-link');
  symlinkSync(elsewhere, link);
  const command = (backupStep(RUN, [f]) as { command: string }).command.replace(/^ezb=.*$/m, `ezb=${link}`);
  const res = spawnSync('sh', ['-c', command], { encoding: 'utf8' });
  t.not(res.status, 0);
  t.regex(res.stderr, /is not a folder of/);
  t.deepEqual(readdirSync(elsewhere), [], 'nothing was written through the link');
});

test('a removed directory comes back even where the run left a file of the same name', (t) => {
  const s = sandbox();
  const dir = s.file('data');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'f'), 'kept\n');
  s.ok(moveAsideStep(RUN, [dir]));
  writeFileSync(dir, 'a file the run made\n');
  s.ok(restoreStep(RUN, [dir]));
  t.is(readFileSync(path.join(dir, 'f'), 'utf8'), 'kept\n');
});

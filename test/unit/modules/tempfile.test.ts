import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { createTempCommand, parseCreated, randomNamePart, tempfileModule } from '../../../src/modules/tempfile.js';
import { describeSteps, moduleTable } from '../../helpers/module-table.js';

const ALWAYS = 'tempfile draws a new name on every run and is always changed, as in Ansible';
const NEW_NAME = 'planned again, the name is drawn again: the same shape of plan with another path';

/** The one path the plan creates, after checking it has the wanted shape. */
function plannedPath(t: import('ava').ExecutionContext, result: Record<string, unknown> | undefined, shape: RegExp): string {
  const p = String(result?.path);
  t.regex(p, shape);
  return p;
}

moduleTable([
  {
    name: "directory in the host's temporary folder: created 0700 by mkdir; undo moves it into the run's backups",
    module: tempfileModule,
    args: { state: 'directory', suffix: '.test' },
    factValues: { temp_folder: { path: '/tmp', type: 'directory' } },
    stepOutputs: [[/stat -c/, '0 0 root root 4096\n']],
    idempotence: ALWAYS,
    undoReplay: NEW_NAME,
    expect: {
      changed: true,
      result: { state: 'directory', mode: '0700' },
      registered: { uid: 0, gid: 0, owner: 'root', group: 'root', size: 4096 },
      also: (t, plan) => {
        const p = plannedPath(t, plan.result, /^\/tmp\/ansible\.[a-z0-9_]{8}\.test$/);
        t.deepEqual(plan.diff?.map((d) => `${d.subject}: ${d.before} -> ${d.after}`), [`${p}: absent -> directory 0700`]);
        t.deepEqual(describeSteps(plan.steps), [`mkdir -m 0700 -- ${p} && stat -c '%u %g %U %G %s' -- ${p}`]);
        t.deepEqual(plan.writes, [p]);
        t.deepEqual(plan.undo?.map((s) => s.description), [`remove ${p} (kept in the run's backups)`]);
        t.true(plan.undo?.every((s) => s.kind === 'exec' && !/rm -rf -- /.test(s.command)), 'undo never deletes');
        t.deepEqual(plan.cleanup?.map((s) => s.description), [`delete the run's backups of ${p}`]);
        t.deepEqual(plan.effects, [{ kind: 'path', path: p, type: 'directory', mode: 0o700 }]);
      },
    },
  },
  {
    name: 'file in a given folder with prefix: created 0600, only if nothing is at the name',
    module: tempfileModule,
    args: { path: '/srv/work/', prefix: 'x' },
    factValues: { temp_folder: { path: '/srv/work/', type: 'directory' } },
    stepOutputs: [[/stat -c/, '1000 1000 etcd etcd 0\n']],
    idempotence: ALWAYS,
    undoReplay: NEW_NAME,
    expect: {
      changed: true,
      result: { state: 'file', mode: '0600' },
      registered: { owner: 'etcd', size: 0 },
      also: (t, plan) => {
        const p = plannedPath(t, plan.result, /^\/srv\/work\/x[a-z0-9_]{8}$/);
        t.deepEqual(describeSteps(plan.steps), [createTempCommand(p, 'file')]);
        t.regex(describeSteps(plan.steps)[0] ?? '', /umask 077 && set -C/);
      },
    },
  },
  {
    name: 'a missing folder fails as Python does',
    module: tempfileModule,
    args: { path: '/nonexistent/x' },
    factValues: { temp_folder: { path: '/nonexistent/x', type: 'missing' } },
    expect: { error: /^\[Errno 2\] No such file or directory: '\/nonexistent\/x\/ansible\.[a-z0-9_]{8}'$/ },
  },
  {
    name: 'a file where the folder should be fails',
    module: tempfileModule,
    args: { path: '/etc/hosts', state: 'directory' },
    factValues: { temp_folder: { path: '/etc/hosts', type: 'other' } },
    expect: { error: /^\[Errno 20\] Not a directory: '\/etc\/hosts\/ansible\./ },
  },
  {
    name: 'the folder is read with one command',
    module: tempfileModule,
    args: {},
    facts: [[/TMPDIR/, 'directory\n/var/tmp\n']],
    idempotence: ALWAYS,
    undoReplay: NEW_NAME,
    expect: { changed: true, reads: 1, readCommands: ['"${TMPDIR:-}"'], also: (t, plan) => void plannedPath(t, plan.result, /^\/var\/tmp\/ansible\.[a-z0-9_]{8}$/) },
  },
]);

test('tempfile: names are eight letters of Python\'s alphabet, drawn anew each time', (t) => {
  t.is(randomNamePart(() => 0), 'aaaaaaaa');
  t.is(randomNamePart(() => 36), '________');
  const drawn = new Set(Array.from({ length: 50 }, () => randomNamePart()));
  t.is(drawn.size, 50);
  for (const n of drawn) t.regex(n, /^[a-z0-9_]{8}$/);
});

test('tempfile: the stat line becomes the fields Ansible adds to a path result', (t) => {
  t.deepEqual(parseCreated('0 0 root root 4096\n'), { uid: 0, gid: 0, owner: 'root', group: 'root', size: 4096 });
  t.deepEqual(parseCreated(''), {});
});

const run = (command: string) => spawnSync('sh', ['-c', command], { encoding: 'utf8' });

test('tempfile: the create command makes a 0700 folder and a 0600 file, and never reuses a name', (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ezplay-tempfile-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, 'ansible.abcdefgh.test');
  const made = run(createTempCommand(dir, 'directory'));
  t.is(made.status, 0, made.stderr);
  t.is(lstatSync(dir).mode & 0o777, 0o700);
  t.regex(made.stdout, /^\d+ \d+ \S+ \S+ \d+\n$/);
  t.not(run(createTempCommand(dir, 'directory')).status, 0, 'an existing folder is not reused');

  const file = path.join(root, 'x12345678');
  const f = run(`umask 022; ${createTempCommand(file, 'file')}`);
  t.is(f.status, 0, f.stderr);
  t.is(lstatSync(file).mode & 0o777, 0o600);
  t.deepEqual(parseCreated(f.stdout).size, 0);
  writeFileSync(file, 'data');
  t.not(run(createTempCommand(file, 'file')).status, 0, 'an existing file is not truncated');
  t.is(String(spawnSync('cat', [file]).stdout), 'data');

  const planted = path.join(root, 'planted');
  symlinkSync(path.join(root, 'target'), planted);
  t.not(run(createTempCommand(planted, 'file')).status, 0, 'a planted link is not followed');
  t.false(readdirSync(root).includes('target'));
});

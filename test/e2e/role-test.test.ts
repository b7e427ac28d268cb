/**
 * `ezplay new role` and `ezplay test` as a user runs them, on lab machines
 * of a lab of their own (`roletest`, the default of `ezplay test`), so the
 * machines of the other end-to-end tests
 * are never touched.
 */
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ezplay as run, ROOT } from '../helpers/cli.js';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'role-test');

const ezplay = (cwd: string, ...args: string[]) => run(cwd, args, { timeoutMs: 300_000, unset: ['EZPLAY_ROLES_PATH'] });

function tempProject(t: { teardown: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-role-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const stageLine = (stdout: string, stage: string) => stdout.split('\n').find((l) => l.slice(7).startsWith(`${stage} `)) ?? `(no ${stage} line)`;

test.serial('the role `ezplay new role` writes passes every stage of `ezplay test` on two machines', async (t) => {
  const dir = tempProject(t);
  const created = await ezplay(dir, 'new', 'role', 'node_exporter_lite', '--path', 'my-roles');
  t.is(created.code, 0, created.stderr);
  t.regex(created.stdout, /ezplay test node_exporter_lite --roles-path my-roles/);

  const started = Date.now();
  const run = await ezplay(dir, 'test', 'node_exporter_lite', '--roles-path', path.join(dir, 'my-roles'), '--hosts', '2');
  t.log(`ezplay test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  t.is(run.code, 0, `${run.stdout}\n${run.stderr}`);
  t.regex(run.stdout, /on roletest1\.\.roletest2/);
  for (const stage of ['converge', 'idempotence', 'check', 'verify', 'rollback']) t.regex(stageLine(run.stdout, stage), /^ok /, run.stdout);
  // the file and directory, the unit file, its wants/ link, and the unit, on each host
  t.regex(stageLine(run.stdout, 'converge'), /\b10 changes on 2 host/);
  t.regex(stageLine(run.stdout, 'rollback'), /\b10 touched path\(s\), unit\(s\) and account\(s\) as before/);
  t.regex(run.stdout, /PASSED: role node_exporter_lite, 5 stages/);

  const again = await ezplay(dir, 'new', 'role', 'node_exporter_lite', '--path', 'my-roles');
  t.is(again.code, 5);
  t.regex(again.stderr, /already exists/);
});

test.serial('a task that changes on every run fails the idempotence stage, named with its file and line', async (t) => {
  const run = await ezplay(tempProject(t), 'test', 'stamp_built', '--roles-path', FIXTURES);
  t.is(run.code, 2, `${run.stdout}\n${run.stderr}`);
  t.regex(stageLine(run.stdout, 'converge'), /^ok /);
  t.regex(stageLine(run.stdout, 'idempotence'), /^FAILED idempotence +1 task changed on the second run/);
  t.regex(run.stdout, /- stamp_built : record the build time \(.*stamp_built\/tasks\/main\.yml:10:3\) on roletest1\n/);
  t.regex(stageLine(run.stdout, 'check'), /^ok /);
  t.regex(stageLine(run.stdout, 'rollback'), /^ok /);
  t.regex(run.stdout, /FAILED: role stamp_built, stage idempotence \(/);
});

test.serial('a read-only command skipped in check mode makes --check report a change: the check stage fails', async (t) => {
  const run = await ezplay(tempProject(t), 'test', path.join(FIXTURES, 'motd_hostname'));
  t.is(run.code, 2, `${run.stdout}\n${run.stderr}`);
  t.regex(stageLine(run.stdout, 'idempotence'), /^ok /);
  t.regex(stageLine(run.stdout, 'check'), /^FAILED check +1 task would change in check mode/);
  t.regex(run.stdout, /- motd_hostname : message of the day names the host \(.*motd_hostname\/tasks\/main\.yml:10:3\) on roletest1\n/);
  t.regex(stageLine(run.stdout, 'verify'), /^ok /);
  t.regex(run.stdout, /FAILED: role motd_hostname, stage check \(/);
});

test.serial('a rollback that leaves a file behind fails the rollback stage, naming the path', async (t) => {
  const run = await ezplay(tempProject(t), 'test', 'leftover_file', '--roles-path', FIXTURES);
  t.is(run.code, 2, `${run.stdout}\n${run.stderr}`);
  t.regex(stageLine(run.stdout, 'rollback'), /^FAILED rollback +the machines are not back to how they were/);
  t.regex(run.stdout, /- roletest1: \/etc\/leftover-marker: before absent, after undo f 644 0:0 sha256 [0-9a-f]{12}…\n/);
});

test.serial('an unknown role is a usage error', async (t) => {
  const run = await ezplay(tempProject(t), 'test', 'no_such_role');
  t.is(run.code, 5);
  t.regex(run.stderr, /no role 'no_such_role'/);
});

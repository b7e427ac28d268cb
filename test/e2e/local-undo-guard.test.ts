/**
 * Rollback never destroys: each undo checks that the files it takes back
 * are still as the run left them. A later run's change or a hand edit is
 * left in place and named, the rest is undone, the exit status says so;
 * --force undoes anyway; a restore whose backup is gone is a failure.
 * h1 is reached with the local connection, and over a real sshd on
 * 127.0.0.1 for the later-run case.
 */
import test, { type ExecutionContext } from 'ava';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { backupSlot } from '../../src/modules/kit/backup.js';
import { backedUpPaths, localBackupRoot } from '../helpers/backups.js';
import { ezplay } from '../helpers/cli.js';
import { project } from '../helpers/run-local.js';
import { exists, read } from '../helpers/local-hosts.js';
import { sshFixture, type SshFixture } from '../helpers/sshd.js';

let fixture: SshFixture<'ed25519'> | undefined;

test.before(async () => {
  fixture = await sshFixture({ ed25519: { type: 'ed25519' } });
});

test.after.always(async () => {
  await fixture?.close();
});

function sshVars(): string {
  const f = fixture!;
  return `ansible_host=127.0.0.1 ansible_port=${f.sshd.port} ansible_user=root ansible_ssh_private_key_file=${f.keys.ed25519.file} ansible_ssh_known_hosts_file=${f.knownHosts}`;
}

const HOSTS = `
[all]
h1 ansible_connection=local base=$DIR/h1
l1 ansible_connection=local base=$DIR/l1
`;

const PLAY = `
- hosts: all
  gather_facts: false
  tasks:
    - name: new file
      copy: dest={{ base }}/new.conf content="{{ who }} new\\n"
    - name: existing file
      lineinfile: path={{ base }}/old.conf line="{{ who }} line"
`;

/** The project of two hosts; the backups its runs keep on this machine (h1 and l1 are this machine) go with the test. */
function twoHostProject(t: ExecutionContext, h1Over: 'local' | 'ssh' = 'local'): string {
  const hosts = h1Over === 'ssh' ? HOSTS.replace('h1 ansible_connection=local', `h1 ${sshVars()}`) : HOSTS;
  const dir = project({ hosts, 'play.yml': PLAY, 'h1/old.conf': 'original\n', 'l1/old.conf': 'original\n' });
  t.teardown(() => {
    if (!existsSync(path.join(dir, '.ezplay', 'runs'))) return;
    for (const runId of runIds(dir)) rmSync(path.join(localBackupRoot(), runId), { recursive: true, force: true });
  });
  return dir;
}

function runIds(dir: string): string[] {
  return readdirSync(path.join(dir, '.ezplay', 'runs')).sort();
}

for (const h1Over of ['local', 'ssh'] as const) test(`rollback of a run refuses the files a later run changed on one host, names that run, undoes the other host, and exits non-zero (h1 over ${h1Over})`, async (t) => {
  const dir = twoHostProject(t, h1Over);
  const a = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts', '-e', 'who=A']);
  t.is(a.code, 0, a.stdout + a.stderr);
  const b = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts', '-e', 'who=B', '--limit', 'h1']);
  t.is(b.code, 0, b.stdout + b.stderr);
  const [runA, runB] = runIds(dir) as [string, string];
  t.is(read(dir, 'h1/new.conf'), 'B new\n');

  const undo = await ezplay(dir, ['rollback', runA]);
  t.is(undo.code, 2, undo.stdout + undo.stderr);
  t.regex(undo.stdout, /rollback: 2 undone, 2 refused, 0 failed/);
  t.regex(undo.stdout, new RegExp(`REFUSED to undo: \\[h1\\] new file \\(.*h1/new\\.conf on h1 is no longer as run ${runA} left it \\(its content differs\\): changed by run ${runB} \\(play\\.yml, task 'new file'\\)`));
  t.regex(undo.stdout, new RegExp(`REFUSED to undo: \\[h1\\] existing file \\(.*h1/old\\.conf on h1 is no longer as run ${runA} left it \\(its content differs\\): changed by run ${runB} \\(play\\.yml, task 'existing file'\\)`));
  // h1 keeps B's work whole; l1 is back as it was
  t.is(read(dir, 'h1/new.conf'), 'B new\n');
  t.is(read(dir, 'h1/old.conf'), 'original\nA line\nB line\n');
  t.false(exists(dir, 'l1/new.conf'));
  t.is(read(dir, 'l1/old.conf'), 'original\n');

  // --force undoes what it still can; a restore without its backup is a failure, not a success
  const forced = await ezplay(dir, ['rollback', runA, '--force']);
  t.is(forced.code, 2, forced.stdout + forced.stderr);
  t.regex(forced.stdout, /rollback: 1 undone, 0 refused, 1 failed/);
  t.false(exists(dir, 'h1/new.conf'), 'forced: the new file is removed');
  t.regex(forced.stdout, /FAILED to undo: \[h1\] existing file \(the undo did not put .*h1\/old\.conf back \(its content differs\): the backup it restores from is gone/);
});

test('a hand edit after a run is left in place at rollback and named as changed outside ezplay', async (t) => {
  const dir = twoHostProject(t);
  const a = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts', '-e', 'who=A', '--limit', 'h1']);
  t.is(a.code, 0, a.stdout + a.stderr);
  const [runA] = runIds(dir) as [string];
  writeFileSync(path.join(dir, 'h1/new.conf'), 'edited by hand\n');
  const undo = await ezplay(dir, ['rollback']);
  t.is(undo.code, 2, undo.stdout + undo.stderr);
  t.regex(undo.stdout, new RegExp(`h1/new\\.conf on h1 is no longer as run ${runA} left it \\(its content differs\\): changed outside ezplay since run ${runA}`));
  t.regex(undo.stdout, /rollback: 1 undone, 1 refused, 0 failed/);
  t.is(read(dir, 'h1/new.conf'), 'edited by hand\n');
  t.is(read(dir, 'h1/old.conf'), 'original\n', 'the other file is undone');
});

test('a restore whose backup is gone is reported as failed, and the rollback exits non-zero', async (t) => {
  const dir = twoHostProject(t);
  const a = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts', '-e', 'who=A', '--limit', 'h1']);
  t.is(a.code, 0, a.stdout + a.stderr);
  const [runA] = runIds(dir) as [string];
  const oldConf = path.join(dir, 'h1', 'old.conf');
  t.deepEqual(backedUpPaths(runA), [oldConf], "the run keeps old.conf's backup in its backup folder");
  // the slot still says a copy was taken, but the copy is gone
  rmSync(path.join(localBackupRoot(), backupSlot(runA, oldConf), 'data'));
  const undo = await ezplay(dir, ['rollback']);
  t.is(undo.code, 2, undo.stdout + undo.stderr);
  t.regex(undo.stdout, new RegExp(`FAILED to undo: \\[h1\\] existing file \\(restore .*h1/old\\.conf from the run's backups failed .*cannot restore .*h1/old\\.conf: its backup was taken but .*/${runA}/[0-9a-f]+/data is missing`));
  t.regex(undo.stdout, /rollback: 1 undone, 0 refused, 1 failed/);
  t.false(exists(dir, 'h1/new.conf'));
  t.is(read(dir, 'h1/old.conf'), 'original\nA line\n', 'old.conf is left as the run left it');
});

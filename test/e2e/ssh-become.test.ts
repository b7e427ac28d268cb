/**
 * `become` through sudo on the persistent shell, with real local users:
 * one whose sudo needs no password, one whose sudo needs it (credential
 * cached per shell), and one whose sudo never caches (password each time);
 * a file streamed to a command through sudo -n, and unarchive as each;
 * `ezplay run -K` and `ezplay rollback -K` as the user whose sudo needs it.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSsh, type SshConnection, type SshOptions } from '../../src/connection/ssh.js';
import type { ConnectionSpec, ExecResult } from '../../src/connection/types.js';
import { LocalConnection } from '../../src/connection/local.js';
import { applySteps } from '../../src/engine/apply-steps.js';
import { createHostContext } from '../../src/engine/host-context.js';
import { planUnarchive } from '../../src/modules/unarchive.js';
import { ezplay } from '../helpers/cli.js';
import { project } from '../helpers/run-local.js';
import { ensureUser, makeKey, removeUser, startSshd, type KeyPair, type Sshd } from '../helpers/sshd.js';

const NOPW = 'ezplay-sudo-nopw';
const PW = 'ezplay-sudo-pw';
const NOCACHE = 'ezplay-sudo-nocache';
const SECRET = 'S3cret-sudo-Pa55';

let dir: string;
let sshd: Sshd;
let key: KeyPair;
let knownHosts: string;

const options = (): SshOptions => ({ agentSocket: null, knownHostsFiles: [], sshConfigPath: join(dir, 'none') });
const spec = (user: string): ConnectionSpec => ({
  host: 'db1', transport: 'ssh', address: '127.0.0.1', port: sshd.port, user,
  privateKeyFile: key.file, knownHostsFile: knownHosts,
});

function assertNoSecret(t: { false: (v: boolean, m?: string) => void }, ...results: ExecResult[]): void {
  for (const r of results) t.false(JSON.stringify(r).includes(SECRET), 'the sudo password leaked into a result');
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ezplay-become-test-'));
  key = await makeKey(dir, 'ed25519');
  await ensureUser(NOPW, SECRET, 'nopasswd');
  await ensureUser(PW, SECRET, 'password');
  await ensureUser(NOCACHE, SECRET, 'password');
  // This user's sudo never remembers a password, like timestamp_timeout=0 sites.
  await writeFile(`/etc/sudoers.d/${NOCACHE}`, `Defaults:${NOCACHE} timestamp_timeout=0\n${NOCACHE} ALL=(ALL:ALL) ALL\n`, { mode: 0o440 });
  const lines = [key.publicLine];
  sshd = await startSshd({ authorizedKeys: { root: lines, [NOPW]: lines, [PW]: lines, [NOCACHE]: lines } });
  knownHosts = join(dir, 'known_hosts');
  await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
});

test.after.always(async () => {
  await sshd?.stop();
  for (const user of [NOPW, PW, NOCACHE]) await removeUser(user);
  await rm(dir, { recursive: true, force: true });
});

test.serial('become without a sudo password', async (t) => {
  const c = await openSsh(spec(NOPW), options());
  t.is((await c.exec('id -un', { become: {} })).stdout, 'root\n');
  t.is((await c.exec('id -un', { become: { user: 'nobody' } })).stdout, 'nobody\n');
  t.is((await c.exec('id -un')).stdout, `${NOPW}\n`);
  const withAll = await c.exec('pwd; echo "$X"; cat; exit 4', { become: {}, cwd: '/etc', env: { X: 'a b' }, stdin: 'in\n' });
  t.deepEqual([withAll.rc, withAll.stdout, withAll.stderr], [4, '/etc\na b\nin\n', '']);
  await c.close();
});

test.serial('become with a sudo password: validated once per shell, never shown', async (t) => {
  const c = await openSsh(spec(PW), options());
  const become = { password: SECRET };
  const results: ExecResult[] = [];
  for (let i = 0; i < 5; i++) results.push(await c.exec('id -un; echo "$SUDO_USER"', { become }));
  for (const r of results) t.deepEqual([r.rc, r.stdout, r.stderr], [0, `root\n${PW}\n`, '']);
  const started = performance.now();
  for (let i = 0; i < 20; i++) await c.exec('true', { become });
  t.log(`20 sudo commands after validation: ${(performance.now() - started).toFixed(0)} ms`);
  const parallel = await Promise.all(Array.from({ length: 8 }, () => c.exec('sleep 0.1; id -un', { become })));
  t.deepEqual(parallel.map((r) => r.stdout), Array(8).fill('root\n'));
  const piped = await c.exec('cat', { become, stdin: 'data through sudo\n' });
  t.is(piped.stdout, 'data through sudo\n');
  const echoing = await c.exec('printf %s "$P"; echo', { become: { password: SECRET }, env: { P: SECRET } });
  t.false(echoing.stdout.includes(SECRET));
  assertNoSecret(t, ...results, ...parallel, piped, echoing);
  await c.close();
});

test.serial('a sudo that never caches gets the password with every command', async (t) => {
  const c = await openSsh(spec(NOCACHE), options());
  const become = { password: SECRET };
  const first = await c.exec('id -un', { become });
  const second = await c.exec('cat', { become, stdin: 'stdin intact\n' });
  const third = await c.exec('id -un', { become, stdin: Buffer.alloc(0) });
  t.deepEqual([first.stdout, second.stdout, third.stdout], ['root\n', 'stdin intact\n', 'root\n']);
  t.is(second.stderr, '');
  assertNoSecret(t, first, second, third);
  await c.close();
});

test.serial('a wrong or missing sudo password is a failed result that says so and shows no password', async (t) => {
  const c = await openSsh(spec(PW), options());
  const wrong = await c.exec('id -un', { become: { password: 'not-it' } });
  t.not(wrong.rc, 0);
  t.regex(wrong.stderr, /sudo refused the become password/);
  t.false(JSON.stringify(wrong).includes('not-it'));
  const missing = await c.exec('id -un', { become: {} });
  t.is(missing.rc, 1);
  t.regex(missing.stderr, /password is required/);
  t.is((await c.exec('id -un')).stdout, `${PW}\n`, 'the shell survives');
  await c.close();
});

test.serial('as root, become root skips sudo', async (t) => {
  const c = await openSsh(spec('root'), options());
  const r = await c.exec('echo "sudo:$SUDO_USER"', { become: { user: 'root' } });
  t.is(r.stdout, 'sudo:\n');
  t.is((await c.exec('id -un', { become: { user: 'nobody' } })).stdout, 'nobody\n');
  await c.close();
});

test.serial('put through sudo writes root-owned files atomically, small and large', async (t) => {
  const c: SshConnection = await openSsh(spec(PW), options());
  const become = { password: SECRET };
  const small = join(dir, 'small.conf');
  await c.put(small, 'key: value\n', { become, mode: 0o600, owner: 'root', group: 'root' });
  t.is(await readFile(small, 'utf8'), 'key: value\n');
  t.is((await stat(small)).mode & 0o777, 0o600);
  const large = join(dir, 'large.bin');
  const bytes = Buffer.alloc(3 * 1024 * 1024 + 7, 0xab);
  await c.put(large, bytes, { become, mode: 0o755, owner: 'nobody' });
  const st = await stat(large);
  t.is(st.size, bytes.length);
  t.is(st.mode & 0o777, 0o755);
  t.is(st.uid, 65534);
  // Buffer.equals: ava's deepEqual takes seconds on megabytes
  t.true((await c.get(large, { become }))?.equals(bytes));
  const leftovers = await c.exec("ls -A /tmp | grep '^\\.ezplay-upload-' || true");
  t.is(leftovers.stdout, '', 'the staging file is gone');
  await c.close();
});

test.serial('stdinFile through sudo -n; refused with a become password, which sudo would read from the stream', async (t) => {
  const source = join(dir, 'streamed.tar');
  await writeFile(source, Buffer.alloc(2 * 1024 * 1024 + 3, 0x42));
  const nopw = await openSsh(spec(NOPW), options());
  const asRoot = await nopw.exec('id -un; wc -c', { become: {}, stdinFile: source, env: { X: '1' } });
  t.deepEqual([asRoot.rc, asRoot.stdout, asRoot.stderr], [0, `root\n${2 * 1024 * 1024 + 3}\n`, '']);
  const asNobody = await nopw.exec('id -un; head -c 2', { become: { user: 'nobody' }, stdinFile: source });
  t.deepEqual([asNobody.rc, asNobody.stdout], [0, 'nobody\nBB']);
  await nopw.close();

  const pw = await openSsh(spec(PW), options());
  await t.throwsAsync(pw.exec('cat >/dev/null', { become: { password: SECRET }, stdinFile: source }), {
    message: /through sudo with a password/,
  });
  const missing = await pw.exec('cat >/dev/null', { become: {}, stdinFile: source });
  t.is(missing.rc, 1);
  t.regex(missing.stderr, /password is required[\s\S]*give the become password/);
  t.notRegex(missing.stderr, /ezplay-sudo-ok/);
  await pw.close();
});

test.serial('unarchive as a sudo user: streamed through sudo -n without a password, uploaded first with one', async (t) => {
  const tree = join(dir, 'tree', 'rel');
  await mkdir(tree, { recursive: true });
  await writeFile(join(tree, 'etcd'), 'etcd v2\n', { mode: 0o755 });
  const archive = join(dir, 'rel.tgz');
  execFileSync('tar', ['czf', archive, '-C', join(dir, 'tree'), 'rel']);
  const dest = join(dir, 'root-bin');
  await mkdir(dest, { mode: 0o755 });
  await writeFile(join(dest, 'etcd'), 'etcd v1\n', { mode: 0o755 });
  const args = { src: archive, dest, remote_src: false, extra_opts: ['--strip-components=1'], include: [], exclude: [], mode: 0o750 };
  for (const [user, become] of [[NOPW, {}], [PW, { password: SECRET }]] as const) {
    const c = await openSsh(spec(user), options());
    const ctx = createHostContext({ host: 'db1', conn: c, vars: {}, runId: `run-${user}`, playbookDir: dir, become });
    const plan = await planUnarchive(ctx, args);
    t.deepEqual(plan.diff?.map((d) => d.subject), [join(dest, 'etcd')], user);
    t.is(plan.steps?.some((s) => s.kind === 'exec' && s.stdinFile !== undefined), user === NOPW, `${user}: streamed only without a password`);
    await applySteps(plan.steps ?? [], { host: c, controller: new LocalConnection('localhost'), become });
    t.is(await readFile(join(dest, 'etcd'), 'utf8'), 'etcd v2\n');
    t.deepEqual([(await stat(join(dest, 'etcd'))).uid, (await stat(join(dest, 'etcd'))).mode & 0o777], [0, 0o750]);
    // a new task reads the host again (a context caches what it read)
    const again = createHostContext({ host: 'db1', conn: c, vars: {}, runId: `run-${user}`, playbookDir: dir, become });
    t.false((await planUnarchive(again, args)).changed, `${user}: a second plan finds nothing to do`);
    await applySteps(plan.undo ?? [], { host: c, controller: new LocalConnection('localhost'), become });
    t.is(await readFile(join(dest, 'etcd'), 'utf8'), 'etcd v1\n', `${user}: undo restores the old file`);
    t.deepEqual(await readdir(dest), ['etcd']);
    await c.close();
  }
});

/** Every file under a folder, read as text: the run's journal and meta. */
async function allText(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) parts.push(await readFile(join(entry.parentPath, entry.name), 'utf8'));
  }
  return parts.join('\n');
}

/** A file only root may write, a project whose play changes it with become, and a way to read it back. */
async function sudoProject(name: string, inventoryLine: string) {
  const secure = join(dir, name);
  await mkdir(secure, { recursive: true });
  await chmod(secure, 0o700);
  await writeFile(join(secure, 'app.conf'), 'old\n', { mode: 0o600 });
  const play = (extra: string) => `- hosts: h1\n  gather_facts: no\n  become: yes\n  tasks:\n    - copy: dest=${secure}/app.conf content="new\\n" mode=0600\n${extra}`;
  const proj = project({ hosts: `h1 ansible_host=127.0.0.1 ansible_port=${sshd.port} ansible_ssh_known_hosts_file=${knownHosts} ${inventoryLine}\n`, 'site.yml': play(''), 'failing.yml': play('    - fail: msg=boom\n') });
  return { proj, secure, read: () => readFile(join(secure, 'app.conf'), 'utf8') };
}

const say = (r: { code: number; stdout: string; stderr: string }) => r.stdout + r.stderr;

test.serial('-K: a run, its own rollback and ezplay rollback reach the host through sudo with the password, which is written nowhere', async (t) => {
  // the user whose sudo never caches: each step and each undo needs the password itself
  const { proj, secure, read } = await sudoProject('root-only', `ansible_user=${NOCACHE} ansible_ssh_private_key_file=${key.file}`);

  // the run fails after its change: its own rollback needs the password too
  const failing = await ezplay(proj, ['run', 'failing.yml', '-i', 'hosts', '-K'], { input: `${SECRET}\n` });
  t.is(failing.code, 2, say(failing));
  t.regex(failing.stdout, /1 undone, 0 refused, 0 failed/, say(failing));
  t.is(await read(), 'old\n', 'the failed run is rolled back through sudo');

  const run = await ezplay(proj, ['run', 'site.yml', '-i', 'hosts', '-K'], { input: `${SECRET}\n` });
  t.is(run.code, 0, say(run));
  t.is(await read(), 'new\n');
  const without = await ezplay(proj, ['rollback']);
  t.is(without.code, 2, say(without));
  t.regex(without.stdout, /password is required/);
  t.is(await read(), 'new\n', 'no password, no undo');
  const undo = await ezplay(proj, ['rollback', '-K'], { input: `${SECRET}\n` });
  t.is(undo.code, 0, say(undo));
  t.regex(undo.stdout, /1 undone, 0 refused, 0 failed/);
  t.is(await read(), 'old\n', 'the finished run is undone through sudo');
  t.is((await stat(join(secure, 'app.conf'))).uid, 0);

  for (const r of [failing, run, without, undo]) t.false(say(r).includes(SECRET), 'the password is in no output');
  t.false((await allText(join(proj, '.ezplay'))).includes(SECRET), 'the password is in no journal');
  await rm(proj, { recursive: true, force: true });
});

test.serial('-k: ezplay rollback logs in with the SSH password asked for, as the run did', async (t) => {
  // no key for this host: only the password logs in
  const { proj, read } = await sudoProject('root-only-k', `ansible_user=${NOPW}`);
  const run = await ezplay(proj, ['run', 'site.yml', '-i', 'hosts', '-k'], { input: `${SECRET}\n` });
  t.is(run.code, 0, say(run));
  t.is(await read(), 'new\n');
  const without = await ezplay(proj, ['rollback']);
  t.is(without.code, 2, say(without));
  t.regex(without.stdout, /authentication failed/);
  t.is(await read(), 'new\n', 'not logged in, nothing undone');
  const undo = await ezplay(proj, ['rollback', '-k'], { input: `${SECRET}\n` });
  t.is(undo.code, 0, say(undo));
  t.regex(undo.stdout, /1 undone, 0 refused, 0 failed/);
  t.is(await read(), 'old\n');
  for (const r of [run, without, undo]) t.false(say(r).includes(SECRET), 'the password is in no output');
  t.false((await allText(join(proj, '.ezplay'))).includes(SECRET), 'the password is in no journal');
  await rm(proj, { recursive: true, force: true });
});

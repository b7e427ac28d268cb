/**
 * put/get over a real sshd: atomic replacement, the sha256 skip, modes kept
 * or set, odd file names, large SFTP uploads, and a connection killed in the
 * middle of an upload leaving the old file whole; a controller file streamed
 * into a command, and a connection killed while an archive streams into
 * unarchive's tar leaving dest as it was.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionError } from '../../src/errors.js';
import { openSsh, type SshConnection } from '../../src/connection/ssh.js';
import { LocalConnection } from '../../src/connection/local.js';
import { applySteps } from '../../src/engine/apply-steps.js';
import { createHostContext } from '../../src/engine/host-context.js';
import { planUnarchive } from '../../src/modules/unarchive.js';
import { makeKey, startSshd, type KeyPair, type Sshd } from '../helpers/sshd.js';

let dir: string;
let sshd: Sshd;
let key: KeyPair;
let knownHosts: string;

async function connect(): Promise<SshConnection> {
  return openSsh(
    { host: 'etcd1', transport: 'ssh', address: '127.0.0.1', port: sshd.port, user: 'root', privateKeyFile: key.file, knownHostsFile: knownHosts },
    { agentSocket: null, knownHostsFiles: [], sshConfigPath: join(dir, 'none') },
  );
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ezplay-files-test-'));
  key = await makeKey(dir, 'ed25519');
  sshd = await startSshd({ authorizedKeys: { root: [key.publicLine] } });
  knownHosts = join(dir, 'known_hosts');
  await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
});

test.after.always(async () => {
  await sshd?.stop();
  await rm(dir, { recursive: true, force: true });
});

test.serial('put writes, skips identical content, replaces atomically, and keeps or sets the mode', async (t) => {
  const c = await connect();
  const file = join(dir, 'etcd.conf');
  await c.put(file, 'name: one\n');
  t.is(await readFile(file, 'utf8'), 'name: one\n');
  t.is((await stat(file)).mode & 0o777, 0o644, 'a new file without a mode is 0644');

  const before = await stat(file);
  await c.put(file, 'name: one\n');
  t.is((await stat(file)).ino, before.ino, 'identical content is not uploaded again');

  await chmod(file, 0o600);
  await c.put(file, 'name: two\n');
  const replaced = await stat(file);
  t.not(replaced.ino, before.ino, 'new content arrives by rename');
  t.is(replaced.mode & 0o777, 0o600, 'the existing mode is kept');

  await c.put(file, 'name: two\n', { mode: 0o640, owner: 'nobody', group: 'nogroup' });
  const fixed = await stat(file);
  t.is(fixed.ino, replaced.ino, 'same content: mode and owner fixed in place');
  t.is(fixed.mode & 0o777, 0o640);
  t.is(fixed.uid, 65534);

  t.deepEqual((await readdir(dir)).filter((n) => n.includes('.ezplay-')), [], 'no temporary files left');
  await c.close();
});

test.serial('get returns bytes or null; a directory is an error', async (t) => {
  const c = await connect();
  const bytes = Buffer.from([0, 255, 10, 13, 0x80]);
  await writeFile(join(dir, 'bin'), bytes);
  t.true((await c.get(join(dir, 'bin')))?.equals(bytes));
  t.is(await c.get(join(dir, 'missing')), null);
  await t.throwsAsync(c.get(dir), { instanceOf: ConnectionError, message: /cannot read/ });
  await c.close();
});

test.serial('hostile file names are data', async (t) => {
  const c = await connect();
  // A file name cannot hold '/', so the payload creates a file in the remote shell's folder.
  const traps = ['/root/pwned-by-ezplay', join(dir, 'pwned-by-ezplay')];
  for (const trap of traps) await rm(trap, { force: true });
  const name = join(dir, "a 'b' $(touch pwned-by-ezplay); `touch pwned-by-ezplay` x; touch pwned-by-ezplay");
  await c.put(name, 'odd\n', { mode: 0o600 });
  t.is(await readFile(name, 'utf8'), 'odd\n');
  t.is((await c.get(name))?.toString(), 'odd\n');
  for (const trap of traps) t.false(existsSync(trap));
  await c.close();
});

test.serial('a large upload streams over SFTP', async (t) => {
  const c = await connect();
  const big = Buffer.alloc(24 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4096) big.writeUInt32BE(i, i);
  const file = join(dir, 'etcd-binary');
  const started = performance.now();
  await c.put(file, big, { mode: 0o755 });
  t.log(`24 MiB upload: ${(performance.now() - started).toFixed(0)} ms`);
  t.is(sha(await readFile(file)), sha(big));
  t.is((await stat(file)).mode & 0o777, 0o755);
  const again = performance.now();
  await c.put(file, big, { mode: 0o755 });
  t.log(`same 24 MiB again (sha256 probe only): ${(performance.now() - again).toFixed(0)} ms`);
  await c.close();
});

test.serial('a connection killed in the middle of an upload leaves the old file whole', async (t) => {
  const c = await connect();
  const file = join(dir, 'member.key');
  const old = Buffer.from('the old, whole content\n');
  await writeFile(file, old);
  const big = Buffer.alloc(128 * 1024 * 1024, 0x5a);
  // the connection's processes, found before the upload: looking them up after takes
  // long enough on a quiet machine for the whole upload to finish first
  await c.exec('true');
  const pids = await sshd.connectionPids();
  t.true(pids.length > 0);
  const upload = c.put(file, big);
  upload.catch(() => undefined);
  // Wait until the temporary file beside the destination is filling up.
  let seen = 0;
  for (let i = 0; i < 2000 && seen < 1024 * 1024; i++) {
    const tmp = (await readdir(dir)).find((n) => n.startsWith('.member.key.ezplay-'));
    if (tmp) seen = (await stat(join(dir, tmp)).catch(() => ({ size: 0 }))).size;
    if (seen < 1024 * 1024) await new Promise((r) => setTimeout(r, 2));
  }
  t.true(seen >= 1024 * 1024, 'the upload was under way');
  // the listener's children serve the connection: those known before the upload go at once (a
  // lookup first can outlast the rest of the upload on a busy machine), then any started since (sftp)
  const kill = (list: number[]) => {
    for (const pid of list) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone already */ }
    }
  };
  kill(pids);
  kill(await sshd.connectionPids());
  const error = await t.throwsAsync(upload, { instanceOf: ConnectionError });
  t.log(`after ${(seen / 1048576).toFixed(1)} MiB: ${error?.message}`);
  t.true(error?.unreachable);
  t.true((await readFile(file)).equals(old), 'the destination still holds the old content');
  await c.close();
});

test.serial('stdinFile streams a controller file into a command on its own channel', async (t) => {
  const c = await connect();
  const big = Buffer.alloc(24 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4096) big.writeUInt32BE(i, i);
  const source = join(dir, 'stream-source');
  await writeFile(source, big);
  const started = performance.now();
  const hashed = await c.exec('sha256sum | cut -c1-64; pwd; echo "$WHO"', { stdinFile: source, cwd: '/tmp', env: { WHO: "it's me" } });
  t.log(`24 MiB through an exec channel: ${(performance.now() - started).toFixed(0)} ms`);
  t.deepEqual([hashed.rc, hashed.stdout, hashed.stderr], [0, `${sha(big)}\n/tmp\nit's me\n`, '']);

  // A command that stops reading early is a result, not a hang.
  const early = await c.exec('head -c 4 | od -An -tx1; exit 3', { stdinFile: source });
  t.deepEqual([early.rc, early.stdout.trim()], [3, '00 00 00 00']);
  await t.throwsAsync(c.exec('cat', { stdinFile: join(dir, 'no-such-file') }), { message: /cannot stream .*no-such-file to etcd1: ENOENT/ });
  t.is((await c.exec('echo still here')).stdout, 'still here\n', 'the persistent shells are untouched');
  await c.close();
});

test.serial('a connection killed while an archive streams into unarchive leaves dest as it was', async (t) => {
  // An uncompressed archive with a large member, so the stream is still going when the connection dies.
  const tree = join(dir, 'tree', 'rel');
  await mkdir(tree, { recursive: true });
  await writeFile(join(tree, 'etcd'), Buffer.alloc(128 * 1024 * 1024, 0x61));
  const archive = join(dir, 'rel.tar');
  execFileSync('tar', ['cf', archive, '-C', join(dir, 'tree'), 'rel']);
  await rm(join(dir, 'tree'), { recursive: true });
  const dest = join(dir, 'unarchive-dest');
  await mkdir(dest);
  const old = Buffer.from('the old etcd\n');
  await writeFile(join(dest, 'etcd'), old, { mode: 0o755 });

  const c = await connect();
  const ctx = createHostContext({ host: 'etcd1', conn: c, vars: {}, runId: 'run-stream', playbookDir: dir });
  const plan = await planUnarchive(ctx, {
    src: archive, dest, remote_src: false, extra_opts: ['--strip-components=1'], include: [], exclude: [],
  });
  t.true(plan.changed);
  const applying = applySteps(plan.steps ?? [], { host: c, controller: new LocalConnection('localhost') });
  applying.catch(() => undefined);
  // Once tar is writing into the scratch folder it is stopped, so the stream cannot finish before the
  // connection drops however slow this machine is; it resumes after the drop and finds its input cut.
  const commOf = (pid: number) => readFile(`/proc/${pid}/comm`, 'utf8').then((c) => c.trim(), () => '');
  let seen = 0;
  let tarPid = 0;
  for (let i = 0; i < 2000 && !tarPid; i++) {
    const scratch = (await readdir(dest)).find((n) => n.startsWith('.ezplay-unarchive-'));
    if (scratch) seen = (await stat(join(dest, scratch, 'etcd')).catch(() => ({ size: 0 }))).size;
    if (seen >= 1024 * 1024) {
      for (const pid of await sshd.connectionPids()) {
        if ((await commOf(pid)) === 'tar') { process.kill(pid, 'SIGSTOP'); tarPid = pid; break; }
      }
    }
    if (!tarPid) await new Promise((r) => setTimeout(r, 2));
  }
  t.true(tarPid > 0 && seen >= 1024 * 1024, 'tar was writing into the scratch folder');
  // The connection drops (sshd's processes die); the shell and tar on the host live on.
  const sshdPids: number[] = [];
  for (const pid of await sshd.connectionPids()) {
    if ((await commOf(pid)).startsWith('sshd')) sshdPids.push(pid);
  }
  t.true(sshdPids.length > 0);
  for (const pid of sshdPids) process.kill(pid, 'SIGKILL');
  process.kill(tarPid, 'SIGCONT');
  const error = await t.throwsAsync(applying, { instanceOf: ConnectionError });
  t.log(`after ${(seen / 1048576).toFixed(0)} MiB: ${error?.message}`);
  t.true(error?.unreachable);
  t.regex(error?.message ?? '', /etcd1.*rel\.tar/);
  t.true((await readFile(join(dest, 'etcd'))).equals(old), 'dest still holds the old file');
  // The host's end sees its input cut, tar fails, and the EXIT trap removes the scratch folder.
  let left = await readdir(dest);
  for (let i = 0; i < 200 && left.length > 1; i++) {
    await new Promise((r) => setTimeout(r, 20));
    left = await readdir(dest);
  }
  t.deepEqual(left, ['etcd']);

  // Killed outright, no trap runs: the next extraction sweeps the scratch folder of a shell that is gone.
  const orphan = join(dest, '.ezplay-unarchive-999999999-AbCdEf');
  await mkdir(orphan);
  await writeFile(join(orphan, 'etcd'), 'half');
  const again = await connect();
  const ctx2 = createHostContext({ host: 'etcd1', conn: again, vars: {}, runId: 'run-stream-2', playbookDir: dir });
  const small = join(dir, 'small.tar');
  await mkdir(join(dir, 'tree', 'rel'), { recursive: true });
  await writeFile(join(dir, 'tree', 'rel', 'etcd'), 'the new etcd\n');
  execFileSync('tar', ['cf', small, '-C', join(dir, 'tree'), 'rel']);
  const plan2 = await planUnarchive(ctx2, { src: small, dest, remote_src: false, extra_opts: ['--strip-components=1'], include: [], exclude: [] });
  await applySteps(plan2.steps ?? [], { host: again, controller: new LocalConnection('localhost') });
  t.deepEqual(await readdir(dest), ['etcd']);
  t.is(await readFile(join(dest, 'etcd'), 'utf8'), 'the new etcd\n');
  await again.close();
  await c.close();
  await rm(archive);
});

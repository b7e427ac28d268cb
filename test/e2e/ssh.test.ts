/**
 * The ssh connection against a real OpenSSH server on 127.0.0.1: host keys,
 * every way to log in, the persistent shell's speed and its handling of
 * hostile values, timeouts and lost connections.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionError } from '../../src/errors.js';
import { sh } from '../../src/shell/quote.js';
import { openSsh, type SshOptions } from '../../src/connection/ssh.js';
import type { ConnectionSpec } from '../../src/connection/types.js';
import { createServer } from 'node:net';
import { ensureUser, freePort, makeKey, removeUser, run, startSshd, type KeyPair, type Sshd } from '../helpers/sshd.js';

const USER = 'ezplay-ssh-pw';
const PASSWORD = 'Corr3ct-h0rse-pw';

let dir: string;
let sshd: Sshd;
let keys: Record<'ed25519' | 'ecdsa' | 'rsa' | 'encrypted', KeyPair>;
let knownHosts: string;
let hostFingerprint: string;

/** Isolated from the real ~/.ssh: no user config, no agent, only our known_hosts. */
function options(extra: SshOptions = {}): SshOptions {
  return { agentSocket: null, knownHostsFiles: [], sshConfigPath: join(dir, 'no-config'), ...extra };
}

function spec(extra: Partial<ConnectionSpec> = {}): ConnectionSpec {
  return {
    host: 'web1', transport: 'ssh', address: '127.0.0.1', port: sshd.port, user: 'root',
    privateKeyFile: keys.ed25519.file, knownHostsFile: knownHosts, ...extra,
  };
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ezplay-ssh-test-'));
  keys = {
    ed25519: await makeKey(dir, 'ed25519'),
    ecdsa: await makeKey(dir, 'ecdsa'),
    rsa: await makeKey(dir, 'rsa'),
    encrypted: await makeKey(dir, 'ed25519', 'open sesame'),
  };
  await ensureUser(USER, PASSWORD, 'nopasswd');
  sshd = await startSshd({ authorizedKeys: { root: Object.values(keys).map((k) => k.publicLine) } });
  knownHosts = join(dir, 'known_hosts');
  await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(sshd.dir, 'ssh_host_ed25519_key.pub')]);
  hostFingerprint = stdout.split(' ')[1] as string;
});

test.after.always(async () => {
  await sshd?.stop();
  await removeUser(USER);
  await rm(dir, { recursive: true, force: true });
});

test.serial('connect and the first command: timed and printed', async (t) => {
  const started = performance.now();
  const c = await openSsh(spec(), options());
  const connected = performance.now();
  const result = await c.exec('echo out; echo err >&2; exit 3');
  const done = performance.now();
  t.log(`connect ${(connected - started).toFixed(1)} ms, first command ${(done - connected).toFixed(1)} ms`);
  t.deepEqual({ rc: result.rc, stdout: result.stdout, stderr: result.stderr }, { rc: 3, stdout: 'out\n', stderr: 'err\n' });
  t.is(c.transport, 'ssh');
  await c.close();
});

test.serial('100 sequential commands on one connection', async (t) => {
  const c = await openSsh(spec(), options());
  const started = performance.now();
  for (let i = 0; i < 100; i++) {
    const r = await c.exec(sh`echo ${i}`);
    if (r.stdout !== `${i}\n`) t.fail(`command ${i} returned ${JSON.stringify(r.stdout)}`);
  }
  const elapsed = performance.now() - started;
  t.log(`100 sequential commands: ${elapsed.toFixed(1)} ms`);
  t.true(elapsed < 3000, `took ${elapsed} ms`);
  await c.close();
});

test.serial('an unknown host key is refused by default, with its fingerprint and how to accept it', async (t) => {
  const empty = join(dir, 'empty_known_hosts');
  const error = await t.throwsAsync(openSsh(spec({ knownHostsFile: empty }), options()), { instanceOf: ConnectionError });
  t.true(error?.unreachable);
  t.true(error?.message.includes(hostFingerprint), error?.message);
  t.true(error?.message.includes('--accept-new-host-keys'));
  t.true(error?.message.includes(`ssh-keyscan -p ${sshd.port} 127.0.0.1 >> ~/.ssh/known_hosts`));
  t.false(existsSync(empty));
});

test.serial('acceptNewHostKeys records an unknown key, which is then known', async (t) => {
  const file = join(dir, 'accept_known_hosts');
  const c = await openSsh(spec({ knownHostsFile: file }), options({ acceptNewHostKeys: true }));
  t.is((await c.exec('echo ok')).stdout, 'ok\n');
  await c.close();
  t.is((await readFile(file, 'utf8')).trim(), sshd.knownHostsLine);
  const again = await openSsh(spec({ knownHostsFile: file }), options());
  t.is((await again.exec('echo again')).stdout, 'again\n');
  await again.close();
});

test.serial('StrictHostKeyChecking=no in ssh common args accepts and records a new key', async (t) => {
  const file = join(dir, 'strict_no_known_hosts');
  const c = await openSsh(spec({ knownHostsFile: file, sshCommonArgs: '-o StrictHostKeyChecking=no' }), options());
  await c.close();
  t.true((await readFile(file, 'utf8')).includes(sshd.hostKey));
});

test.serial('a changed host key is refused even with acceptNewHostKeys, naming both keys and the line', async (t) => {
  const impostor = join(dir, 'impostor_host_key');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', impostor]);
  const impostorKey = (await readFile(`${impostor}.pub`, 'utf8')).split(' ').slice(0, 2).join(' ');
  const file = join(dir, 'changed_known_hosts');
  await writeFile(file, `# comment\n[127.0.0.1]:${sshd.port} ${impostorKey}\n`);
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${impostor}.pub`]);
  const recordedFp = stdout.split(' ')[1] as string;
  for (const opts of [options(), options({ acceptNewHostKeys: true })]) {
    const error = await t.throwsAsync(openSsh(spec({ knownHostsFile: file, hostKeyChecking: false }), opts), { instanceOf: ConnectionError });
    t.true(error?.message.includes('REMOTE HOST IDENTIFICATION HAS CHANGED'), error?.message);
    t.true(error?.message.includes(recordedFp));
    t.true(error?.message.includes(hostFingerprint));
    t.true(error?.message.includes(`${file}:2`));
  }
  t.is((await readFile(file, 'utf8')).split('\n').length, 3, 'nothing was appended');
});

test.serial('hashed known_hosts entries are honoured', async (t) => {
  const file = join(dir, 'hashed_known_hosts');
  await writeFile(file, `${sshd.knownHostsLine}\n`);
  await run('ssh-keygen', ['-H', '-f', file]);
  t.true((await readFile(file, 'utf8')).startsWith('|1|'));
  const c = await openSsh(spec({ knownHostsFile: file }), options());
  t.is((await c.exec('echo hashed')).stdout, 'hashed\n');
  await c.close();
});

test.serial('a @revoked host key is refused', async (t) => {
  const file = join(dir, 'revoked_known_hosts');
  await writeFile(file, `${sshd.knownHostsLine}\n@revoked * ${sshd.hostKey}\n`);
  const error = await t.throwsAsync(openSsh(spec({ knownHostsFile: file }), options({ acceptNewHostKeys: true })));
  t.regex(error?.message ?? '', /revoked/);
});

for (const type of ['ed25519', 'ecdsa', 'rsa'] as const) {
  test.serial(`logs in with an ${type} key`, async (t) => {
    const c = await openSsh(spec({ privateKeyFile: keys[type].file }), options());
    t.is((await c.exec('id -un')).stdout, 'root\n');
    await c.close();
  });
}

test.serial('an encrypted key opens with its passphrase from the option, the environment or the prompt', async (t) => {
  const s = spec({ privateKeyFile: keys.encrypted.file });
  const viaOption = await openSsh(s, options({ passphrase: 'open sesame' }));
  t.is((await viaOption.exec('id -un')).stdout, 'root\n');
  await viaOption.close();

  process.env.EZPLAY_SSH_PASSPHRASE = 'open sesame';
  try {
    const viaEnv = await openSsh(s, options());
    await viaEnv.close();
  } finally {
    delete process.env.EZPLAY_SSH_PASSPHRASE;
  }

  const asked: string[] = [];
  const viaPrompt = await openSsh(s, options({ askPassphrase: async (file) => { asked.push(file); return 'open sesame'; } }));
  await viaPrompt.close();
  t.deepEqual(asked, [keys.encrypted.file]);

  const wrong = await t.throwsAsync(openSsh(s, options({ passphrase: 'wrong' })), { instanceOf: ConnectionError });
  t.regex(wrong?.message ?? '', /cannot decrypt private key .*wrong passphrase/);
  const none = await t.throwsAsync(openSsh(s, options()), { instanceOf: ConnectionError });
  t.regex(none?.message ?? '', /is encrypted/);
});

test.serial('logs in through ssh-agent', async (t) => {
  const socket = join(dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20));
    await run('ssh-add', [keys.ecdsa.file], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
    const c = await openSsh(spec({ privateKeyFile: undefined }), options({ agentSocket: socket }));
    t.is((await c.exec('id -un')).stdout, 'root\n');
    await c.close();
  } finally {
    agent.kill('SIGTERM');
  }
});

test.serial('logs in with a password, from the inventory or the prompt; a wrong one names what was tried', async (t) => {
  const s = spec({ user: USER, privateKeyFile: undefined });
  const c = await openSsh({ ...s, password: PASSWORD }, options());
  t.is((await c.exec('id -un')).stdout, `${USER}\n`);
  await c.close();
  const prompted = await openSsh(s, options({ askPassword: async () => PASSWORD }));
  await prompted.close();
  const error = await t.throwsAsync(openSsh({ ...s, password: 'nope' }, options()), { instanceOf: ConnectionError });
  t.true(error?.unreachable);
  t.regex(error?.message ?? '', /authentication failed for ezplay-ssh-pw@127\.0\.0\.1:\d+ \(tried: password/);
  t.false(error?.message.includes('nope'));
});

test.serial('a closed port is reported as refused', async (t) => {
  const error = await t.throwsAsync(openSsh(spec({ port: 1 }), options()), { instanceOf: ConnectionError });
  t.true(error?.unreachable);
  t.regex(error?.message ?? '', /connection refused by 127\.0\.0\.1:1/);
});

test.serial('a server that never answers times out at connect', async (t) => {
  const port = await freePort();
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(port, '127.0.0.1', resolve));
  try {
    const started = Date.now();
    const error = await t.throwsAsync(openSsh(spec({ port, connectTimeoutMs: 500 }), options()), { instanceOf: ConnectionError });
    t.true(error?.unreachable);
    t.regex(error?.message ?? '', /timed out after 0\.5 s waiting for the ssh handshake/);
    t.true(Date.now() - started < 3000);
  } finally {
    silent.close();
  }
});

test.serial('UserKnownHostsFile=/dev/null with StrictHostKeyChecking=no connects and records nothing', async (t) => {
  const userFile = join(homedir(), '.ssh', 'known_hosts');
  const before = await readFile(userFile, 'utf8').catch(() => 'absent');
  const c = await openSsh(
    spec({ knownHostsFile: undefined, sshCommonArgs: '-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no' }),
    options(),
  );
  t.is((await c.exec('echo ok')).stdout, 'ok\n');
  await c.close();
  t.is(await readFile(userFile, 'utf8').catch(() => 'absent'), before);
});

test.serial('~/.ssh/config gives HostName, Port, User and IdentityFile', async (t) => {
  const config = join(dir, 'ssh_config');
  await writeFile(config, `Host db-*\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  IdentityFile ${keys.rsa.file}\n`);
  const c = await openSsh({ host: 'db', transport: 'ssh', address: 'db-1', knownHostsFile: knownHosts }, options({ sshConfigPath: config }));
  t.is((await c.exec('id -un')).stdout, 'root\n');
  await c.close();
});

test.serial('hostile values reach the host as literal data', async (t) => {
  const marker = '/tmp/pwned';
  await rm(marker, { force: true });
  const c = await openSsh(spec(), options());
  const hostile = ['x; touch /tmp/pwned', '$(touch /tmp/pwned)', '`touch /tmp/pwned`', "it's \"quoted\" \\ $HOME"];
  for (const value of hostile) {
    t.is((await c.exec(sh`printf '%s' ${value}`)).stdout, value);
    t.is((await c.exec('printf %s "$V"', { env: { V: value } })).stdout, value);
  }
  const odd = join(dir, "dir with 'quote' $(touch /tmp/pwned)");
  await run('mkdir', ['-p', odd]);
  t.is((await c.exec('pwd', { cwd: odd })).stdout, `${odd}\n`);
  t.is((await c.exec('if then fi')).rc, 2, 'a syntax error fails the command only');
  t.is((await c.exec('exit 7')).rc, 7);
  t.is((await c.exec('cd /; echo still')).stdout, 'still\n');
  t.is((await c.exec('pwd')).stdout, '/root\n', 'cd does not leak into the next command');
  t.false(existsSync(marker));
  await c.close();
});

test.serial('stdin is binary-safe and never the shell itself; many lines come back fast', async (t) => {
  const c = await openSsh(spec(), options());
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const echoed = await c.exec('od -An -v -tx1 | tr -d " \\n"', { stdin: bytes });
  t.is(echoed.stdout, bytes.toString('hex'));
  t.is((await c.exec('cat', { stdin: 'no newline' })).stdout, 'no newline');
  t.is((await c.exec('cat; echo end')).stdout, 'end\n', 'without stdin a command reads nothing');
  t.is((await c.exec('printf "%s\\n" "EZPLAY_IN_fake" "exit 1"', { stdin: 'EZPLAY_IN_x\n' })).rc, 0);
  const started = performance.now();
  const many = await c.exec('seq 1 200000');
  t.log(`200000 lines in ${(performance.now() - started).toFixed(1)} ms`);
  t.is(many.stdout.split('\n').length, 200001);
  await c.close();
});

test.serial('a command past its timeout fails clearly and the connection lives on', async (t) => {
  const c = await openSsh(spec(), options());
  const started = Date.now();
  const error = await t.throwsAsync(c.exec('sleep 29.7', { timeoutMs: 300 }), { instanceOf: ConnectionError });
  t.regex(error?.message ?? '', /timed out after 300 ms on web1: sleep 29\.7/);
  t.false(error?.unreachable);
  t.true(Date.now() - started < 5000);
  t.is((await c.exec('echo alive')).stdout, 'alive\n');
  await new Promise((r) => setTimeout(r, 200));
  t.is((await c.exec('pgrep -x -f "sleep 29.7" || echo none')).stdout, 'none\n', 'the timed-out command was killed');
  await c.close();
});

test.serial('commands overlap on a pool of shells', async (t) => {
  const c = await openSsh(spec(), options({ maxShells: 4 }));
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => c.exec(sh`sleep 0.2; echo ${i}`)));
  t.deepEqual(results.map((r) => r.stdout), Array.from({ length: 12 }, (_, i) => `${i}\n`));
  const started = performance.now();
  await Promise.all(Array.from({ length: 8 }, () => c.exec('sleep 0.3')));
  const elapsed = performance.now() - started;
  t.log(`8 x sleep 0.3 on 4 warm shells: ${elapsed.toFixed(0)} ms`);
  t.true(elapsed < 1500);
  await c.close();
});

test.serial('a connection lost mid-command throws ConnectionError', async (t) => {
  const c = await openSsh(spec(), options());
  const pending = c.exec('sleep 20');
  await new Promise((r) => setTimeout(r, 200));
  for (const pid of await sshd.connectionPids()) process.kill(pid, 'SIGKILL');
  const error = await t.throwsAsync(pending, { instanceOf: ConnectionError });
  t.true(error?.unreachable);
  t.regex(error?.message ?? '', /connection to web1 lost while running sleep 20/);
  const after = await t.throwsAsync(c.exec('true'), { instanceOf: ConnectionError });
  t.regex(after?.message ?? '', /was lost/);
  await c.close();
});

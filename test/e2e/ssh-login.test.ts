/**
 * Every way to log in (ed25519, ECDSA and RSA keys, an encrypted key, the
 * agent, a password) and every way connecting fails, against a real sshd.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ConnectionError } from '../../src/errors.js';
import { openSsh, type SshOptions } from '../../src/connection/ssh.js';
import type { ConnectionSpec } from '../../src/connection/types.js';
import { ensureUser, freePort, removeUser, run, sshFixture, type KeyPair, type Sshd, type SshFixture } from '../helpers/sshd.js';

const USER = 'ezplay-ssh-pw';
const PASSWORD = 'Corr3ct-h0rse-pw';

let dir: string;
let sshd: Sshd;
let keys: Record<'ed25519' | 'ecdsa' | 'rsa' | 'encrypted', KeyPair>;
let knownHosts: string;
let fixture: SshFixture<'ed25519' | 'ecdsa' | 'rsa' | 'encrypted'> | undefined;
const options = (extra?: SshOptions): SshOptions => fixture!.options(extra);
const spec = (extra?: Partial<ConnectionSpec>): ConnectionSpec => fixture!.spec(extra);

test.before(async () => {
  fixture = await sshFixture({
    ed25519: { type: 'ed25519' },
    ecdsa: { type: 'ecdsa' },
    rsa: { type: 'rsa' },
    encrypted: { type: 'ed25519', passphrase: 'open sesame' },
  });
  ({ dir, sshd, keys, knownHosts } = fixture);
  await ensureUser(USER, PASSWORD, 'nopasswd');
});

test.after.always(async () => {
  await fixture?.close();
  await removeUser(USER);
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

test.serial('~/.ssh/config gives HostName, Port, User and IdentityFile', async (t) => {
  const config = join(dir, 'ssh_config');
  await writeFile(config, `Host db-*\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  IdentityFile ${keys.rsa.file}\n`);
  const c = await openSsh({ host: 'db', transport: 'ssh', address: 'db-1', knownHostsFile: knownHosts }, options({ sshConfigPath: config }));
  t.is((await c.exec('id -un')).stdout, 'root\n');
  await c.close();
});

/**
 * Host key checking against a real sshd: unknown keys refused or recorded,
 * changed and revoked keys always refused, hashed entries honoured.
 */
import test from 'ava';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConnectionError } from '../../src/errors.js';
import { openSsh, type SshOptions } from '../../src/connection/ssh.js';
import type { ConnectionSpec } from '../../src/connection/types.js';
import { run, sshFixture, startSshd, type Sshd, type SshFixture } from '../helpers/sshd.js';

let dir: string;
let sshd: Sshd;
let hostFingerprint: string;
let fixture: SshFixture<'ed25519'> | undefined;
const options = (extra?: SshOptions): SshOptions => fixture!.options(extra);
const spec = (extra?: Partial<ConnectionSpec>): ConnectionSpec => fixture!.spec(extra);

test.before(async () => {
  fixture = await sshFixture({ ed25519: { type: 'ed25519' } });
  ({ dir, sshd } = fixture);
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(sshd.dir, 'ssh_host_ed25519_key.pub')]);
  hostFingerprint = stdout.split(' ')[1] as string;
});

test.after.always(async () => {
  await fixture?.close();
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

test.serial('a host whose recorded key is of another type is changed, not new: refused with both fingerprints and no advice to accept', async (t) => {
  const rsaServer = await startSshd({ hostKeyType: 'rsa', authorizedKeys: { root: [fixture!.keys.ed25519.publicLine] } });
  try {
    const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(rsaServer.dir, 'ssh_host_rsa_key.pub')]);
    const offeredFp = stdout.split(' ')[1] as string;
    const file = join(dir, 'other_type_known_hosts');
    // the ed25519 key this host had before, recorded under the rsa server's name
    await writeFile(file, `[127.0.0.1]:${rsaServer.port} ${sshd.hostKey}\n`);
    for (const opts of [options(), options({ acceptNewHostKeys: true })]) {
      const error = await t.throwsAsync(openSsh(spec({ port: rsaServer.port, knownHostsFile: file }), opts), { instanceOf: ConnectionError });
      t.true(error?.unreachable);
      t.true(error?.message.includes('REMOTE HOST IDENTIFICATION HAS CHANGED'), error?.message);
      t.true(error?.message.includes(hostFingerprint), 'the recorded key');
      t.true(error?.message.includes(offeredFp), 'the offered key');
      t.false(error?.message.includes('--accept-new-host-keys'), error?.message);
    }
    t.is(await readFile(file, 'utf8'), `[127.0.0.1]:${rsaServer.port} ${sshd.hostKey}\n`, 'nothing was recorded');
  } finally {
    await rsaServer.stop();
  }
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

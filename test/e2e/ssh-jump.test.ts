/**
 * Jump hosts: a second sshd as the bastion, reached from ssh common args
 * (`-o ProxyJump=`, `-J`) or from ~/.ssh/config, with host keys checked on
 * both hops. Everything stays on 127.0.0.1.
 */
import test from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionError } from '../../src/errors.js';
import { openSsh, type SshConnection, type SshOptions } from '../../src/connection/ssh.js';
import type { ConnectionSpec } from '../../src/connection/types.js';
import { makeKey, run, startSshd, type KeyPair, type Sshd } from '../helpers/sshd.js';

let dir: string;
let bastion: Sshd;
let target: Sshd;
let key: KeyPair;
let knownHosts: string;

const options = (extra: SshOptions = {}): SshOptions => ({
  agentSocket: null, knownHostsFiles: [], sshConfigPath: join(dir, 'none'), ...extra,
});
const spec = (extra: Partial<ConnectionSpec>): ConnectionSpec => ({
  host: 'etcd2', transport: 'ssh', address: '127.0.0.1', port: target.port, user: 'root',
  privateKeyFile: key.file, knownHostsFile: knownHosts, ...extra,
});

/** The process holding the TCP connection to the target's port: the bastion's sshd, not us. */
async function targetConnectionOwners(): Promise<string> {
  const { stdout } = await run('ss', ['-Htnp', 'state', 'established', `( dport = :${target.port} )`]);
  return stdout;
}

async function assertThroughBastion(t: { regex: (s: string, r: RegExp) => void; notRegex: (s: string, r: RegExp) => void }, c: SshConnection): Promise<void> {
  const owners = await targetConnectionOwners();
  t.regex(owners, /sshd/);
  t.notRegex(owners, /node/);
  await c.close();
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ezplay-jump-test-'));
  key = await makeKey(dir, 'ed25519');
  bastion = await startSshd({ authorizedKeys: { root: [key.publicLine] }, hostKeyType: 'ecdsa' });
  target = await startSshd({ authorizedKeys: { root: [key.publicLine] } });
  knownHosts = join(dir, 'known_hosts');
  await writeFile(knownHosts, `${bastion.knownHostsLine}\n${target.knownHostsLine}\n`);
});

test.after.always(async () => {
  await target?.stop();
  await bastion?.stop();
  await rm(dir, { recursive: true, force: true });
});

test.serial('ProxyJump from ansible_ssh_common_args', async (t) => {
  const c = await openSsh(spec({ sshCommonArgs: `-o ProxyJump=root@127.0.0.1:${bastion.port}` }), options());
  t.is((await c.exec('echo "$SSH_CONNECTION" | cut -d" " -f3-')).stdout, `127.0.0.1 ${target.port}\n`);
  await assertThroughBastion(t, c);
});

test.serial('-J and -o "ProxyJump value" spellings', async (t) => {
  for (const args of [`-J root@127.0.0.1:${bastion.port}`, `-o 'ProxyJump root@127.0.0.1:${bastion.port}'`]) {
    const c = await openSsh(spec({ sshCommonArgs: args }), options());
    t.is((await c.exec('echo ok')).stdout, 'ok\n');
    await assertThroughBastion(t, c);
  }
});

test.serial('ProxyJump from ~/.ssh/config, with the bastion named by its own entry', async (t) => {
  const config = join(dir, 'ssh_config');
  await writeFile(config, [
    'Host bastion',
    '  HostName 127.0.0.1',
    `  Port ${bastion.port}`,
    '  User root',
    `  IdentityFile ${key.file}`,
    'Host etcd-*',
    '  HostName 127.0.0.1',
    '  ProxyJump bastion',
    '',
  ].join('\n'));
  const c = await openSsh(spec({ address: 'etcd-2' }), options({ sshConfigPath: config }));
  t.is((await c.exec('id -un')).stdout, 'root\n');
  await assertThroughBastion(t, c);
});

test.serial('host keys are checked on both hops', async (t) => {
  const onlyTarget = join(dir, 'only_target');
  await writeFile(onlyTarget, `${target.knownHostsLine}\n`);
  const jump = `-o ProxyJump=root@127.0.0.1:${bastion.port}`;
  const bastionUnknown = await t.throwsAsync(openSsh(spec({ knownHostsFile: onlyTarget, sshCommonArgs: jump }), options()), { instanceOf: ConnectionError });
  t.regex(bastionUnknown?.message ?? '', new RegExp(`^jump host 127\\.0\\.0\\.1:${bastion.port}: host key of \\[127\\.0\\.0\\.1\\]:${bastion.port} is not known`));

  const onlyBastion = join(dir, 'only_bastion');
  await writeFile(onlyBastion, `${bastion.knownHostsLine}\n`);
  const targetUnknown = await t.throwsAsync(openSsh(spec({ knownHostsFile: onlyBastion, sshCommonArgs: jump }), options()), { instanceOf: ConnectionError });
  t.regex(targetUnknown?.message ?? '', new RegExp(`host key of \\[127\\.0\\.0\\.1\\]:${target.port} is not known`));

  // accepting new keys records both hops
  const fresh = join(dir, 'fresh');
  const c = await openSsh(spec({ knownHostsFile: fresh, sshCommonArgs: jump }), options({ acceptNewHostKeys: true }));
  await c.close();
  const recorded = await readFile(fresh, 'utf8');
  t.true(recorded.includes(bastion.knownHostsLine));
  t.true(recorded.includes(target.knownHostsLine));
});

test.serial('a target the bastion cannot reach is reported as such', async (t) => {
  const error = await t.throwsAsync(
    openSsh(spec({ port: 1, sshCommonArgs: `-o ProxyJump=root@127.0.0.1:${bastion.port}` }), options()),
    { instanceOf: ConnectionError },
  );
  t.true(error?.unreachable);
  t.regex(error?.message ?? '', /jump host could not reach 127\.0\.0\.1:1/);
});

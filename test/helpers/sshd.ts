/**
 * Real OpenSSH servers for the ssh tests: each on 127.0.0.1 and a free port,
 * with its own host key, authorized_keys and pid file in a temporary folder.
 * Also throwaway local users for password and sudo tests. Needs root and the
 * Debian packages openssh-server, openssh-client and sudo.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SshOptions } from '../../src/connection/ssh.js';
import type { ConnectionSpec } from '../../src/connection/types.js';

export const run = promisify(execFile);

export interface Sshd {
  port: number;
  pid: number;
  dir: string;
  /** `type base64` of the server's host key */
  hostKey: string;
  /** the known_hosts line for this server on 127.0.0.1 */
  knownHostsLine: string;
  /** the pids serving live connections (every descendant of the listener) */
  connectionPids(): Promise<number[]>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited early:\n${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${port}:\n${log()}`);
}

async function descendants(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // the command name may hold spaces: the fields after its closing ')' are fixed
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(name), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const walk = (pid: number): void => {
    for (const [child, parent] of parents) {
      if (parent === pid) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(root);
  return found;
}

export interface SshdOptions {
  /** authorized_keys lines per user name */
  authorizedKeys: Record<string, string[]>;
  hostKeyType?: 'ed25519' | 'ecdsa' | 'rsa';
  /** reuse a host key file (to test a changed key, pass a different one) */
  hostKeyFile?: string;
  extraConfig?: string[];
}

export async function startSshd(options: SshdOptions): Promise<Sshd> {
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege separation folder
  const dir = await mkdtemp(join(tmpdir(), 'ezplay-sshd-'));
  await chmod(dir, 0o755); // sshd reads authorized_keys as the logging-in user
  const keyType = options.hostKeyType ?? 'ed25519';
  const hostKeyFile = options.hostKeyFile ?? join(dir, `ssh_host_${keyType}_key`);
  if (!options.hostKeyFile) await run('ssh-keygen', ['-q', '-t', keyType, '-N', '', '-f', hostKeyFile]);
  const hostKey = (await readFile(`${hostKeyFile}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  await mkdir(join(dir, 'keys'), { mode: 0o755 });
  for (const [user, lines] of Object.entries(options.authorizedKeys)) {
    await writeFile(join(dir, 'keys', user), `${lines.join('\n')}\n`, { mode: 0o644 });
  }
  const port = await freePort();
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKeyFile}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'keys', '%u')}`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin yes',
    'AllowTcpForwarding yes',
    'MaxStartups 50',
    'LogLevel ERROR',
    'Subsystem sftp internal-sftp',
    ...(options.extraConfig ?? []),
  ];
  await writeFile(join(dir, 'sshd_config'), `${config.join('\n')}\n`);
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => { log += chunk.toString(); });
  await waitForPort(port, child, () => log);
  const pid = child.pid as number;
  return {
    port,
    pid,
    dir,
    hostKey,
    knownHostsLine: `[127.0.0.1]:${port} ${hostKey}`,
    connectionPids: () => descendants(pid),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(pid, 'SIGTERM');
        await exited;
      }
      // connections outlive the listener; end those too
      for (const p of await descendants(pid)) {
        try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface KeyPair {
  file: string;
  publicLine: string;
}

export async function makeKey(dir: string, type: 'ed25519' | 'ecdsa' | 'rsa', passphrase = ''): Promise<KeyPair> {
  const file = join(dir, `id_${type}${passphrase ? '_enc' : ''}`);
  const bits = type === 'rsa' ? ['-b', '2048'] : [];
  await run('ssh-keygen', ['-q', '-t', type, ...bits, '-N', passphrase, '-C', 'ezplay-test', '-f', file]);
  return { file, publicLine: (await readFile(`${file}.pub`, 'utf8')).trim() };
}

/**
 * A local user for login and sudo tests, created once and reused; `sudo`
 * says whether sudo asks for its password.
 */
export async function ensureUser(name: string, password: string, sudo: 'password' | 'nopasswd'): Promise<void> {
  try {
    await run('id', ['-u', name]);
  } catch {
    await run('useradd', ['--create-home', '--shell', '/bin/sh', name]);
  }
  await new Promise<void>((resolve, reject) => {
    const p = spawn('chpasswd', [], { stdio: ['pipe', 'ignore', 'inherit'] });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`chpasswd failed: ${code}`))));
    p.stdin.end(`${name}:${password}\n`);
  });
  const rule = sudo === 'password' ? `${name} ALL=(ALL:ALL) ALL` : `${name} ALL=(ALL:ALL) NOPASSWD: ALL`;
  await writeFile(`/etc/sudoers.d/${name}`, `${rule}\n`, { mode: 0o440 });
}

/** Removes a user made by ensureUser, so no known password outlives the tests. */
export async function removeUser(name: string): Promise<void> {
  await rm(`/etc/sudoers.d/${name}`, { force: true });
  try {
    await run('id', ['-u', name]);
  } catch {
    return;
  }
  await run('userdel', ['--force', '--remove', name]).catch(() => undefined);
  if (existsSync(`/home/${name}`)) await rm(`/home/${name}`, { recursive: true, force: true });
}

/** One sshd with a set of root keys and a known_hosts naming it: what most ssh test files start from. */
export interface SshFixture<K extends string> {
  dir: string;
  sshd: Sshd;
  keys: Record<K, KeyPair>;
  knownHosts: string;
  /** isolated from the real ~/.ssh: no user config, no agent, only the given known_hosts */
  options(extra?: SshOptions): SshOptions;
  /** root at the fixture's sshd with the first key */
  spec(extra?: Partial<ConnectionSpec>): ConnectionSpec;
  close(): Promise<void>;
}

export async function sshFixture<K extends string>(
  wanted: Record<K, { type: 'ed25519' | 'ecdsa' | 'rsa'; passphrase?: string }>,
): Promise<SshFixture<K>> {
  const dir = await mkdtemp(join(tmpdir(), 'ezplay-ssh-test-'));
  const keys = {} as Record<K, KeyPair>;
  for (const [name, how] of Object.entries(wanted) as Array<[K, { type: 'ed25519' | 'ecdsa' | 'rsa'; passphrase?: string }]>) {
    keys[name] = await makeKey(dir, how.type, how.passphrase);
  }
  const first = Object.values<KeyPair>(keys)[0] as KeyPair;
  const sshd = await startSshd({ authorizedKeys: { root: Object.values<KeyPair>(keys).map((k) => k.publicLine) } });
  const knownHosts = join(dir, 'known_hosts');
  await writeFile(knownHosts, `${sshd.knownHostsLine}\n`);
  return {
    dir,
    sshd,
    keys,
    knownHosts,
    options: (extra = {}) => ({ agentSocket: null, knownHostsFiles: [], sshConfigPath: join(dir, 'no-config'), ...extra }),
    spec: (extra = {}) => ({
      host: 'web1', transport: 'ssh', address: '127.0.0.1', port: sshd.port, user: 'root',
      privateKeyFile: first.file, knownHostsFile: knownHosts, ...extra,
    }),
    async close() {
      await sshd.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

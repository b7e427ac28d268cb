/**
 * Who is who: the lab's own SSH key (root and ops log in with it), and each
 * machine's host key and machine-id. Identities live in LAB_DIR, outside the
 * machines' overlay layers, so `lab reset` and `lab down`/`up` keep them and
 * known_hosts stays valid; only deleting LAB_DIR makes new ones.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lab, machinePaths } from './paths.js';
import { run } from './run.js';

async function keygen(file: string, comment: string): Promise<void> {
  await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
}

export async function ensureLabKey(): Promise<{ keyPath: string; publicKey: string }> {
  const { sshDir: SSH_DIR, keyPath: KEY_PATH } = lab();
  await mkdir(SSH_DIR, { recursive: true, mode: 0o700 });
  if (!existsSync(KEY_PATH) || !existsSync(`${KEY_PATH}.pub`)) await keygen(KEY_PATH, 'ezplay-lab');
  return { keyPath: KEY_PATH, publicKey: (await readFile(`${KEY_PATH}.pub`, 'utf8')).trim() };
}

export interface MachineIdentity {
  hostKey: string;
  hostKeyPub: string;
  machineId: string;
}

export async function ensureMachineIdentity(name: string): Promise<MachineIdentity> {
  const dir = machinePaths(name).identity;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keyFile = path.join(dir, 'ssh_host_ed25519_key');
  if (!existsSync(keyFile) || !existsSync(`${keyFile}.pub`)) await keygen(keyFile, `root@${name}`);
  const idFile = path.join(dir, 'machine-id');
  if (!existsSync(idFile)) await writeFile(idFile, `${randomBytes(16).toString('hex')}\n`);
  return {
    hostKey: await readFile(keyFile, 'utf8'),
    hostKeyPub: (await readFile(`${keyFile}.pub`, 'utf8')).trim(),
    machineId: (await readFile(idFile, 'utf8')).trim(),
  };
}

/**
 * known_hosts with one unhashed line per machine address, so host-key
 * checking stays on in every test (`StrictHostKeyChecking=yes`).
 */
export async function writeKnownHosts(machines: ReadonlyArray<{ name: string; address: string }>): Promise<string> {
  const lines: string[] = [];
  for (const m of machines) {
    const [type, key] = (await ensureMachineIdentity(m.name)).hostKeyPub.split(/\s+/);
    lines.push(`${m.address} ${type} ${key}`);
  }
  const { sshDir: SSH_DIR, knownHostsPath: KNOWN_HOSTS_PATH } = lab();
  await mkdir(SSH_DIR, { recursive: true, mode: 0o700 });
  await writeFile(KNOWN_HOSTS_PATH, lines.join('\n') + '\n', { mode: 0o644 });
  return KNOWN_HOSTS_PATH;
}

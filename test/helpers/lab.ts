/**
 * The lab for end-to-end tests: `ensureLab` brings up (or keeps) three
 * machines, and `labSsh` runs a command on one of them with the system's
 * OpenSSH client, host-key checking on against the lab's known_hosts.
 * `labUp` itself holds the lab's lock file, so parallel test workers (and a
 * user's shell) queue instead of racing; within one worker the calls are
 * chained as well.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { LAB_DIR, labUp, readLabState, silentLog, sshOptions, type LabInfo } from '../../src/lab/index.js';

export const LAB_HOSTS = 3;

let chain: Promise<unknown> = Promise.resolve();

/** Idempotent: a healthy lab is kept as it is; dead machines come back, missing ones are added. */
export function ensureLab(): Promise<LabInfo> {
  const next = chain.then(() => labUp({ hosts: LAB_HOSTS, log: silentLog }));
  chain = next.catch(() => {});
  return next;
}

export interface SshResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface SshOptions {
  user?: string;
  /** written to the command's stdin (a sudo password, a file) */
  input?: string;
  timeoutMs?: number;
  /** a known_hosts file other than the lab's, to show that checking is on */
  knownHostsPath?: string;
}

/** Runs `command` (a shell command line) on `host` (lab1, or an address) as root unless told otherwise. */
export async function labSsh(host: string, command: string, options: SshOptions = {}): Promise<SshResult> {
  const state = await readLabState();
  if (!state) throw new Error('the lab is not up');
  const machine = state.machines.find((m) => m.name === host || m.address === host);
  if (!machine) throw new Error(`no lab machine ${host}`);
  const argv = [
    ...sshOptions({ keyPath: state.keyPath, knownHostsPath: options.knownHostsPath ?? state.knownHostsPath }),
    `${options.user ?? 'root'}@${machine.address}`,
    command,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', argv, { stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 30_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Like labSsh, but a non-zero exit fails with everything the command said. */
export async function labSshOk(host: string, command: string, options: SshOptions = {}): Promise<string> {
  const result = await labSsh(host, command, options);
  if (result.code !== 0) {
    throw new Error(`ssh ${host} ${command}: exit ${result.code}\n${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

export interface LabLeftovers {
  /** live (not zombie) processes whose command line or root directory is the lab's */
  processes: string[];
  mounts: string[];
  netns: string[];
  links: string[];
}

function procText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Everything of the lab that is still on the controller, read straight from
 * the kernel (/proc, the mount table, `ip`), not from the lab's own code.
 */
export function findLabLeftovers(): LabLeftovers {
  const processes: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const stat = procText(`/proc/${entry}/stat`);
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (stat === '' || state === 'Z') continue;
    const cmd = procText(`/proc/${entry}/cmdline`).split('\0').join(' ').trim();
    let root = '';
    try {
      root = readlinkSync(`/proc/${entry}/root`);
    } catch {
      // gone meanwhile
    }
    if (cmd.includes(`${LAB_DIR}/`) || root.startsWith(`${LAB_DIR}/`)) processes.push(`${entry} ${cmd}`);
  }
  const mounts = procText('/proc/self/mountinfo')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((m) => m.startsWith(`${LAB_DIR}/`));
  const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith('ezlab-'));
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => (l.split(': ')[1] ?? '').split('@')[0] ?? '')
    .filter((n) => n === 'ezlab0' || n.startsWith('ezl-'));
  return { processes, mounts, netns, links };
}

/** Whether anything accepts a TCP connection at address:port within a second. */
export function tcpAnswers(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * The lab for end-to-end tests: `ensureLab` brings up (or keeps) three
 * machines, and `labSsh` runs a command on one of them with the system's
 * OpenSSH client, host-key checking on against the lab's known_hosts.
 * `labUp` itself holds the lab's lock file, so parallel test workers (and a
 * user's shell) queue instead of racing; within one worker the calls are
 * chained as well.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lab, labUp, readLabState, silentLog, sshOptions, type LabInfo } from '../../src/lab/index.js';

export const LAB_HOSTS = 3;

/** EZPLAY_LAB as the test run was started with: someone choosing the labs of a whole run. */
const CHOSEN_LAB = process.env.EZPLAY_LAB && process.env.EZPLAY_LAB !== 'default' ? process.env.EZPLAY_LAB : undefined;

/**
 * The lab a group of tests uses: `name` itself (`etcd`, `mods`, ...), or,
 * when the run was started with `EZPLAY_LAB=X`, a lab derived from X (X
 * and the group name's last letter; `default` is X itself), so two test
 * runs on one controller never share a machine.
 */
export function testLabName(name: string): string {
  if (!CHOSEN_LAB) return name;
  return name === 'default' ? CHOSEN_LAB : `${CHOSEN_LAB.slice(0, 7)}${name.slice(-1)}`;
}

/**
 * Makes this test process work on the lab of group `name` (see
 * testLabName), inherited by the CLI processes it starts. Each group of
 * tests has a lab of its own; the lab tests themselves use the default lab.
 */
export function useLab(name: string): void {
  process.env.EZPLAY_LAB = testLabName(name);
}

let chain: Promise<unknown> = Promise.resolve();

/** Idempotent: a healthy lab is kept as it is; dead machines come back, missing ones are added. */
export function ensureLab(): Promise<LabInfo> {
  // a named lab's inventory goes to a temporary file, not into the checkout
  const name = lab().name;
  const inventory = name ? { inventoryPath: path.join(tmpdir(), `ezplay-lab-${name}-inventory`) } : {};
  const next = chain.then(() => labUp({ hosts: LAB_HOSTS, log: silentLog, ...inventory }));
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
  /** live (not zombie) lab processes: nspawn, the HTTP server, anything whose root file system is a machine's */
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
 * Everything of the current lab that is still on the controller, read
 * straight from the kernel (/proc, the mount table, `ip`), not from the
 * lab's own code. Other labs' parts are not this lab's leftovers.
 */
export function findLabLeftovers(): LabLeftovers {
  const { dir: LAB_DIR, bridge, machinePrefix } = lab();
  const ownMachine = new RegExp(`^${machinePrefix}\\d+$`);
  const processes: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const stat = procText(`/proc/${entry}/stat`);
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (stat === '' || state === 'Z') continue;
    const cmd = procText(`/proc/${entry}/cmdline`).split('\0').join(' ').trim();
    // inside a machine, a process's root file system is the machine's overlay
    const rootMount = procText(`/proc/${entry}/mountinfo`).split('\n').find((line) => line.split(' ')[4] === '/') ?? '';
    // (an ssh client using the lab's key is not the lab's own: it is someone using the lab)
    const own = cmd.includes(`--directory=${LAB_DIR}/`) || cmd.includes(`${LAB_DIR}/http-server`);
    if (own || rootMount.includes(`upperdir=${LAB_DIR}/`)) processes.push(`${entry} ${cmd}`);
  }
  const mounts = procText('/proc/self/mountinfo')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((m) => m.startsWith(`${LAB_DIR}/`));
  const netns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith('ezlab-') && ownMachine.test(n.slice('ezlab-'.length)));
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => (l.split(': ')[1] ?? '').split('@')[0] ?? '')
    .filter((n) => n === bridge || (n.startsWith('ezl-') && ownMachine.test(n.slice('ezl-'.length))));
  return { processes, mounts, netns, links };
}

/**
 * Whether `pid` is a live process. A zombie does not count: this controller's
 * PID 1 reaps orphans only every few seconds, and an exited process stays
 * listed until then.
 */
export function isLiveProcess(pid: number): boolean {
  const stat = procText(`/proc/${pid}/stat`);
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return stat !== '' && state !== 'Z' && state !== 'X';
}

/**
 * Whether any socket on the controller listens on TCP `port`, read from
 * /proc/net/tcp: once the lab is down its addresses are not local any more,
 * and a connection attempt would leave the controller.
 */
export function listeningOn(port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].some((file) =>
    procText(file)
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      // field 1 is local address:port in hex, field 3 the state; 0A is LISTEN
      .some((f) => f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A'),
  );
}

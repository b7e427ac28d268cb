/**
 * Where a lab keeps things on the controller, and what it names its parts.
 *
 * Several labs can run side by side: `EZPLAY_LAB=NAME` (or `--lab NAME`)
 * selects one. Each lab has its own state folder, bridge, subnet, machine
 * names, HTTP port and cgroup, all derived from its name, so tests, `ezplay
 * test`, the benchmark and a user's own lab never share machines. The
 * default lab (no name) keeps the names it always had: bridge `ezlab0`,
 * machines `lab1...`, state in /var/lib/ezplay-lab, so existing inventories
 * keep working.
 *
 * Everything lives outside the repository so that any checkout, and any
 * process, finds the same lab: the image cache survives fresh clones, the
 * state survives the process that wrote it. The image cache is shared by
 * every lab.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { LabError } from '../errors.js';

/** Built once, reused by every lab: the Debian image and the etcd tarballs. */
export const CACHE_DIR = process.env.EZPLAY_LAB_CACHE ?? '/var/cache/ezplay-lab';
export const IMAGES_DIR = path.join(CACHE_DIR, 'images');
/** What the HTTP servers publish to the machines. */
export const DIST_DIR = path.join(CACHE_DIR, 'dist');
/** Held while the shared cache (image, tarballs) is built. */
export const CACHE_LOCK_PATH = path.join(CACHE_DIR, 'lock');

const DEFAULT_LAB_DIR = '/var/lib/ezplay-lab';
/** Named labs live here, one folder each; never under the default lab's folder. */
const NAMED_LABS_DIR = '/var/lib/ezplay/labs';
/** a name's letters and digits; it ends with a letter, so `NAME<index>` machine names never collide */
const NAME_PATTERN = /^[a-z](?:[a-z0-9]{0,6}[a-z])?$/;
const DEFAULT_HTTP_PORT = 8780;

export interface LabNames {
  /** '' for the default lab */
  name: string;
  dir: string;
  statePath: string;
  lockPath: string;
  sshDir: string;
  keyPath: string;
  knownHostsPath: string;
  httpScriptPath: string;
  httpLogPath: string;
  /** everything one machine owns on disk, except its identity */
  machinesDir: string;
  /** host keys and machine-ids, outside the overlay layers so a reset machine keeps them */
  identityDir: string;
  bridge: string;
  /** the prefix of machine names: `lab` gives lab1, lab2, ... */
  machinePrefix: string;
  /** a private /24 of its own (EZPLAY_LAB_SUBNET overrides it) */
  defaultSubnet: string;
  httpPort: number;
  /** the cgroup below which the machines' groups live */
  cgroup: string;
  /** the byte of the machines' MAC addresses that tells labs apart */
  macByte: number;
}

/** A lab name is 1 to 8 lowercase letters and digits, starting and ending with a letter. */
export function checkLabName(name: string): string {
  if (name === 'lab' || name === 'default' || !NAME_PATTERN.test(name)) {
    throw new LabError(
      `a lab name is 1 to 8 lowercase letters and digits that starts and ends with a letter (not "lab" or "default"); got "${name}"`,
    );
  }
  return name;
}

function hashOf(name: string): Buffer {
  return createHash('sha256').update(`ezplay-lab:${name}`).digest();
}

/** The names and paths of lab `name` ('' is the default lab). */
export function labNames(name: string): LabNames {
  if (name !== '') checkLabName(name);
  const dir = name === '' ? (process.env.EZPLAY_LAB_HOME ?? DEFAULT_LAB_DIR) : path.join(NAMED_LABS_DIR, name);
  const h = hashOf(name);
  // 10.214.0.0 - 10.253.255.0: away from the default lab's 10.213.7.0/24
  const subnet = name === '' ? '10.213.7.0/24' : `10.${214 + (h[0]! % 40)}.${h[1]!}.0/24`;
  const macByte = name === '' ? 0x6c : h[2]! === 0x6c ? 0x6d : h[2]!;
  const sshDir = path.join(dir, 'ssh');
  return {
    name,
    dir,
    statePath: path.join(dir, 'state.json'),
    lockPath: path.join(dir, 'lock'),
    sshDir,
    keyPath: path.join(sshDir, 'id_ed25519'),
    knownHostsPath: path.join(sshDir, 'known_hosts'),
    httpScriptPath: path.join(dir, 'http-server.mjs'),
    httpLogPath: path.join(dir, 'http-server.log'),
    machinesDir: path.join(dir, 'machines'),
    identityDir: path.join(dir, 'identity'),
    // at most 15 characters, the kernel's limit for interface names
    bridge: name === '' ? 'ezlab0' : `ezlab-${name}`,
    machinePrefix: name === '' ? 'lab' : name,
    defaultSubnet: subnet,
    httpPort: name === '' ? DEFAULT_HTTP_PORT : DEFAULT_HTTP_PORT + 1 + (h.readUInt16BE(3) % 200),
    cgroup: name === '' ? 'ezplay-lab' : `ezplay-lab-${name}`,
    macByte,
  };
}

/** The lab this process works on: `EZPLAY_LAB`, else the default lab. Read at every call. */
export function currentLabName(): string {
  const name = process.env.EZPLAY_LAB ?? '';
  return name === 'default' ? '' : name;
}

export function lab(): LabNames {
  return labNames(currentLabName());
}

export interface MachinePaths {
  dir: string;
  upper: string;
  work: string;
  /** the overlay mount: the machine's root file system */
  root: string;
  console: string;
  identity: string;
}

export function machinePaths(name: string): MachinePaths {
  const l = lab();
  const dir = path.join(l.machinesDir, name);
  return {
    dir,
    upper: path.join(dir, 'upper'),
    work: path.join(dir, 'work'),
    root: path.join(dir, 'root'),
    console: path.join(dir, 'console.log'),
    identity: path.join(l.identityDir, name),
  };
}

/** Names on the controller carry a prefix that nothing else on it uses; machine names are unique across labs. */
export const netnsName = (machine: string): string => `ezlab-${machine}`;
/** the controller's end of the machine's veth pair (at most 15 characters: `ezl-` + 8 + 3 digits) */
export const vethName = (machine: string): string => `ezl-${machine}`;
export const machineName = (index: number): string => `${lab().machinePrefix}${index}`;
/** Whether `machine` is a machine name of the current lab. */
export function isOwnMachineName(machine: string): boolean {
  const prefix = lab().machinePrefix;
  return machine.startsWith(prefix) && /^\d+$/.test(machine.slice(prefix.length));
}

/** Every lab with a folder on this controller: '' (the default lab, when it has one) and each named lab. */
export async function listLabs(): Promise<string[]> {
  const { existsSync } = await import('node:fs');
  const { readdir } = await import('node:fs/promises');
  const named = (await readdir(NAMED_LABS_DIR).catch(() => [] as string[])).filter((n) => NAME_PATTERN.test(n)).sort();
  const defaultDir = process.env.EZPLAY_LAB_HOME ?? DEFAULT_LAB_DIR;
  return [...(existsSync(defaultDir) ? [''] : []), ...named];
}

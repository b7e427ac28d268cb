/**
 * Where the lab keeps things on the controller. All of it lives outside the
 * repository so that any checkout, and any process, finds the same lab:
 * the image cache survives fresh clones, the state survives the process that
 * wrote it.
 */
import path from 'node:path';

/** Built once, reused by every lab: the Debian image and the etcd tarball. */
export const CACHE_DIR = process.env.EZPLAY_LAB_CACHE ?? '/var/cache/ezplay-lab';
/** The lab itself: state, machine layers, keys. */
export const LAB_DIR = process.env.EZPLAY_LAB_HOME ?? '/var/lib/ezplay-lab';

export const IMAGES_DIR = path.join(CACHE_DIR, 'images');
/** What the HTTP server publishes to the machines. */
export const DIST_DIR = path.join(CACHE_DIR, 'dist');

export const STATE_PATH = path.join(LAB_DIR, 'state.json');
export const LOCK_PATH = path.join(LAB_DIR, 'lock');
export const SSH_DIR = path.join(LAB_DIR, 'ssh');
export const KEY_PATH = path.join(SSH_DIR, 'id_ed25519');
export const KNOWN_HOSTS_PATH = path.join(SSH_DIR, 'known_hosts');
export const HTTP_SCRIPT_PATH = path.join(LAB_DIR, 'http-server.mjs');
export const HTTP_LOG_PATH = path.join(LAB_DIR, 'http-server.log');
/** Everything one machine owns on disk, except its identity. */
export const MACHINES_DIR = path.join(LAB_DIR, 'machines');
/**
 * A machine's identity (host keys, machine-id) sits outside its overlay
 * layers, so a reset machine keeps the host keys that known_hosts records.
 */
export const IDENTITY_DIR = path.join(LAB_DIR, 'identity');

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
  const dir = path.join(MACHINES_DIR, name);
  return {
    dir,
    upper: path.join(dir, 'upper'),
    work: path.join(dir, 'work'),
    root: path.join(dir, 'root'),
    console: path.join(dir, 'console.log'),
    identity: path.join(IDENTITY_DIR, name),
  };
}

/** Names on the controller carry a prefix that nothing else on it uses. */
export const BRIDGE_NAME = 'ezlab0';
export const netnsName = (machine: string): string => `ezlab-${machine}`;
/** the controller's end of the machine's veth pair (at most 15 characters) */
export const vethName = (machine: string): string => `ezl-${machine}`;
export const machineName = (index: number): string => `lab${index}`;

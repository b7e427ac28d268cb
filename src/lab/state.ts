/**
 * The running lab as JSON in a fixed place (STATE_PATH), so that any
 * checkout and any process — the CLI, a test worker, `ezplay test` — finds
 * the same machines. It records facts that outlive the process that wrote
 * them (pids, addresses, namespace names); whether those pids still belong
 * to the lab is checked on every read that matters (see proc.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LabError } from '../errors.js';
import { lab } from './paths.js';

export interface MachineState {
  name: string;
  /** 1-based; lab1 is index 1 */
  index: number;
  address: string;
  netns: string;
  /** the controller's end of the machine's veth pair */
  veth: string;
  /** the systemd-nspawn process; SIGTERM to it is a clean shutdown */
  pid: number;
  /** the machine's PID 1 (systemd) as seen from the controller; SIGKILL to it is a power cut */
  initPid: number;
  imageId: string;
  bootedAt: string;
}

export interface HttpServerState {
  pid: number;
  url: string;
  address: string;
  port: number;
}

export interface LabState {
  version: 1;
  subnet: string;
  bridge: string;
  bridgeAddress: string;
  imageId: string;
  keyPath: string;
  knownHostsPath: string;
  opsUser: string;
  opsPassword: string;
  inventoryPath: string;
  /** how many machines the last `up` asked for: the machines the inventory names */
  inventoryHosts: number;
  http: HttpServerState | null;
  etcdTarballUrl: string;
  etcdSha256: string;
  etcdVersion: string;
  machines: MachineState[];
  updatedAt: string;
}

/** The recorded lab, or null when there is none. */
export async function readLabState(): Promise<LabState | null> {
  const STATE_PATH = lab().statePath;
  if (!existsSync(STATE_PATH)) return null;
  const text = await readFile(STATE_PATH, 'utf8');
  try {
    const state = JSON.parse(text) as LabState;
    if (state.version !== 1) throw new Error(`unknown version ${String(state.version)}`);
    return state;
  } catch (err) {
    throw new LabError(`cannot read the lab state ${STATE_PATH} (remove it and run \`ezplay lab down\`): ${String(err)}`);
  }
}

/** Written to a temporary file and renamed, so a reader never sees half a state. */
export async function writeLabState(state: LabState): Promise<void> {
  const STATE_PATH = lab().statePath;
  await mkdir(path.dirname(STATE_PATH), { recursive: true });
  state.machines.sort((a, b) => a.index - b.index);
  state.updatedAt = new Date().toISOString();
  const tmp = `${STATE_PATH}.${process.pid}.tmp`;
  // the ops password is in here: readable by root only
  await writeFile(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, STATE_PATH);
}

export function findMachine(state: LabState | null, host: string): MachineState {
  const machine = state?.machines.find((m) => m.name === host || m.address === host);
  if (!machine) {
    const known = state?.machines.map((m) => `${m.name} (${m.address})`).join(', ');
    throw new LabError(`no lab machine ${host}${known ? `; the lab has ${known}` : '; the lab is not up (ezplay lab up)'}`);
  }
  return machine;
}

/** `lab status`: what each recorded machine is doing, read live (no lock: it changes nothing). */
import { isHttpServer } from './http-server.js';
import { inMachine } from './machine.js';
import { machineLinkState, type LinkState } from './network.js';
import { namespaceMemory } from './proc.js';
import { lab } from './paths.js';
import { readLabState } from './state.js';
import { isMachineAlive } from './up.js';

export interface MachineStatus {
  name: string;
  address: string;
  /** systemd's own answer (running, degraded, starting, ...), or 'stopped' */
  state: string;
  network: LinkState;
  pid: number | null;
  initPid: number | null;
  /** proportional set size of all the machine's processes */
  memoryBytes: number | null;
  processes: number | null;
}

export interface LabStatus {
  up: boolean;
  subnet: string | null;
  bridgeAddress: string | null;
  machines: MachineStatus[];
  http: { url: string; pid: number; running: boolean } | null;
  inventoryPath: string | null;
  statePath: string;
}

export async function labStatus(): Promise<LabStatus> {
  const state = await readLabState();
  const machines = state?.machines ?? [];
  const alive = await Promise.all(machines.map(isMachineAlive));
  const memory = await namespaceMemory(machines.filter((_, i) => alive[i]).map((m) => m.initPid));
  const statuses = await Promise.all(
    machines.map(async (m, i): Promise<MachineStatus> => {
      const use = alive[i] ? memory.get(m.initPid) : undefined;
      let systemState = 'stopped';
      if (alive[i]) {
        const answer = await inMachine(m.initPid, ['systemctl', 'is-system-running'], 5_000);
        systemState = answer.stdout.trim() || 'unknown';
      }
      return {
        name: m.name,
        address: m.address,
        state: systemState,
        network: await machineLinkState(m.name),
        pid: alive[i] ? m.pid : null,
        initPid: alive[i] ? m.initPid : null,
        memoryBytes: use?.bytes ?? null,
        processes: use?.processes ?? null,
      };
    }),
  );
  const http = state?.http ? { url: state.http.url, pid: state.http.pid, running: await isHttpServer(state.http.pid) } : null;
  return {
    up: statuses.some((s) => s.pid !== null),
    subnet: state?.subnet ?? null,
    bridgeAddress: state?.bridgeAddress ?? null,
    machines: statuses,
    http,
    inventoryPath: state?.inventoryPath ?? null,
    statePath: lab().statePath,
  };
}

/**
 * Faults for tests, on one machine at a time: a power cut (`kill`), a
 * network cut and its repair (`partition`, `heal`), and a factory reset.
 */
import { LabError } from '../errors.js';
import { bootMachines } from './boot.js';
import { checkPlatform } from './deps.js';
import { ensureLabKey } from './identity.js';
import { ensureImage } from './image.js';
import { toLabInfo, type LabInfo } from './info.js';
import { withLabLock } from './lock.js';
import { isMachineProcess, releaseMachine, stopMachine, wipeMachineDisk } from './machine.js';
import { ensureBridge, parseSubnet, setMachineLink } from './network.js';
import { innerPid, signal, waitForExit } from './proc.js';
import { stderrLog, type LabLog } from './run.js';
import { findMachine, readLabState, writeLabState, type LabState } from './state.js';

async function requireState(): Promise<LabState> {
  const state = await readLabState();
  if (!state) throw new LabError('the lab is not up (run `ezplay lab up`)');
  return state;
}

/**
 * A power cut: SIGKILL to the machine's PID 1, which takes its whole pid
 * namespace with it; nspawn then exits. The disk (upper layer) stays as the
 * cut left it, and the next `lab up` boots the machine again from it.
 */
export async function labKill(host: string, options: { log?: LabLog } = {}): Promise<void> {
  checkPlatform();
  await withLabLock(options.log ?? stderrLog, async () => {
    const m = findMachine(await requireState(), host);
    if (!(await isMachineProcess(m.pid, m.name)) || (await innerPid(m.initPid)) !== 1) {
      throw new LabError(`machine ${m.name} is not running`);
    }
    signal(m.initPid, 'SIGKILL');
    if (!(await waitForExit(m.pid, 10_000))) throw new LabError(`machine ${m.name}: nspawn (pid ${m.pid}) outlived its PID 1`);
  });
}

export async function labPartition(host: string): Promise<void> {
  checkPlatform();
  await setMachineLink(findMachine(await requireState(), host).name, false);
}

export async function labHeal(host: string): Promise<void> {
  checkPlatform();
  await setMachineLink(findMachine(await requireState(), host).name, true);
}

/**
 * Back to a fresh machine: stopped, its upper layer deleted, booted again
 * with the same name, address and host key. Without a host: every machine.
 */
export async function labReset(host?: string, options: { log?: LabLog } = {}): Promise<LabInfo> {
  const log = options.log ?? stderrLog;
  checkPlatform();
  return withLabLock(log, async () => {
    const state = await requireState();
    const targets = host === undefined ? [...state.machines] : [findMachine(state, host)];
    const image = await ensureImage(log);
    const key = await ensureLabKey();
    await ensureBridge(parseSubnet(state.subnet));
    log(`resetting ${targets.map((m) => m.name).join(', ')}`);
    await Promise.all(
      targets.map(async (m) => {
        await stopMachine(m.name, m.pid, m.initPid, 15_000);
        await releaseMachine(m.name);
        await wipeMachineDisk(m.name);
      }),
    );
    const names = new Set(targets.map((m) => m.name));
    const others = state.machines.filter((m) => !names.has(m.name));
    const record = async (started: typeof state.machines) => {
      state.machines = [...others, ...started];
      await writeLabState(state);
    };
    const booted = await bootMachines(targets, image, key.publicKey, log, record);
    state.machines = [...others, ...booted];
    state.imageId = image.id;
    await writeLabState(state);
    return toLabInfo(state);
  });
}

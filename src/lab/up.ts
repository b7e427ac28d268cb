/**
 * `lab up`: from whatever is there (nothing, a healthy lab, or the remains
 * of a previous session) to N running machines, an HTTP server and an
 * inventory. Healthy machines are kept; dead ones come back with their
 * disks (like a machine powered on again); everything else is swept away.
 */
import path from 'node:path';
import { LabError } from '../errors.js';
import { bootMachines, type MachineSpec } from './boot.js';
import { checkPlatform, ensureControllerTools } from './deps.js';
import { httpPort, isHttpServer, startHttpServer } from './http-server.js';
import { ensureLabKey, writeKnownHosts } from './identity.js';
import { ensureImage } from './image.js';
import { toLabInfo, type LabInfo } from './info.js';
import { writeInventory } from './inventory.js';
import { withFileLock, withLabLock } from './lock.js';
import { isMachineProcess } from './machine.js';
import { MAX_MACHINES, ensureBridge, machineAddress, machineLinkState, parseSubnet, setMachineLink } from './network.js';
import { CACHE_LOCK_PATH, DIST_DIR, lab, machineName } from './paths.js';
import { innerPid } from './proc.js';
import { stderrLog, type LabLog } from './run.js';
import { readLabState, writeLabState, type LabState, type MachineState } from './state.js';
import { sweepLeftovers } from './sweep.js';
import { ensureEtcdTarball } from './tarball.js';

export interface LabUpOptions {
  /** machines wanted (default 3); a lab with more keeps them, the inventory names the first `hosts` */
  hosts?: number;
  /** where to write the inventory (default `inventory/lab`, or `inventory/lab-NAME` for a named lab, under the current directory) */
  inventoryPath?: string;
  /** a private /24 (default EZPLAY_LAB_SUBNET, then the running lab's, then the lab's own: 10.213.7.0/24 for the default lab) */
  subnet?: string;
  log?: LabLog;
}

/** A recorded machine counts as alive when both its nspawn process and its PID 1 are still there. */
export async function isMachineAlive(m: MachineState): Promise<boolean> {
  return (await isMachineProcess(m.pid, m.name)) && (await innerPid(m.initPid)) === 1;
}

export async function liveMachines(state: LabState | null): Promise<MachineState[]> {
  const machines = state?.machines ?? [];
  const alive = await Promise.all(machines.map(isMachineAlive));
  return machines.filter((_, i) => alive[i]);
}

export async function labUp(options: LabUpOptions = {}): Promise<LabInfo> {
  const log = options.log ?? stderrLog;
  const hosts = options.hosts ?? 3;
  if (!Number.isInteger(hosts) || hosts < 1 || hosts > MAX_MACHINES) {
    throw new LabError(`--hosts must be a whole number from 1 to ${MAX_MACHINES}; got ${hosts}`);
  }
  const names = lab();
  const inventoryPath = path.resolve(options.inventoryPath ?? (names.name ? `inventory/lab-${names.name}` : 'inventory/lab'));
  checkPlatform();
  return withLabLock(log, async () => {
    await ensureControllerTools(log);
    const previous = await readLabState();
    const subnet = parseSubnet(options.subnet ?? process.env.EZPLAY_LAB_SUBNET ?? previous?.subnet ?? names.defaultSubnet);
    let alive = await liveMachines(previous);
    if (previous && previous.subnet !== subnet.cidr) {
      if (alive.length > 0) {
        throw new LabError(`the lab is running on ${previous.subnet}; run \`ezplay lab down\` before moving it to ${subnet.cidr}`);
      }
      alive = [];
    }
    // the cache is shared by every lab: one build at a time
    const { image, tarball } = await withFileLock(CACHE_LOCK_PATH, 'lab image build', log, async () => ({
      image: await ensureImage(log),
      tarball: await ensureEtcdTarball(log),
    }));
    const key = await ensureLabKey();

    const httpAlive = previous?.http && previous.http.address === subnet.bridgeAddress && (await isHttpServer(previous.http.pid));
    const keep = new Set(alive.map((m) => m.name));
    if (httpAlive) keep.add('http');
    await sweepLeftovers(keep, log);
    await ensureBridge(subnet);
    for (const m of alive) {
      if ((await machineLinkState(m.name)) === 'down') {
        log(`${m.name} was partitioned; healing it`);
        await setMachineLink(m.name, true);
      }
    }

    const count = Math.max(hosts, ...alive.map((m) => m.index));
    const specs: MachineSpec[] = [];
    for (let index = 1; index <= count; index++) {
      const name = machineName(index);
      if (!keep.has(name)) specs.push({ name, index, address: machineAddress(subnet, index) });
    }
    if (alive.length > 0) log(`keeping running machines ${alive.map((m) => m.name).join(', ')}`);

    const http = httpAlive && previous?.http ? previous.http : await startHttpServer(DIST_DIR, subnet.bridgeAddress, httpPort());
    const state: LabState = {
      version: 1,
      subnet: subnet.cidr,
      bridge: names.bridge,
      bridgeAddress: subnet.bridgeAddress,
      imageId: image.id,
      keyPath: key.keyPath,
      knownHostsPath: names.knownHostsPath,
      opsUser: image.opsUser,
      opsPassword: image.opsPassword,
      inventoryPath,
      inventoryHosts: hosts,
      http,
      etcdTarballUrl: `${http.url}/${tarball.fileName}`,
      etcdSha256: tarball.sha256,
      etcdVersion: tarball.version,
      machines: [...alive],
      updatedAt: '',
    };
    // recorded before the wait, so a failed or interrupted boot can still be cleaned by pid
    const record = async (started: MachineState[]) => {
      state.machines = [...alive, ...started];
      await writeLabState(state);
    };
    const booted = await bootMachines(specs, image, key.publicKey, log, record);
    state.machines = [...alive, ...booted];
    await writeKnownHosts(state.machines);
    await writeLabState(state);
    const info = toLabInfo(state);
    await writeInventory(inventoryPath, {
      addresses: info.machines.map((m) => m.address),
      keyPath: key.keyPath,
      knownHostsPath: names.knownHostsPath,
      etcdTarballUrl: state.etcdTarballUrl,
      etcdSha256: state.etcdSha256,
    });
    log(`lab up${names.name ? ` (${names.name})` : ''}: ${state.machines.length} machines on ${subnet.cidr}; inventory ${inventoryPath}`);
    return info;
  });
}

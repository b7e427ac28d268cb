/**
 * Booting many machines at once: prepare each (network, overlay, identity),
 * start them all, then wait for all of them in parallel. Preparation runs a
 * few at a time, since it is many short `ip` and `mount` commands; the boots
 * themselves overlap freely.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { mapLimit } from '../common/map-limit.js';
import path from 'node:path';
import { LabError } from '../errors.js';
import type { ImageInfo } from './image.js';
import { findInitPid, mountRoot, releaseMachine, seedRoot, startNspawn, stopMachine, wipeMachineDisk } from './machine.js';
import { createMachineNetwork } from './network.js';
import { machinePaths, netnsName, vethName } from './paths.js';
import { waitUntilReady } from './ready.js';
import type { LabLog } from './run.js';
import type { MachineState } from './state.js';

export interface MachineSpec {
  name: string;
  index: number;
  address: string;
}

const PREPARE_AT_ONCE = 8;


/**
 * Every systemd holds several inotify instances, all counted against root;
 * the kernel's default of 128 runs out at a few dozen machines.
 */
async function raiseInotifyLimit(machines: number, log: LabLog): Promise<void> {
  const file = '/proc/sys/fs/inotify/max_user_instances';
  const current = Number((await readFile(file, 'utf8').catch(() => '0')).trim());
  const wanted = 512 + 16 * machines;
  if (current >= wanted) return;
  log(`raising fs.inotify.max_user_instances from ${current} to ${wanted} so that ${machines} systemd instances fit`);
  await writeFile(file, String(wanted));
}

/** A machine whose disk was made on another image starts over from the current one. */
async function matchDiskToImage(name: string, image: ImageInfo, log: LabLog): Promise<void> {
  const marker = path.join(machinePaths(name).dir, 'image-id');
  const previous = await readFile(marker, 'utf8').catch(() => null);
  if (previous !== null && previous.trim() !== image.id) {
    log(`${name}: its disk was made on image ${previous.trim()}; starting it fresh on ${image.id}`);
    await wipeMachineDisk(name);
  }
}

async function startMachine(spec: MachineSpec, image: ImageInfo, publicKey: string, log: LabLog): Promise<MachineState> {
  await matchDiskToImage(spec.name, image, log);
  await createMachineNetwork(spec.name, spec.index, spec.address);
  const root = await mountRoot(spec.name, image);
  await writeFile(path.join(machinePaths(spec.name).dir, 'image-id'), `${image.id}\n`);
  await seedRoot(spec.name, root, publicKey);
  const pid = await startNspawn(spec.name, root);
  const initPid = await findInitPid(spec.name, pid, 15_000);
  return {
    name: spec.name,
    index: spec.index,
    address: spec.address,
    netns: netnsName(spec.name),
    veth: vethName(spec.name),
    pid,
    initPid,
    imageId: image.id,
    bootedAt: new Date().toISOString(),
  };
}

/**
 * Boots the machines and waits until each is `running` with sshd answering.
 * `onStarted` sees the started machines before the wait, so their pids are
 * recorded even if the wait fails. If any machine fails, the ones this call
 * started are stopped and released again, and the error names what went wrong.
 */
export async function bootMachines(
  specs: readonly MachineSpec[],
  image: ImageInfo,
  publicKey: string,
  log: LabLog,
  onStarted: (machines: MachineState[]) => Promise<void>,
): Promise<MachineState[]> {
  if (specs.length === 0) return [];
  // machines are lab1..labN, so the highest index bounds how many will run
  await raiseInotifyLimit(Math.max(...specs.map((s) => s.index)) + 8, log);
  log(`booting ${specs.map((s) => `${s.name} (${s.address})`).join(', ')}`);
  const started: MachineState[] = [];
  try {
    await mapLimit(specs, PREPARE_AT_ONCE, async (spec) => {
      started.push(await startMachine(spec, image, publicKey, log));
    });
    await onStarted(started);
    const deadline = Date.now() + 60_000 + 2_000 * specs.length;
    const outcomes = await Promise.allSettled(started.map((m) => waitUntilReady(m, deadline)));
    const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as Error] : []));
    if (failures.length > 0) {
      throw new LabError(`${failures.length} of ${specs.length} machines did not boot:\n${failures.map((e) => e.message).join('\n')}`);
    }
    return started;
  } catch (err) {
    log('stopping the machines this boot started');
    await Promise.all(started.map((m) => stopMachine(m.name, m.pid, m.initPid, 5_000)));
    // a machine that failed half-way through preparation has a network or mount but no process
    for (const spec of specs) await releaseMachine(spec.name);
    throw err;
  }
}

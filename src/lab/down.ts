/**
 * `lab down`: nothing of the lab stays running or mounted. Machines stop by
 * their recorded pids (SIGTERM to nspawn, SIGKILL after a bound), then every
 * leftover is swept, the machines' disks are deleted, and the bridge goes.
 * The image cache and the machines' identities (host keys) stay, so the
 * next `up` is quick and known_hosts stays the same.
 */
import { rm, unlink } from 'node:fs/promises';
import { LabError } from '../errors.js';
import { labCgroupParents, removeMachineCgroups } from './cgroup.js';
import { checkPlatform } from './deps.js';
import { stopHttpServer } from './http-server.js';
import { withLabLock } from './lock.js';
import { releaseMachine, stopMachine } from './machine.js';
import { labMounts } from './mounts.js';
import { removeBridge } from './network.js';
import { lab } from './paths.js';
import { stderrLog, type LabLog } from './run.js';
import { readLabState } from './state.js';
import { sweepLeftovers } from './sweep.js';

const STOP_GRACE_MS = 15_000;

export async function labDown(options: { log?: LabLog } = {}): Promise<void> {
  const log = options.log ?? stderrLog;
  checkPlatform();
  await withLabLock(log, async () => {
    const state = await readLabState();
    if (state && state.machines.length > 0) log(`stopping ${state.machines.map((m) => m.name).join(', ')}`);
    await Promise.all((state?.machines ?? []).map((m) => stopMachine(m.name, m.pid, m.initPid, STOP_GRACE_MS)));
    for (const m of state?.machines ?? []) await releaseMachine(m.name);
    if (state?.http) await stopHttpServer(state.http.pid);
    await sweepLeftovers(new Set(), log);
    const stillMounted = await labMounts();
    if (stillMounted.length > 0) {
      throw new LabError(`these lab mounts would not go away: ${stillMounted.join(', ')}`);
    }
    await rm(lab().machinesDir, { recursive: true, force: true });
    await removeBridge();
    // stopped nspawn processes leave their groups once reaped, which can take a few seconds here
    if (!(await removeMachineCgroups(await labCgroupParents(), 15_000))) {
      log(`some empty lab cgroups are still held by exited processes; the next \`lab up\` removes them`);
    }
    await unlink(lab().statePath).catch(() => {});
    log(`lab down${lab().name ? ` (${lab().name})` : ''}: no machines, mounts, namespaces, links or HTTP server left`);
  });
}

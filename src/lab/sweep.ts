/**
 * Finding and removing what a lab left behind: a previous session's
 * processes may be gone while its namespaces, veths and overlay mounts are
 * still there, or a state file may be lost while machines still run. Every
 * leftover is recognised by the lab's own names and paths (its machines
 * directory, its interface and namespace prefixes, its HTTP server script),
 * and every process is stopped by its pid, never by a process name.
 */
import { readdir, readFile, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { labCgroupParents, removeMachineCgroups } from './cgroup.js';
import { isOwnMachineName, lab } from './paths.js';
import { isMachineProcess, stopMachine } from './machine.js';
import { labMounts, unmount } from './mounts.js';
import { listLabLinks, listLabNetns, removeLink, removeNetns } from './network.js';
import { childrenOf, cmdline, innerPid, listPids, signal, waitForExit } from './proc.js';
import { stopHttpServer } from './http-server.js';
import type { LabLog } from './run.js';

/** The machine whose overlay is the root file system of `pid`, if any. */
async function overlayMachine(pid: number): Promise<string | null> {
  const MACHINES_DIR = lab().machinesDir;
  const mountinfo = await readFile(`/proc/${pid}/mountinfo`, 'utf8').catch(() => '');
  const rootMount = mountinfo.split('\n').find((line) => line.split(' ')[4] === '/');
  const upper = rootMount?.split(' - ')[1]?.match(/upperdir=([^,\s]+)/)?.[1];
  if (!upper?.startsWith(`${MACHINES_DIR}/`)) return null;
  return path.relative(MACHINES_DIR, upper).split('/')[0] ?? null;
}

/** The machine a lab process belongs to, judged by its root directory or its nspawn arguments. */
async function labProcessMachine(pid: number): Promise<{ name: string; kind: 'nspawn' | 'init' } | null> {
  const argv = await cmdline(pid);
  if (!argv) return null;
  const MACHINES_DIR = lab().machinesDir;
  const dirArg = argv.find((a) => a.startsWith(`--directory=${MACHINES_DIR}/`));
  if (dirArg && path.basename(argv[0] ?? '') === 'systemd-nspawn') {
    const name = path.relative(MACHINES_DIR, dirArg.slice('--directory='.length)).split('/')[0] ?? '';
    return (await isMachineProcess(pid, name)) ? { name, kind: 'nspawn' } : null;
  }
  // a machine's PID 1 lives in a mount namespace whose root is the machine's overlay
  if (pid !== 1 && (await innerPid(pid)) === 1) {
    const name = await overlayMachine(pid);
    if (name) return { name, kind: 'init' };
  }
  return null;
}

async function sweepProcesses(keep: ReadonlySet<string>, log: LabLog): Promise<void> {
  const HTTP_SCRIPT_PATH = lab().httpScriptPath;
  for (const pid of await listPids()) {
    if (pid === process.pid) continue;
    const argv = await cmdline(pid);
    if (argv?.includes(HTTP_SCRIPT_PATH) && !keep.has('http')) {
      log(`stopping a leftover lab HTTP server (pid ${pid})`);
      await stopHttpServer(pid);
      continue;
    }
    const owner = await labProcessMachine(pid);
    if (!owner || keep.has(owner.name)) continue;
    if (owner.kind === 'nspawn') {
      log(`stopping leftover machine ${owner.name} (systemd-nspawn pid ${pid})`);
      const init = (await childrenOf(pid))[0] ?? 0;
      await stopMachine(owner.name, pid, init, 10_000);
    } else {
      // a machine whose nspawn died: its PID 1 lives on alone
      log(`killing orphaned machine ${owner.name} (PID 1 is pid ${pid})`);
      signal(pid, 'SIGKILL');
      await waitForExit(pid, 5_000);
    }
  }
}

/**
 * Removes every lab resource that does not belong to a machine in `keep`
 * (a set of machine names; include 'http' to keep the HTTP server).
 */
export async function sweepLeftovers(keep: ReadonlySet<string>, log: LabLog): Promise<void> {
  await sweepProcesses(keep, log);
  const MACHINES_DIR = lab().machinesDir;
  const owner = (dir: string) => path.relative(MACHINES_DIR, dir).split('/')[0] ?? '';
  for (const mount of await labMounts()) {
    if (keep.has(owner(mount))) continue;
    log(`unmounting leftover ${mount}`);
    await unmount(mount);
  }
  for (const link of await listLabLinks()) {
    if (link === lab().bridge || keep.has(link.slice('ezl-'.length))) continue;
    log(`removing leftover link ${link}`);
    await removeLink(link);
  }
  for (const ns of await listLabNetns()) {
    if (keep.has(ns.slice('ezlab-'.length))) continue;
    log(`removing leftover network namespace ${ns}`);
    await removeNetns(ns);
  }
  for (const parent of await labCgroupParents()) {
    const groups = await readdir(parent, { withFileTypes: true }).catch(() => []);
    const gone = groups.filter((g) => g.isDirectory() && !keep.has(g.name)).map((g) => path.join(parent, g.name));
    await removeMachineCgroups(gone, 0);
  }
  const propagate = '/run/systemd/nspawn/propagate';
  for (const dir of await readdir(propagate).catch(() => [] as string[])) {
    if (isOwnMachineName(dir) && !keep.has(dir)) await rmdir(path.join(propagate, dir)).catch(() => {});
  }
}

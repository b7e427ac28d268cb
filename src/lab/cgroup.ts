/**
 * A cgroup of its own for each machine. With `--keep-unit` and no systemd on
 * the controller, nspawn puts the machine in a `payload` group below the
 * cgroup it was started in; machines started from the same cgroup would all
 * share one `payload`, and their systemd instances would then create and
 * delete each other's unit groups (units failing at random with "Failed to
 * attach to cgroup" once a few dozen boot together). So nspawn is started
 * inside `<our cgroup>/ezplay-lab[-NAME]/<machine>` (one group per lab) in each hierarchy systemd uses:
 * the unified one and, on hybrid hosts, name=systemd.
 */
import { mkdir, readdir, readFile, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { lab } from './paths.js';
import { sleep } from './proc.js';

interface Hierarchy {
  mount: string;
  /** this process's own group in it */
  own: string;
}

async function systemdHierarchies(): Promise<Hierarchy[]> {
  // /proc/self/cgroup lines are "id:controllers:path"; the unified hierarchy is "0::path"
  const own = new Map<string, string>();
  for (const line of (await readFile('/proc/self/cgroup', 'utf8')).split('\n')) {
    const [, controllers, ...rest] = line.split(':');
    if (controllers !== undefined && rest.length > 0) own.set(controllers, rest.join(':'));
  }
  const found: Hierarchy[] = [];
  for (const line of (await readFile('/proc/self/mountinfo', 'utf8')).split('\n')) {
    const [left, right] = line.split(' - ');
    const [fstype, , superOptions = ''] = (right ?? '').split(' ');
    const mount = left?.split(' ')[4] ?? '';
    const key = fstype === 'cgroup2' ? '' : fstype === 'cgroup' && superOptions.split(',').includes('name=systemd') ? 'name=systemd' : null;
    const ownPath = key === null ? undefined : own.get(key);
    if (ownPath !== undefined) found.push({ mount, own: ownPath });
  }
  return found;
}

/** Creates the machine's groups; returns their directories (write a pid to `<dir>/cgroup.procs` to enter). */
export async function createMachineCgroups(name: string): Promise<string[]> {
  const dirs: string[] = [];
  for (const h of await systemdHierarchies()) {
    const dir = path.join(h.mount, h.own, lab().cgroup, name);
    await mkdir(dir, { recursive: true });
    dirs.push(dir);
  }
  return dirs;
}

/** The lab's parent groups, to find groups of machines that are gone. */
export async function labCgroupParents(): Promise<string[]> {
  return (await systemdHierarchies()).map((h) => path.join(h.mount, h.own, lab().cgroup));
}

/** Removes a group and everything below it, deepest first; false while processes remain. */
async function removeTree(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => null);
  if (entries === null) return true;
  let ok = true;
  for (const e of entries) if (e.isDirectory()) ok = (await removeTree(path.join(dir, e.name))) && ok;
  try {
    await rmdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') ok = false;
  }
  return ok;
}

/**
 * Removes a machine's groups. A stopped machine's nspawn stays a member
 * until its parent reaps it, which may take a moment: retry for `waitMs`.
 */
export async function removeMachineCgroups(dirs: readonly string[], waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    let ok = true;
    for (const dir of dirs) ok = (await removeTree(dir)) && ok;
    if (ok || Date.now() > deadline) return ok;
    await sleep(250);
  }
}

/**
 * `group_vars/` and `host_vars/` directories, read the way Ansible's
 * host_group_vars plugin reads them: for an entity `etcd`, the first of
 * `etcd`, `etcd.yml`, `etcd.yaml`, `etcd.json` that exists; when that is a
 * directory, every file in it (recursively, sorted, hidden and `~` files
 * skipped, only .yml/.yaml/.json or no extension).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Inventory } from '../inventory/inventory.js';
import { LOCALHOST_NAMES } from '../inventory/patterns.js';
import { InventoryError } from '../errors.js';
import { parseVarsFile } from './vars-file.js';

const VARS_EXTENSIONS = ['', '.yml', '.yaml', '.json'];

/**
 * Adds the group_vars/host_vars found in `dir` to the inventory. The engine
 * calls it with the playbook's directory (the default scope), whose values
 * win over those beside the inventory for the same group or host.
 */
export async function loadVarsDirs(
  dir: string,
  inventory: Inventory,
  scope: 'inventory_dir' | 'playbook_dir' = 'playbook_dir',
): Promise<void> {
  const groupDir = join(dir, 'group_vars');
  const groupNames = await listing(groupDir);
  for (const group of inventory.groups.keys()) {
    for (const file of await findVarsFiles(groupDir, group, groupNames)) {
      inventory.setGroupVars(group, await readVarsFile(file), { scope, source: file });
    }
  }
  const hostDir = join(dir, 'host_vars');
  const hostNames = await listing(hostDir);
  // the implicit localhost has no inventory entry but still reads host_vars/localhost
  const hosts = new Set([...inventory.hosts.keys(), ...LOCALHOST_NAMES]);
  for (const host of hosts) {
    for (const file of await findVarsFiles(hostDir, host, hostNames)) {
      inventory.setHostVars(host, await readVarsFile(file), { scope, source: file });
    }
  }
}

/**
 * The names in a folder, so that only names present are looked at: an empty
 * set when it does not exist; undefined when it cannot be listed (each name
 * is then tried in turn).
 */
async function listing(dir: string): Promise<Set<string> | undefined> {
  try {
    return new Set(await readdir(dir));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? new Set() : undefined;
  }
}

/** The vars files for one entity, in the order they apply; `names`: what `dir` holds, when known. */
export async function findVarsFiles(dir: string, name: string, names?: Set<string>): Promise<string[]> {
  for (const ext of VARS_EXTENSIONS) {
    if (names && !names.has(name + ext)) continue;
    const path = join(dir, name + ext);
    const info = await stat(path).catch(() => undefined);
    if (!info) continue;
    return info.isDirectory() ? filesUnder(path) : [path];
  }
  return [];
}

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const path = join(dir, name);
    const ext = extname(name);
    const info = await stat(path);
    if (info.isDirectory() && ext === '') found.push(...(await filesUnder(path)));
    else if (info.isFile() && VARS_EXTENSIONS.includes(ext)) found.push(path);
  }
  return found;
}

export async function readVarsFile(file: string): Promise<Record<string, unknown>> {
  return parseVarsFile(await readFile(file, 'utf8'), file, InventoryError);
}

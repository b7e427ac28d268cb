/**
 * Reads inventory sources on the controller into one Inventory: files,
 * directories of files, or a comma-separated host list (`-i h1,h2,`).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { InventoryError } from '../errors.js';
import { expandHostSpec, HostPatternError } from '../inventory/host-ranges.js';
import { Inventory } from '../inventory/inventory.js';
import { parseIniInventory } from './inventory-ini.js';
import { parseYamlInventory } from './inventory-yaml.js';
import { loadVarsDirs } from './vars-dirs.js';
import { vaultPlainText } from './yaml.js';

const YAML_EXTENSIONS = ['.yml', '.yaml', '.json'];

/** Ansible's INVENTORY_IGNORE_EXTS (ansible-core 2.20, which reads .ini again), plus scripts we do not run. */
const IGNORED_EXTENSIONS = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.cfg', '.retry', '.py', '.sh'];
const IGNORED_NAMES = new Set(['group_vars', 'host_vars', 'vars_plugins']);

export async function loadInventory(paths: readonly string[]): Promise<Inventory> {
  const inventory = new Inventory();
  const varsDirs: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      if (path.includes(',')) {
        addHostList(inventory, path);
        continue;
      }
      throw new InventoryError(`inventory source '${path}' does not exist`, { file: path });
    }
    if (info.isDirectory()) {
      await loadDirectory(path, inventory);
      varsDirs.push(path);
    } else {
      await loadInventoryFile(path, inventory);
      varsDirs.push(dirname(path));
    }
  }
  // after every source, so group_vars/ can name groups declared in any of them
  for (const dir of new Set(varsDirs)) await loadVarsDirs(dir, inventory, 'inventory_dir');
  return inventory;
}

/** Parses one file into `inventory`, choosing YAML or INI as Ansible would. */
export async function loadInventoryFile(file: string, inventory: Inventory): Promise<void> {
  const text = vaultPlainText(await readFile(file, 'utf8'), file, InventoryError);
  if (looksLikeYaml(file, text)) parseYamlInventory(text, file, inventory);
  else parseIniInventory(text, file, inventory);
}

/**
 * YAML by extension, as Ansible decides; a file without one is YAML too when
 * it opens like a YAML inventory (`---`, `all:`, `{`), which INI never does.
 */
export function looksLikeYaml(file: string, text: string): boolean {
  if (YAML_EXTENSIONS.includes(extname(file).toLowerCase())) return true;
  const first = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#') && !l.startsWith(';'));
  if (first === undefined) return false;
  return first === '---' || first.startsWith('{') || /^[^\s[\]=:]+:\s*(?:#.*)?$/.test(first);
}

async function loadDirectory(dir: string, inventory: Inventory): Promise<void> {
  for (const name of (await readdir(dir)).sort()) {
    if (name.startsWith('.') || IGNORED_NAMES.has(name) || IGNORED_EXTENSIONS.some((ext) => name.endsWith(ext))) continue;
    const path = join(dir, name);
    const info = await stat(path);
    if (info.isDirectory()) await loadDirectory(path, inventory);
    else if (info.isFile()) await loadInventoryFile(path, inventory);
  }
}

/** `-i 10.0.0.1,10.0.0.2,`: Ansible's host_list source, all hosts ungrouped. */
function addHostList(inventory: Inventory, list: string): void {
  for (const spec of list.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    try {
      const { names, port } = expandHostSpec(spec);
      for (const name of names) {
        inventory.addHost(name, 'ungrouped');
        if (port !== undefined) inventory.setHostVars(name, { ansible_port: port }, { source: 'command line' });
      }
    } catch (err) {
      if (err instanceof HostPatternError) throw new InventoryError(`${err.message} (in host list '${list}')`);
      throw err;
    }
  }
}

/**
 * Which inventory a run uses without -i: `inventory/hosts` where it exists,
 * otherwise the running lab's, saying which it chose. A playbook run without
 * any has only the implicit localhost, with Ansible's warning; the commands
 * that need real members refuse.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { OptionsError } from '../errors.js';

export async function chooseInventory(
  given: readonly string[],
  say: (msg: string) => void,
  opts: { implicitLocalhost?: boolean; warn?: (msg: string) => void } = {},
): Promise<string[]> {
  if (given.length) {
    for (const p of given) if (!p.includes(',') && !existsSync(p)) throw new OptionsError(`the inventory ${p} does not exist`);
    return [...given];
  }
  const hosts = path.resolve('inventory', 'hosts');
  if (existsSync(hosts)) {
    say(`using the inventory ${path.relative(process.cwd(), hosts)}`);
    return [hosts];
  }
  const { readLabState } = await import('../lab/index.js');
  const lab = await readLabState().catch(() => null);
  if (lab && existsSync(lab.inventoryPath)) {
    say(`using the lab's inventory ${path.relative(process.cwd(), lab.inventoryPath) || lab.inventoryPath} (no inventory/hosts here)`);
    return [lab.inventoryPath];
  }
  if (opts.implicitLocalhost) {
    (opts.warn ?? say)('No inventory was parsed, only implicit localhost is available');
    return [];
  }
  throw new OptionsError('no inventory: give -i PATH, create inventory/hosts, or start the lab with `ezplay lab up`');
}

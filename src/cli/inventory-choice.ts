/**
 * Which inventory a run uses without -i: `inventory/hosts` where it exists,
 * otherwise the running lab's, saying which it chose. A playbook run without
 * any has only the implicit localhost, with Ansible's warning, and so has one
 * whose -i names nothing that exists; the commands that need real members
 * refuse.
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
    const missing = given.filter((p) => !p.includes(',') && !existsSync(p));
    if (!missing.length) return [...given];
    if (!opts.implicitLocalhost) throw new OptionsError(`the inventory ${missing[0]} does not exist`);
    // as ansible-playbook: a source that is not there is passed over with a warning
    for (const p of missing) (opts.warn ?? say)(`Unable to parse ${path.resolve(p)} as an inventory source`);
    const found = given.filter((p) => !missing.includes(p));
    if (found.length) return found;
    (opts.warn ?? say)('No inventory was parsed, only implicit localhost is available');
    return [];
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

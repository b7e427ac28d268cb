/**
 * The variable layers of one host, lowest precedence first, in Ansible's
 * order (its VARIABLE_PRECEDENCE default), under them the command line's
 * connection defaults (`-u`, `-c`, `-b`):
 *
 *   1. 'all' vars from the inventory file
 *   2. other groups' vars from the inventory file
 *   3. group_vars/all beside the inventory, then beside the playbook
 *   4. group_vars/<group> beside the inventory, then beside the playbook
 *   5. the host's vars from the inventory file
 *   6. host_vars/<host> beside the inventory, then beside the playbook
 *
 * Within 2 and 4, groups go parents before children (by depth), then by
 * `ansible_group_priority`, then by name, so a child group overrides its
 * parent and ties break alphabetically.
 */
import { InventoryError } from '../errors.js';
import { byCodePoint, type FileVarLayer, type Inventory } from './inventory.js';

export interface VarLayer {
  /** where the values were written, for reporting a variable's origin */
  source: string;
  vars: Record<string, unknown>;
}

export function varLayersFor(inventory: Inventory, hostName: string): VarLayer[] {
  const host = inventory.getHost(hostName);
  if (!host) throw new InventoryError(`host '${hostName}' is not in the inventory`);
  const implicit = inventory.isImplicit(hostName);
  // the implicit localhost is in no group, yet Ansible gives it 'all' vars
  const groups = implicit ? [] : sortGroupsForVars(inventory, inventory.groupNamesOf(hostName));
  const layers: VarLayer[] = [];
  const add = (layer: VarLayer): void => {
    if (Object.keys(layer.vars).length > 0) layers.push(layer);
  };
  const inline = (name: string): VarLayer => ({
    source: inventory.inlineVarsSource.get(`group:${name}`) ?? `group '${name}'`,
    vars: inventory.groups.get(name)?.vars ?? {},
  });
  const files = (map: Map<string, FileVarLayer[]>, name: string, scope: FileVarLayer['scope']): VarLayer[] =>
    (map.get(name) ?? []).filter((l) => l.scope === scope).map(({ source, vars }) => ({ source, vars }));

  add({ source: 'command line (-u, -c, --private-key, -b, --become-user)', vars: inventory.commandLineVars });
  add(inline('all'));
  for (const g of groups) add(inline(g));
  for (const scope of ['inventory_dir', 'playbook_dir'] as const) files(inventory.groupFileVars, 'all', scope).forEach(add);
  for (const scope of ['inventory_dir', 'playbook_dir'] as const) {
    for (const g of groups) files(inventory.groupFileVars, g, scope).forEach(add);
  }
  add({
    source: implicit ? 'implicit localhost' : (inventory.inlineVarsSource.get(`host:${hostName}`) ?? `host '${hostName}'`),
    vars: host.vars,
  });
  for (const scope of ['inventory_dir', 'playbook_dir'] as const) files(inventory.hostFileVars, hostName, scope).forEach(add);
  return layers;
}

/** Ansible's sort_groups: depth, then priority, then name; 'all' is left out. */
export function sortGroupsForVars(inventory: Inventory, names: readonly string[]): string[] {
  const key = (name: string): [number, number] => {
    const priority = Number(inventory.groups.get(name)?.vars.ansible_group_priority ?? 1);
    return [inventory.groupDepth(name), Number.isFinite(priority) ? priority : 1];
  };
  return names
    .filter((n) => n !== 'all')
    .map((name) => ({ name, key: key(name) }))
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || byCodePoint(a.name, b.name))
    .map((g) => g.name);
}

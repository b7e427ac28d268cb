import type { InventoryHost } from './inventory.js';

/**
 * The host Ansible invents when a play names `localhost` (or 127.0.0.1, ::1)
 * and the inventory does not list it: run locally, no SSH. It belongs to no
 * group, yet still sees 'all' group vars and its own host_vars file.
 */
export function implicitLocalhost(name = 'localhost'): InventoryHost {
  return { name, vars: { ansible_connection: 'local' } };
}

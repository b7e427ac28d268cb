/**
 * How to reach a host, picked out of its (already rendered) variables under
 * the names Ansible users write. Where several names mean the same setting,
 * the later name in each list wins, as Ansible's plugin config resolves them
 * (so `ansible_ssh_port` beats `ansible_port` when both are set).
 */
import { InventoryError } from '../errors.js';
import { parseBoolean } from '../common/booleans.js';

export interface ConnectionSettings {
  transport: 'ssh' | 'local';
  address: string;
  port?: number;
  user?: string;
  privateKeyFile?: string;
  password?: string;
  become?: boolean;
  becomeUser?: string;
  becomePassword?: string;
  sshCommonArgs?: string;
  knownHostsFile?: string;
  hostKeyChecking?: boolean;
}

const NAMES = {
  address: ['inventory_hostname', 'ansible_host', 'ansible_ssh_host'],
  port: ['ansible_port', 'ansible_ssh_port'],
  user: ['ansible_user', 'ansible_ssh_user'],
  privateKeyFile: ['ansible_private_key_file', 'ansible_ssh_private_key_file'],
  password: ['ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password'],
  become: ['ansible_become'],
  becomeUser: ['ansible_become_user'],
  becomePassword: ['ansible_sudo_pass', 'ansible_sudo_password', 'ansible_become_pass', 'ansible_become_password'],
  sshCommonArgs: ['ansible_ssh_common_args'],
  knownHostsFile: ['ansible_ssh_known_hosts_file', 'ezplay_known_hosts_file'],
  hostKeyChecking: ['host_key_checking', 'ansible_host_key_checking', 'ansible_ssh_host_key_checking'],
} as const;

/**
 * `hostName` is the inventory name, the address when no `ansible_host` is
 * given (a rendered `inventory_hostname` in `vars` serves as well).
 */
export function connectionSettings(vars: Record<string, unknown>, hostName?: string): ConnectionSettings {
  const address = pick(vars, NAMES.address) ?? hostName;
  if (address === undefined || address === null || address === '') {
    throw new InventoryError('no address for host: set ansible_host or give the host name');
  }
  const settings: ConnectionSettings = { transport: transportOf(vars.ansible_connection), address: String(address) };
  const port = pick(vars, NAMES.port);
  if (port !== undefined) settings.port = toPort(port);
  const become = pick(vars, NAMES.become);
  if (become !== undefined) settings.become = toBoolean(become, 'ansible_become');
  const checking = pick(vars, NAMES.hostKeyChecking);
  if (checking !== undefined) settings.hostKeyChecking = toBoolean(checking, 'host_key_checking');
  for (const key of ['user', 'privateKeyFile', 'password', 'becomeUser', 'becomePassword', 'sshCommonArgs', 'knownHostsFile'] as const) {
    const value = pick(vars, NAMES[key]);
    if (value !== undefined) settings[key] = String(value);
  }
  return settings;
}

function pick(vars: Record<string, unknown>, names: readonly string[]): unknown {
  let value: unknown;
  for (const name of names) if (vars[name] !== undefined && vars[name] !== null) value = vars[name];
  return value;
}

function transportOf(value: unknown): 'ssh' | 'local' {
  if (value === undefined || value === null) return 'ssh';
  const name = String(value);
  if (name === 'local') return 'local';
  // 'smart' and 'paramiko' are Ansible's other ways of saying SSH
  if (name === 'ssh' || name === 'smart' || name === 'paramiko' || name === 'paramiko_ssh') return 'ssh';
  throw new InventoryError(`ansible_connection '${name}' is not supported: use 'ssh' or 'local'`);
}

function toPort(value: unknown): number {
  const port = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(String(value)) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InventoryError(`ansible_port '${String(value)}' is not a port number`);
  }
  return port;
}

/** Ansible's boolean(): yes/no, true/false, on/off, 1/0, in any case. */
export function toBoolean(value: unknown, name: string): boolean {
  const b = parseBoolean(value);
  if (b !== undefined) return b;
  throw new InventoryError(`${name} '${String(value)}' is not a boolean: use yes/no or true/false`);
}

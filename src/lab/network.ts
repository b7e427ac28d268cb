/**
 * The lab's network: one bridge on the controller holding the first address
 * of a private /24, and per machine a network namespace with one end of a
 * veth pair (eth0 inside) whose other end is a port of the bridge. Nothing
 * routes the /24 anywhere else: the machines have no default route, and the
 * controller's forwarding is left as it is.
 */
import { readFile } from 'node:fs/promises';
import { LabError } from '../errors.js';
import { isOwnMachineName, lab, netnsName, vethName } from './paths.js';
import { run } from './run.js';

/** the default lab's; a named lab derives its own from its name (paths.ts) */
export const DEFAULT_SUBNET = '10.213.7.0/24';
/** machines count from .11, leaving room below for the controller's own uses */
const FIRST_HOST = 11;
export const MAX_MACHINES = 254 - FIRST_HOST + 1;

export interface Subnet {
  cidr: string;
  /** the first three octets, e.g. "10.213.7" */
  prefix: string;
  bridgeAddress: string;
}

export function parseSubnet(text: string): Subnet {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.0\/24$/.exec(text.trim());
  const octets = m ? m.slice(1, 4).map(Number) : [];
  const [a, b] = octets as [number, number, number];
  const isPrivate = a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  if (!m || octets.some((o) => o > 255) || !isPrivate) {
    throw new LabError(`lab subnet must be a private /24 such as ${DEFAULT_SUBNET} (10/8, 172.16/12 or 192.168/16); got ${text}`);
  }
  const prefix = octets.join('.');
  return { cidr: `${prefix}.0/24`, prefix, bridgeAddress: `${prefix}.1` };
}

/**
 * Fixed link-layer addresses: a machine re-created after a power cut or a
 * reset keeps its MAC, so neighbour caches on the controller and on its
 * peers stay right (a new random MAC left them sending into the void for
 * half a minute). The bridge gets one too, since a bridge otherwise takes
 * the lowest MAC of its ports and changes it as machines come and go.
 */
const hex = (n: number): string => (n & 0xff).toString(16).padStart(2, '0');
/** locally administered, with a byte per lab so two labs' bridges never share a MAC */
const macFor = (n: number): string => `02:65:7a:${hex(lab().macByte)}:${hex(n >> 8)}:${hex(n)}`;
export const bridgeMac = (): string => macFor(0);
export const machineMac = (index: number): string => macFor(index);

export function machineAddress(subnet: Subnet, index: number): string {
  if (index < 1 || index > MAX_MACHINES) throw new LabError(`the lab holds at most ${MAX_MACHINES} machines`);
  return `${subnet.prefix}.${FIRST_HOST + index - 1}`;
}

interface IpLink {
  ifname: string;
  operstate: string;
  flags: string[];
  master?: string;
  linkinfo?: { info_kind?: string };
}

async function ipJson<T>(args: string[]): Promise<T> {
  const result = await run(['ip', '-j', ...args]);
  return JSON.parse(result.stdout || '[]') as T;
}

async function linkExists(name: string): Promise<boolean> {
  const result = await run(['ip', 'link', 'show', 'dev', name], { allowFail: true });
  return result.code === 0;
}

/** The current lab's links on the controller: its bridge and its machines' veth ends (never another lab's). */
export async function listLabLinks(): Promise<string[]> {
  const links = await ipJson<IpLink[]>(['link', 'show']);
  const bridge = lab().bridge;
  return links
    .map((l) => l.ifname.split('@')[0] ?? l.ifname)
    .filter((n) => n === bridge || (n.startsWith('ezl-') && isOwnMachineName(n.slice('ezl-'.length))));
}

export async function listLabNetns(): Promise<string[]> {
  const result = await run(['ip', 'netns', 'list'], { allowFail: true });
  return result.stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith('ezlab-') && isOwnMachineName(name.slice('ezlab-'.length)));
}

/** Refuses a subnet the controller already reaches some other way. */
async function checkSubnetUnused(subnet: Subnet): Promise<void> {
  const BRIDGE_NAME = lab().bridge;
  const routes = await ipJson<Array<{ dst: string; dev: string }>>(['-4', 'route', 'show']);
  const clash = routes.find((r) => r.dev !== BRIDGE_NAME && r.dst === subnet.cidr);
  const addrs = await ipJson<Array<{ ifname: string; addr_info: Array<{ local: string }> }>>(['-4', 'addr', 'show']);
  const used = addrs.find((a) => a.ifname !== BRIDGE_NAME && a.addr_info.some((i) => i.local.startsWith(`${subnet.prefix}.`)));
  if (clash || used) {
    throw new LabError(
      `the lab subnet ${subnet.cidr} is already in use on this controller (${clash ? `route via ${clash.dev}` : `address on ${used?.ifname}`}); ` +
        'choose another with EZPLAY_LAB_SUBNET or --subnet',
    );
  }
}

export async function ensureBridge(subnet: Subnet): Promise<void> {
  const BRIDGE_NAME = lab().bridge;
  const BRIDGE_MAC = bridgeMac();
  if (!(await linkExists(BRIDGE_NAME))) {
    await checkSubnetUnused(subnet);
    await run(['ip', 'link', 'add', 'name', BRIDGE_NAME, 'address', BRIDGE_MAC, 'type', 'bridge']);
  }
  const addrs = await ipJson<Array<{ addr_info: Array<{ local: string; prefixlen: number }> }>>(['-4', 'addr', 'show', 'dev', BRIDGE_NAME]);
  const have = addrs.flatMap((a) => a.addr_info.map((i) => `${i.local}/${i.prefixlen}`));
  const want = `${subnet.bridgeAddress}/24`;
  for (const other of have.filter((a) => a !== want)) await run(['ip', 'addr', 'del', other, 'dev', BRIDGE_NAME]);
  if (!have.includes(want)) await run(['ip', 'addr', 'add', want, 'dev', BRIDGE_NAME]);
  await run(['ip', 'link', 'set', 'dev', BRIDGE_NAME, 'address', BRIDGE_MAC, 'up']);
}

export async function removeBridge(): Promise<void> {
  const bridge = lab().bridge;
  if (await linkExists(bridge)) await run(['ip', 'link', 'del', 'dev', bridge]);
}

/** A fresh namespace and veth pair for one machine; leftovers of the same name are replaced. */
export async function createMachineNetwork(machine: string, index: number, address: string): Promise<void> {
  await removeMachineNetwork(machine);
  const ns = netnsName(machine);
  const veth = vethName(machine);
  await run(['ip', 'netns', 'add', ns]);
  await run(['ip', 'link', 'add', 'name', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'address', machineMac(index), 'netns', ns]);
  await run(['ip', 'link', 'set', 'dev', veth, 'master', lab().bridge, 'up']);
  await run(['ip', '-n', ns, 'link', 'set', 'dev', 'lo', 'up']);
  await run(['ip', '-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
  await run(['ip', '-n', ns, 'link', 'set', 'dev', 'eth0', 'up']);
  // whatever the controller remembered about this address is from an older link
  await run(['ip', 'neigh', 'flush', 'to', address, 'dev', lab().bridge], { allowFail: true });
}

export async function removeMachineNetwork(machine: string): Promise<void> {
  await removeLink(vethName(machine));
  await removeNetns(netnsName(machine));
}

export async function removeLink(name: string): Promise<void> {
  // deleting one end of a veth pair deletes both
  if (await linkExists(name)) await run(['ip', 'link', 'del', 'dev', name]);
}

export async function removeNetns(ns: string): Promise<void> {
  const result = await run(['ip', 'netns', 'del', ns], { allowFail: true });
  if (result.code !== 0 && !/No such file/.test(result.stderr)) {
    throw new LabError(`cannot remove network namespace ${ns}: ${result.stderr.trim()}`);
  }
}

export type LinkState = 'up' | 'down' | 'missing';

/** Whether a machine is on the network, read from the controller's end of its veth. */
export async function machineLinkState(machine: string): Promise<LinkState> {
  const text = await readFile(`/sys/class/net/${vethName(machine)}/flags`, 'utf8').catch(() => null);
  if (text === null) return 'missing';
  // IFF_UP is bit 0 of the interface flags
  return (parseInt(text.trim(), 16) & 1) === 1 ? 'up' : 'down';
}

/** A network cut is the controller's end of the veth going down; healing is it coming back up. */
export async function setMachineLink(machine: string, up: boolean): Promise<void> {
  if ((await machineLinkState(machine)) === 'missing') {
    throw new LabError(`machine ${machine} has no network link ${vethName(machine)}; is it up?`);
  }
  await run(['ip', 'link', 'set', 'dev', vethName(machine), up ? 'up' : 'down']);
}

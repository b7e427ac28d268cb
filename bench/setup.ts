/**
 * What the benchmark needs before it measures anything: ezplay built,
 * Debian's ansible-core installed, the lab machines up, and inventories that
 * name only the machines this run uses (the lab's own inventory is left alone).
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { labUp, machineName, stderrLog, type LabInfo, type LabMachineInfo } from '../src/lab/index.js';
import { runOk } from './process.js';
import { ROOT } from './tools.js';

export const WORK_DIR = '/tmp/ezplay-bench';

export async function buildEzplay(): Promise<void> {
  await runOk('npm', ['run', 'build', '--silent'], { cwd: ROOT });
}

function onPath(binary: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(path.join(dir, binary)));
}

export async function ensureAnsible(log: (line: string) => void): Promise<void> {
  if (onPath('ansible-playbook')) return;
  log("installing Debian's ansible-core with apt-get");
  await runOk('apt-get', ['update', '-q'], { timeoutMs: 600_000 });
  await runOk('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'ansible-core'], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeoutMs: 900_000,
  });
}

export interface BenchLab {
  info: LabInfo;
  /** the three members of scenarios a, b and c */
  etcdMachines: LabMachineInfo[];
  genericMachines: LabMachineInfo[];
  etcdInventory: string;
  genericInventory: string;
}

/** Keeps every running machine (others may be using them) and boots what is missing up to the last one needed. */
export async function bringUpLab(firstMachine: number, etcdHosts: number, genericHosts: number): Promise<BenchLab> {
  await mkdir(WORK_DIR, { recursive: true });
  const last = firstMachine - 1 + Math.max(etcdHosts, genericHosts);
  const info = await labUp({ hosts: last, inventoryPath: path.join(WORK_DIR, 'lab-inventory'), log: stderrLog });
  const byName = new Map(info.allMachines.map((m) => [m.name, m]));
  const pick = (count: number) =>
    Array.from({ length: count }, (_, i) => {
      const name = machineName(firstMachine + i);
      const machine = byName.get(name);
      if (!machine) throw new Error(`lab up did not bring up ${name}`);
      return machine;
    });
  const etcdMachines = pick(etcdHosts);
  const genericMachines = pick(genericHosts);
  const etcdInventory = path.join(WORK_DIR, 'etcd-inventory');
  const genericInventory = path.join(WORK_DIR, 'generic-inventory');
  // only the inventories this run uses: an empty [etcd] group would fail ezplay's inventory check
  if (etcdHosts > 0) await writeFile(etcdInventory, renderInventory('etcd', etcdMachines, info));
  if (genericHosts > 0) await writeFile(genericInventory, renderInventory('bench', genericMachines, info));
  return { info, etcdMachines, genericMachines, etcdInventory, genericInventory };
}

/** One inventory for both tools: the lab's connection variables, this run's machines only. */
function renderInventory(group: string, machines: LabMachineInfo[], info: LabInfo): string {
  return [
    `# written by bench/run.ts: ${machines[0]?.name}..${machines[machines.length - 1]?.name}`,
    `[${group}]`,
    ...machines.map((m) => m.address),
    '',
    '[all:vars]',
    'ansible_user=root',
    `ansible_ssh_private_key_file=${info.keyPath}`,
    `ansible_ssh_known_hosts_file=${info.knownHostsPath}`,
    `ezplay_known_hosts_file=${info.knownHostsPath}`,
    '',
  ].join('\n');
}

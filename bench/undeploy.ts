/** Takes the etcd members back to bare machines between fresh-deploy runs (not timed). */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { sshOptions, type LabInfo, type LabMachineInfo } from '../src/lab/index.js';
import { runTimed } from './process.js';
import { BENCH_DIR } from './tools.js';

const SCRIPT = readFileSync(path.join(BENCH_DIR, 'undeploy-etcd.sh'), 'utf8');

export async function sshScript(info: LabInfo, machine: LabMachineInfo, script: string): Promise<void> {
  const args = [...sshOptions(info), `root@${machine.address}`, `sh -c ${shellQuote(script)}`];
  const res = await runTimed('ssh', args, { timeoutMs: 60_000 });
  if (res.code !== 0) throw new Error(`ssh ${machine.name}: exit ${res.code}: ${res.stderr.trim()}`);
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** Every member undeployed, and the controller's certificates of the bench cluster removed. */
export async function undeployEtcd(info: LabInfo, machines: LabMachineInfo[], clusterDir: string): Promise<void> {
  await Promise.all(machines.map((m) => sshScript(info, m, SCRIPT)));
  await rm(clusterDir, { recursive: true, force: true });
}

/**
 * The two contestants, run the same way: a playbook, an inventory, the same
 * extra variables and forks; each returns its wall time and what its recap
 * says, so a run that failed or changed something unexpected is caught.
 */
import path from 'node:path';
import { lab } from '../src/lab/index.js';
import { fileURLToPath } from 'node:url';
import { runTimed } from './process.js';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(BENCH_DIR, '..');
export const ANSIBLE_DIR = path.join(BENCH_DIR, 'ansible');

export type Tool = 'ezplay' | 'ansible';

export interface PlaybookJob {
  /** the playbook for each tool, relative to the repository */
  playbook: Record<Tool, string>;
  inventory: string;
  extraVars: Record<string, string>;
  forks: number;
  check?: boolean;
}

export interface ToolRun {
  tool: Tool;
  ms: number;
  ok: boolean;
  changed: number;
  /** ezplay's --json timings line: where its time went */
  phases?: Record<string, number>;
  peakRssBytes?: number;
  /** the tail of the output, kept for a failed run */
  tail: string;
}

function extraVarArgs(vars: Record<string, string>): string[] {
  return Object.entries(vars).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
}

export async function runEzplay(job: PlaybookJob, options: { sampleRss?: boolean } = {}): Promise<ToolRun> {
  const args = [
    path.join(ROOT, 'dist/cli/main.js'), 'run', job.playbook.ezplay, '-i', job.inventory, '--json',
    '-f', String(job.forks), ...extraVarArgs(job.extraVars), ...(job.check ? ['--check'] : []),
  ];
  const res = await runTimed(process.execPath, args, { cwd: ROOT, sampleRss: options.sampleRss ?? false });
  let changed = 0;
  let failed = 0;
  let phases: Record<string, number> | undefined;
  for (const line of res.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const event = JSON.parse(line) as { type: string; phases?: Record<string, number>; hosts?: Record<string, Record<string, number>> };
    if (event.type === 'timings') phases = event.phases;
    if (event.type === 'recap') {
      for (const c of Object.values(event.hosts ?? {})) {
        changed += c.changed ?? 0;
        failed += (c.failed ?? 0) + (c.unreachable ?? 0);
      }
    }
  }
  return {
    tool: 'ezplay',
    ms: res.ms,
    ok: res.code === 0 && failed === 0,
    changed,
    ...(phases ? { phases } : {}),
    ...(res.peakRssBytes !== undefined ? { peakRssBytes: res.peakRssBytes } : {}),
    tail: (res.stdout.slice(-1500) + res.stderr.slice(-1500)).trim(),
  };
}

export const ansibleEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  ANSIBLE_CONFIG: path.join(ANSIBLE_DIR, 'ansible.cfg'),
  // ansible.cfg's ssh_args, with the known_hosts of the lab the benchmark runs on
  ANSIBLE_SSH_ARGS: `-o ControlMaster=auto -o ControlPersist=60s -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${lab().knownHostsPath}`,
  ANSIBLE_NOCOLOR: '1',
});

export async function runAnsible(job: PlaybookJob): Promise<ToolRun> {
  const args = [
    job.playbook.ansible, '-i', job.inventory, '--forks', String(job.forks),
    ...extraVarArgs(job.extraVars), ...(job.check ? ['--check'] : []),
  ];
  const res = await runTimed('ansible-playbook', args, { cwd: ROOT, env: ansibleEnv() });
  let changed = 0;
  let failed = 0;
  for (const m of res.stdout.matchAll(/ changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/g)) {
    changed += Number(m[1]);
    failed += Number(m[2]) + Number(m[3]);
  }
  return { tool: 'ansible', ms: res.ms, ok: res.code === 0 && failed === 0, changed, tail: (res.stdout.slice(-1500) + res.stderr.slice(-1500)).trim() };
}

export function runTool(tool: Tool, job: PlaybookJob, options: { sampleRss?: boolean } = {}): Promise<ToolRun> {
  return tool === 'ezplay' ? runEzplay(job, options) : runAnsible(job);
}

/**
 * The five scenarios and how each is measured: the tools take turns
 * (ezplay, Ansible, ezplay, Ansible...), one warm-up round first, and every
 * run is checked (it succeeded; it changed something only where it should).
 */
import path from 'node:path';
import type { ScenarioId } from './options.js';
import type { BenchLab } from './setup.js';
import { WORK_DIR } from './setup.js';
import { runTool, type PlaybookJob, type Tool, type ToolRun } from './tools.js';
import { undeployEtcd } from './undeploy.js';

export interface Target {
  /** Ansible's median over ezplay's, at least */
  ratio?: number;
  /** ezplay's median wall time, at most */
  maxMs?: number;
}

export interface Scenario {
  id: Exclude<ScenarioId, 'e'>;
  title: string;
  hosts: number;
  job: PlaybookJob;
  target: Target;
  /** a run that changes nothing is wrong here (a), or one that changes anything is (b, c, d) */
  expectChanges: boolean;
  /** once, before the warm-up: the state the runs start from */
  prepare?: () => Promise<void>;
  /** before every run, not timed */
  beforeRun?: () => Promise<void>;
  sampleRss?: boolean;
}

export interface ScenarioResult {
  scenario: Scenario;
  runs: Record<Tool, ToolRun[]>;
  /** runs that failed and were tried again (a lab machine reset under us, say) */
  retries: number;
}

export const ETCD_CLUSTER = 'bench';
export const ETCD_BASE_DIR = path.join(WORK_DIR, 'etcd');

export function buildScenarios(lab: BenchLab): Scenario[] {
  const etcdJob: PlaybookJob = {
    playbook: { ezplay: 'playbooks/etcd.yml', ansible: 'bench/ansible/etcd.yml' },
    inventory: lab.etcdInventory,
    // the same PKI folder and download cache for both, so neither sees the other's cluster as changed
    extraVars: {
      cluster_name: ETCD_CLUSTER,
      base_dir: ETCD_BASE_DIR,
      etcd_download_url: lab.info.etcdTarballUrl,
      etcd_sha256: lab.info.etcdSha256,
    },
    forks: lab.etcdMachines.length,
  };
  const clusterDir = path.join(ETCD_BASE_DIR, 'clusters', ETCD_CLUSTER);
  const deployOnce = async () => {
    const run = await runTool('ezplay', etcdJob);
    if (!run.ok) throw new Error(`deploying the cluster for the re-run scenarios failed:\n${run.tail}`);
  };
  const members = lab.etcdMachines.length;
  const generic = lab.genericMachines.length;
  return [
    {
      id: 'a',
      title: `a) fresh etcd deploy, ${members} members`,
      hosts: members,
      job: etcdJob,
      target: { ratio: 4 },
      expectChanges: true,
      beforeRun: () => undeployEtcd(lab.info, lab.etcdMachines, clusterDir),
    },
    {
      id: 'b',
      title: 'b) re-run on the deployed cluster',
      hosts: members,
      job: etcdJob,
      target: { ratio: 10 },
      expectChanges: false,
      prepare: deployOnce,
    },
    {
      id: 'c',
      title: 'c) --check on the deployed cluster',
      hosts: members,
      job: { ...etcdJob, check: true },
      target: { ratio: 10 },
      expectChanges: false,
      prepare: deployOnce,
    },
    {
      id: 'd',
      title: `d) generic 20-task role re-run, ${generic} machines`,
      hosts: generic,
      job: {
        playbook: { ezplay: 'bench/generic.yml', ansible: 'bench/ansible/generic.yml' },
        inventory: lab.genericInventory,
        extraVars: {},
        forks: generic,
      },
      target: { ratio: 10, maxMs: 5000 },
      expectChanges: false,
      prepare: async () => {
        const run = await runTool('ezplay', {
          playbook: { ezplay: 'bench/generic.yml', ansible: '' },
          inventory: lab.genericInventory,
          extraVars: {},
          forks: generic,
        });
        if (!run.ok) throw new Error(`applying the generic role failed:\n${run.tail}`);
      },
      sampleRss: true,
    },
  ];
}

const TOOLS: readonly Tool[] = ['ezplay', 'ansible'];
const MAX_RETRIES = 3;
/** long enough for a machine someone reset to boot again */
const RETRY_PAUSE_MS = 10_000;

function problem(s: Scenario, run: ToolRun): string | undefined {
  if (!run.ok) return `${run.tool} failed`;
  if (s.expectChanges && run.changed === 0) return `${run.tool} changed nothing on a fresh deploy`;
  if (!s.expectChanges && run.changed > 0) return `${run.tool} changed ${run.changed} things where nothing should change`;
  return undefined;
}

export async function measure(s: Scenario, counted: number, log: (line: string) => void): Promise<ScenarioResult> {
  const result: ScenarioResult = { scenario: s, runs: { ezplay: [], ansible: [] }, retries: 0 };
  await s.prepare?.();
  for (let round = 0; round <= counted; round++) {
    for (const tool of TOOLS) {
      for (let attempt = 0; ; attempt++) {
        await s.beforeRun?.();
        const run = await runTool(tool, s.job, { sampleRss: s.sampleRss === true && tool === 'ezplay' });
        const why = problem(s, run);
        if (!why) {
          if (round > 0) result.runs[tool].push(run);
          log(`${s.id} ${round === 0 ? 'warm-up' : `run ${round}/${counted}`} ${tool}: ${(run.ms / 1000).toFixed(2)} s`);
          break;
        }
        if (attempt >= MAX_RETRIES) throw new Error(`${s.title}: ${why}\n${run.tail}`);
        result.retries++;
        log(`${s.id} ${tool}: ${why}; preparing again and retrying\n${run.tail.split('\n').slice(-6).join('\n')}`);
        await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
        await s.prepare?.();
      }
    }
  }
  return result;
}

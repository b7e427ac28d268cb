/**
 * End-to-end module tests in the lab: a playbook in a temporary project,
 * run by the real CLI (`ezplay run ... --json`) against the two machines of
 * a lab of their own (`mods`), `ezplay rollback` from the same
 * project, and a fingerprint of a host's state read over ssh to compare
 * before and after.
 */
import type { ExecutionContext } from 'ava';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lab, labUp, silentLog, type LabInfo } from '../../src/lab/index.js';
import { renderInventory } from '../../src/lab/inventory.js';
import type { RunEvent } from '../../src/engine/events.js';
import { quote, quoteArgs } from '../../src/shell/quote.js';
import { labSshOk, useLab } from './lab.js';
import { ezplay as spawnCli } from './cli.js';


/** The lab of these tests: a lab of their own, so no other test's machines are touched. */
export const MODULE_LAB = 'mods';
useLab(MODULE_LAB);

/** The machines these tests change. */
export const MODULE_HOSTS = ['mods1', 'mods2'] as const;
export type ModuleHost = (typeof MODULE_HOSTS)[number];

/** Where `lab up` writes the lab's inventory: the tests write their own per project. */
const LAB_INVENTORY = path.join(os.tmpdir(), 'ezplay-module-tests', 'lab-inventory');

let labInfo: Promise<LabInfo> | undefined;

/** The module lab's two machines, running (kept when they are). Once per test file. */
export function ensureModuleLab(): Promise<LabInfo> {
  labInfo ??= (async () => {
    mkdirSync(path.dirname(LAB_INVENTORY), { recursive: true });
    return labUp({ hosts: MODULE_HOSTS.length, inventoryPath: LAB_INVENTORY, log: silentLog });
  })();
  return labInfo;
}

/**
 * The lab machine behind a module host: mods1 is the lab's first machine,
 * whatever the lab names it (a lab chosen with EZPLAY_LAB names its own).
 */
function machineOf(info: LabInfo, host: string): LabInfo['allMachines'][number] {
  const index = MODULE_HOSTS.indexOf(host as ModuleHost) + 1;
  const machine = info.allMachines.find((m) => m.name === `${lab().machinePrefix}${index}`);
  if (index === 0 || !machine) throw new Error(`the lab has no machine for ${host}`);
  return machine;
}

/** An inventory naming the module hosts in group `mod`, with the [all:vars] of the lab's own inventory. */
function moduleInventory(info: LabInfo): string {
  const lab = renderInventory({
    addresses: [],
    keyPath: info.keyPath,
    knownHostsPath: info.knownHostsPath,
    etcdTarballUrl: info.etcdTarballUrl,
    etcdSha256: info.etcdSha256,
  });
  const vars = lab.slice(lab.indexOf('[all:vars]'));
  const hosts = MODULE_HOSTS.map((name) => `${name} ansible_host=${machineOf(info, name).address}`);
  return `[mod]\n${hosts.join('\n')}\n\n${vars}`;
}

/** A temporary project folder with `hosts` (the module hosts) and the given files. */
export async function labProject(files: Record<string, string> = {}): Promise<string> {
  const info = await ensureModuleLab();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-modules-'));
  writeProjectFiles(dir, { hosts: moduleInventory(info), ...files });
  return dir;
}

export function writeProjectFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

export type HostResult = Extract<RunEvent, { type: 'host_result' }>;
export type Recap = Record<string, { ok: number; changed: number; unreachable: number; failed: number; skipped: number }>;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  events: RunEvent[];
}

export interface PlayRun extends CliRun {
  runId: string;
  recap: Recap;
  /** every host_result, in order */
  results: HostResult[];
}

async function ezplay(cwd: string, args: string[], timeoutMs: number): Promise<CliRun> {
  const { code, stdout, stderr } = await spawnCli(cwd, args, { timeoutMs, unset: ['CI'] });
  const events = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as RunEvent);
  return { code, stdout, stderr, events };
}

/** `ezplay run PLAYBOOK -i hosts --json [flags]` in the project. */
export async function runPlay(dir: string, playbook: string, flags: string[] = [], timeoutMs = 120_000): Promise<PlayRun> {
  const run = await ezplay(dir, ['run', playbook, '-i', 'hosts', '--json', ...flags], timeoutMs);
  const start = run.events.find((e) => e.type === 'run_start');
  const last = run.events.at(-1);
  const recap = last?.type === 'recap' ? (last.hosts as Recap) : {};
  const results = run.events.filter((e): e is HostResult => e.type === 'host_result');
  return { ...run, runId: start?.type === 'run_start' ? start.runId : '', recap, results };
}

/** `ezplay rollback RUN_ID --json [flags]` in the project (`--force` to undo over later changes). */
export function rollbackRun(dir: string, runId: string, flags: string[] = []): Promise<CliRun> {
  return ezplay(dir, ['rollback', runId, '--json', ...flags], 120_000);
}

/** The result of `task` on `host`; throws (with the run's output) when there is none or more than one. */
export function resultOf(run: PlayRun, task: string, host: string): HostResult {
  const found = run.results.filter((r) => r.task === task && r.host === host);
  if (found.length !== 1) {
    throw new Error(`expected one result of task '${task}' on ${host}, found ${found.length}\n${run.stdout}\n${run.stderr}`);
  }
  return found[0]!;
}

/** A short account of a run for assertion messages. */
export function describeRun(run: CliRun): string {
  const lines = run.events.map((e) => {
    if (e.type === 'host_result') return `${e.host} ${e.status} [${e.task}] ${e.msg ?? ''}`;
    if (e.type === 'rollback_step') return `${e.host} ${e.status} [${e.task}] ${e.msg ?? ''}`;
    return e.type === 'recap' || e.type === 'warning' ? JSON.stringify(e) : '';
  });
  const shown = lines.filter(Boolean);
  // output that is not JSON events (a crash, a usage error) is shown as it is
  if (shown.length === 0) shown.push(run.stdout);
  return `exit ${run.code}\n${shown.join('\n')}\n${run.stderr}`;
}

// ------------------------------------------------------------- fingerprints

/** What a fingerprint covers on a host. */
export interface FingerprintSpec {
  /** files and folders: every path below them with its type, mode, owner, link target and sha256 */
  paths?: string[];
  users?: string[];
  groups?: string[];
  /** systemd units: is-enabled and is-active */
  units?: string[];
  /** `iptables -S` of every chain */
  iptables?: boolean;
  /** more shell commands whose output is part of the state */
  commands?: string[];
}

function fingerprintScript(spec: FingerprintSpec): string {
  const parts: string[] = [];
  for (const p of spec.paths ?? []) {
    parts.push(`echo ${quote(`## path ${p}`)}`);
    // sorted by path; directory times are left out, content and metadata are not
    parts.push(
      `if [ -e ${quote(p)} ] || [ -L ${quote(p)} ]; then find ${quote(p)} -printf '%p %y %m %u:%g %l\\n' | LC_ALL=C sort; ` +
        `find ${quote(p)} -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum; else echo missing; fi`,
    );
  }
  for (const u of spec.users ?? []) {
    parts.push(`echo ${quote(`## user ${u}`)}; getent passwd ${quote(u)} || echo none; id ${quote(u)} 2>&1 || true; getent shadow ${quote(u)} | cut -d: -f1,2 || true`);
  }
  for (const g of spec.groups ?? []) {
    parts.push(`echo ${quote(`## group ${g}`)}; getent group ${quote(g)} || echo none`);
  }
  for (const unit of spec.units ?? []) {
    parts.push(`echo ${quote(`## unit ${unit}`)}; systemctl is-enabled ${quote(unit)} 2>&1 || true; systemctl is-active ${quote(unit)} 2>&1 || true`);
  }
  if (spec.iptables) parts.push(`echo '## iptables'; iptables -S; iptables -t nat -S`);
  for (const c of spec.commands ?? []) parts.push(`echo ${quote(`## ${c}`)}; ${c}`);
  return parts.join('\n');
}

/** The state of `host` that `spec` names, as text: equal texts mean an equal state. */
export async function fingerprint(host: ModuleHost, spec: FingerprintSpec): Promise<string> {
  return labSshOk(machineOf(await ensureModuleLab(), host).address, fingerprintScript(spec));
}

/** Runs a shell command line on a module host as root, failing on a non-zero exit. */
export async function onHost(host: ModuleHost, command: string): Promise<string> {
  return labSshOk(machineOf(await ensureModuleLab(), host).address, command);
}

export { quote, quoteArgs };

// ------------------------------------------------------- the four checks

export interface Scenario {
  dir: string;
  playbook?: string;
  host: ModuleHost;
  state: FingerprintSpec;
}

/**
 * Runs the play twice: every task in `tasks` changes the first time and is
 * ok the second, and the second run leaves the host as the first left it.
 */
export async function applyTwice(t: ExecutionContext, s: Scenario, tasks: string[]): Promise<{ first: PlayRun; second: PlayRun; applied: string }> {
  const first = await runPlay(s.dir, s.playbook ?? 'play.yml');
  t.is(first.code, 0, describeRun(first));
  for (const task of tasks) t.is(resultOf(first, task, s.host).status, 'changed', `first run: ${task}\n${describeRun(first)}`);
  const applied = await fingerprint(s.host, s.state);
  const second = await runPlay(s.dir, s.playbook ?? 'play.yml');
  t.is(second.code, 0, describeRun(second));
  for (const task of tasks) t.is(resultOf(second, task, s.host).status, 'ok', `second run: ${task}\n${describeRun(second)}`);
  t.is(second.recap[s.host]?.changed, 0, describeRun(second));
  t.is(await fingerprint(s.host, s.state), applied, 'a second run changes nothing');
  return { first, second, applied };
}

/**
 * Changes the host by hand, then `--check --diff`: each task in `tasks`
 * reports the drift as a change with a diff, and the host stays drifted.
 */
export async function checkDrift(t: ExecutionContext, s: Scenario, drift: string, tasks: string[]): Promise<PlayRun> {
  await onHost(s.host, drift);
  const drifted = await fingerprint(s.host, s.state);
  const check = await runPlay(s.dir, s.playbook ?? 'play.yml', ['--check', '--diff']);
  t.is(check.code, 0, describeRun(check));
  for (const task of tasks) {
    const result = resultOf(check, task, s.host);
    t.is(result.status, 'changed', `--check sees the drift of ${task}\n${describeRun(check)}`);
    t.true((result.diff ?? []).length > 0, `--diff shows the drift of ${task}`);
  }
  t.is(await fingerprint(s.host, s.state), drifted, '--check changes nothing');
  return check;
}

/** `ezplay rollback RUN_ID`: it succeeds and the host's fingerprint is `before` again. */
export async function rollbackTo(t: ExecutionContext, s: Scenario, runId: string, before: string): Promise<CliRun> {
  const undo = await rollbackRun(s.dir, runId);
  t.is(undo.code, 0, describeRun(undo));
  t.is(await fingerprint(s.host, s.state), before, `rollback puts the host back as it was\n${describeRun(undo)}`);
  return undo;
}

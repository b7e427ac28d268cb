/**
 * `ezplay test ROLE`: the role's stages (src/scaffold/role-test.ts) on
 * machines of a lab of its own (`--lab`, default `roletest`), never the
 * default lab that people and the demo use. It resets the machines to fresh
 * ones and writes its inventory to a file of its own.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, open, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Connection, ConnectionSpec } from '../connection/types.js';
import { EventBus } from '../engine/events.js';
import { readRun } from '../engine/journal.js';
import { loadCheckedPlaybook, Session } from '../engine/session.js';
import { EngineError, OptionsError } from '../errors.js';
import { loadInventory } from '../load/inventory.js';
import { findRoleDir, roleSearchPath } from '../load/roles.js';
import { loadVarsDirs } from '../load/vars-dirs.js';
import { labKill, labReset, labUp, machineName, silentLog, stderrLog, type LabMachineInfo } from '../lab/index.js';
import { quote } from '../shell/quote.js';
import { FINGERPRINT_COMMAND, parseFingerprint } from '../scaffold/fingerprint.js';
import { RunRecorder, testRole, type RoleTestDriver, type StageResult } from '../scaffold/role-test.js';
import { Templar } from '../template/index.js';
import { PlainReporter } from '../report/plain.js';
import { EXIT } from './exit-codes.js';
import { sshOpener } from './ssh-opener.js';

export interface TestFlags {
  hosts: number;
  /** the lab to test on (default $EZPLAY_LAB, else `roletest`) */
  lab?: string;
  firstMachine: number;
  keep?: boolean;
  rolesPath: string[];
  verbose: number;
}

/** ROLE as a path to a role folder, else by name along the roles search path. */
export function resolveRole(role: string, rolesPath: string[]): string {
  const looksLikeRole = (dir: string) => existsSync(path.join(dir, 'tasks')) && statSync(dir).isDirectory();
  if ((role.includes('/') || role.startsWith('.')) && existsSync(role) && looksLikeRole(role)) return path.resolve(role);
  const found = findRoleDir(role, roleSearchPath(process.cwd(), rolesPath), process.cwd());
  if (found && looksLikeRole(found)) return found;
  throw new OptionsError(`no role '${role}' in ${roleSearchPath(process.cwd(), rolesPath).join(', ')}`);
}

function renderInventory(machines: LabMachineInfo[], lab: { keyPath: string; knownHostsPath: string; etcdTarballUrl: string; etcdSha256: string }): string {
  return [
    '# Written by `ezplay test`: the lab machines this test owns.',
    '[role_test]',
    ...machines.map((m) => `${m.name} ansible_host=${m.address}`),
    '',
    '[all:vars]',
    'ansible_user=root',
    `ansible_ssh_private_key_file=${lab.keyPath}`,
    `ansible_ssh_known_hosts_file=${lab.knownHostsPath}`,
    `ezplay_known_hosts_file=${lab.knownHostsPath}`,
    `etcd_download_url=${lab.etcdTarballUrl}`,
    `etcd_sha256=${lab.etcdSha256}`,
    '',
  ].join('\n');
}

/**
 * Two `ezplay test`s on the same machines would reset each other's: each
 * machine is claimed with a file naming the owner's pid, and a claim whose
 * owner is gone is taken over.
 */
async function claimMachine(name: string): Promise<() => Promise<void>> {
  const file = path.join(os.tmpdir(), `ezplay-test-${name}.claim`);
  for (;;) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return () => unlink(file).catch(() => {});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
      throw new OptionsError(`${name} is in use by another \`ezplay test\` (pid ${owner}); wait for it, or choose other machines with --first-machine`);
    }
    await unlink(file).catch(() => {});
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function testCommand(role: string, flags: TestFlags): Promise<number> {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const roleDir = resolveRole(role, flags.rolesPath);
  const name = path.basename(roleDir);
  const rolesPath = [path.dirname(roleDir), ...flags.rolesPath];
  const work = await mkdtemp(path.join(os.tmpdir(), `ezplay-test-${name}-`));
  const started = performance.now();
  const releases: Array<() => Promise<void>> = [];
  try {
    const testFile = path.join(roleDir, 'tests', 'test.yml');
    const verifyFile = path.join(roleDir, 'tests', 'verify.yml');
    let playbookFile = testFile;
    if (!existsSync(testFile)) {
      playbookFile = path.join(work, 'test.yml');
      await writeFile(playbookFile, `- name: apply ${name}\n  hosts: all\n  roles:\n    - ${JSON.stringify(roleDir)}\n`);
    }
    const test = loadCheckedPlaybook(playbookFile, { rolesPath });
    const verify = existsSync(verifyFile) ? loadCheckedPlaybook(verifyFile, { rolesPath }) : undefined;

    process.env.EZPLAY_LAB = flags.lab ?? process.env.EZPLAY_LAB ?? 'roletest';
    const first = flags.firstMachine;
    const last = first + flags.hosts - 1;
    out(`testing role ${name} (${path.relative(process.cwd(), roleDir) || roleDir}) on ${machineName(first)}${last > first ? `..${machineName(last)}` : ''}`);
    for (let index = first; index <= last; index++) releases.push(await claimMachine(machineName(index)));
    const log = flags.verbose ? stderrLog : silentLog;
    const info = await labUp({ hosts: last, inventoryPath: path.join(work, 'lab-inventory'), log });
    const wanted = new Set(Array.from({ length: flags.hosts }, (_, i) => machineName(first + i)));
    for (const machine of wanted) await labReset(machine, { log });
    const machines = info.allMachines.filter((m) => wanted.has(m.name));
    const inventoryPath = path.join(work, 'inventory');
    await writeFile(inventoryPath, renderInventory(machines, info));
    out(`fresh machines ready in ${seconds(performance.now() - started)}: ${machines.map((m) => `${m.name} ${m.address}`).join(', ')}`);

    const results = await withDriver(
      { machines, inventoryPath, journalRoot: path.join(work, 'runs'), keyPath: info.keyPath, knownHostsPath: info.knownHostsPath, verbose: flags.verbose },
      (driver) => testRole(driver, { test, verify }, (r) => printStage(r, out)),
    );
    const failed = results.filter((r) => r.status === 'failed');
    out('');
    out(
      failed.length
        ? `FAILED: role ${name}, stage${failed.length > 1 ? 's' : ''} ${failed.map((r) => r.stage).join(', ')} (${seconds(performance.now() - started)})`
        : `PASSED: role ${name}, ${results.filter((r) => r.status === 'passed').length} stages (${seconds(performance.now() - started)})`,
    );
    if (flags.keep) out(`the machines stay up: ezplay lab ssh ${machines[0]?.name ?? ''}`);
    else for (const machine of wanted) await labKill(machine, { log }).catch(() => {});
    return failed.length ? EXIT.hostFailed : EXIT.ok;
  } finally {
    for (const release of releases) await release();
    await rm(work, { recursive: true, force: true });
  }
}

function printStage(r: StageResult, out: (s: string) => void): void {
  const mark = r.status === 'passed' ? 'ok    ' : r.status === 'skipped' ? 'skip  ' : 'FAILED';
  out(`${mark} ${r.stage.padEnd(11)} ${r.summary} (${seconds(r.durationMs)})`);
  for (const d of r.details) out(`         - ${d}`);
}

interface DriverSetup {
  machines: LabMachineInfo[];
  inventoryPath: string;
  journalRoot: string;
  keyPath: string;
  knownHostsPath: string;
  verbose: number;
}

async function withDriver<T>(setup: DriverSetup, fn: (driver: RoleTestDriver) => Promise<T>): Promise<T> {
  const inventory = await loadInventory([setup.inventoryPath]);
  // one session for every stage: the runs, their undo and the fingerprints share its connections
  const session = new Session({ journalRoot: setup.journalRoot, openConnection: sshOpener({ acceptNewHostKeys: false }) });
  const specFor = (m: LabMachineInfo): ConnectionSpec => ({
    host: m.name,
    transport: 'ssh',
    address: m.address,
    user: 'root',
    privateKeyFile: setup.keyPath,
    knownHostsFile: setup.knownHostsPath,
  });
  const byName = new Map(setup.machines.map((m) => [m.name, m]));
  const connect = async (host: string): Promise<Connection> => {
    const m = byName.get(host);
    if (!m) throw new OptionsError(`no machine ${host} in this test`);
    return session.reach.open(specFor(m));
  };
  const verboseOut = (s: string) => process.stdout.write(`${s}\n`);
  const driver: RoleTestDriver = {
    hosts: setup.machines.map((m) => m.name),
    async run(playbook, mode) {
      await loadVarsDirs(playbook.dir, inventory);
      const bus = new EventBus();
      const recorder = new RunRecorder();
      bus.on(recorder.handle);
      if (setup.verbose) {
        verboseOut(`\n=== ${mode.stage}: ezplay run ${playbook.file}${mode.check ? ' --check' : ''}`);
        bus.on(new PlainReporter({ color: false, verbosity: setup.verbose - 1, diff: true, write: verboseOut }).handle);
      }
      const summary = await session.run(playbook, {
        inventory,
        inventoryPaths: [setup.inventoryPath],
        check: mode.check,
        // the diffs say which paths, units and accounts the role touches
        diff: true,
        tags: [],
        skipTags: [],
        extraVars: {},
        forks: 25,
        // journaled for the rollback stage; a run that fails undoes itself
        rollback: true,
        verbosity: Math.max(0, setup.verbose - 1),
        events: bus,
        templar: new Templar(),
      });
      return recorder.record(summary);
    },
    async undo(runId) {
      // every stage's run is undone in turn, those that changed nothing too
      const run = readRun(setup.journalRoot, runId);
      if (run.entries.length === 0) return { undone: 0, refused: 0, failed: 0, cannotUndo: 0 };
      return (await session.rollback(run, new EventBus())).result;
    },
    async fingerprint(host) {
      const conn = await connect(host);
      const result = await conn.exec(`sh -c ${quote(FINGERPRINT_COMMAND)}`, { timeoutMs: 120_000 });
      if (result.rc !== 0) throw new EngineError(`${host}: reading the fingerprint failed (exit ${result.rc}): ${result.stderr.slice(0, 500)}`);
      return parseFingerprint(result.stdout);
    },
  };
  try {
    return await fn(driver);
  } finally {
    await session.close();
  }
}

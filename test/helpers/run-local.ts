/**
 * Runs a playbook in-process against the local connection, for engine
 * tests: files are written into a temporary folder, events are collected.
 */
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { EventBus, type Counters, type RunEvent } from '../../src/engine/events.js';
import { runPlaybook, type RunSummary } from '../../src/engine/run.js';
import { validatePlaybook } from '../../src/engine/validate.js';
import { loadInventory } from '../../src/load/inventory.js';
import { loadPlaybook } from '../../src/load/playbook.js';
import { loadVarsDirs } from '../../src/load/vars-dirs.js';
import { Templar } from '../../src/template/index.js';
import { PlainReporter } from '../../src/report/plain.js';

export interface LocalRun {
  summary: RunSummary;
  events: RunEvent[];
  output: string;
}

/** A temporary project folder with the given files (paths relative to it). */
export function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-test-'));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content.replaceAll('$DIR', dir));
  }
  return dir;
}

export const LOCAL_INVENTORY = '[local]\nlocalhost ansible_connection=local\n';

export async function runLocal(
  dir: string,
  playbook = 'play.yml',
  options: Partial<{ check: boolean; diff: boolean; tags: string[]; skipTags: string[]; extraVars: Record<string, unknown>; limit: string; rollback: boolean; inventory: string; startAtTask: string; forceHandlers: boolean }> = {},
): Promise<LocalRun> {
  const pb = loadPlaybook(path.join(dir, playbook));
  validatePlaybook(pb);
  const invPath = path.join(dir, options.inventory ?? 'hosts');
  const inventory = await loadInventory([invPath]);
  await loadVarsDirs(pb.dir, inventory);
  const events: RunEvent[] = [];
  const lines: string[] = [];
  const bus = new EventBus().on((e) => events.push(e));
  bus.on(new PlainReporter({ color: false, verbosity: 0, diff: options.diff ?? false, write: (s) => lines.push(s) }).handle);
  const summary = await runPlaybook(pb, {
    inventory,
    inventoryPaths: [invPath],
    check: options.check ?? false,
    diff: options.diff ?? false,
    limit: options.limit,
    tags: options.tags ?? [],
    skipTags: options.skipTags ?? [],
    extraVars: options.extraVars ?? {},
    forks: 5,
    startAtTask: options.startAtTask,
    rollback: options.rollback ?? true,
    forceHandlers: options.forceHandlers ?? false,
    verbosity: 0,
    journalRoot: path.join(dir, '.ezplay', 'runs'),
    openConnection: async () => {
      throw new Error('tests use the local connection only');
    },
    events: bus,
    templar: new Templar(),
  });
  return { summary, events, output: lines.join('\n') };
}

/** A hash of every file, directory, mode and link under a folder. */
export function treeHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name === '.ezplay') continue;
      const p = path.join(d, name);
      const st = statSync(p, { throwIfNoEntry: false });
      if (!st) continue;
      hash.update(`${path.relative(dir, p)}\0${st.mode}\0`);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) hash.update(readFileSync(p));
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/** A host's counters; undefined for a host the run did not work on. */
export function counters(run: LocalRun, host = 'localhost'): Counters | undefined {
  return run.summary.hosts[host];
}

/**
 * A whole run: plays in order, hosts in batches, then, when a host failed,
 * the journal rolled back on every host the run changed.
 */
import { cachedFactVariables } from './fact-cache.js';
import type { Play, Playbook } from '../load/model.js';
import { loadVarsFiles, renderPlayPatterns } from './play-pattern.js';
import { batchSizes, splitBatches } from './batches.js';
import type { Counters } from './events.js';
import { HostState } from './host-state.js';
import { newRunId, RunJournal } from './journal.js';
import type { RunOptions } from './options.js';
import { PlayRunner } from './play-runner.js';
import { PlayVars } from './play-vars.js';
import { undoRun, type RollbackResult } from './rollback.js';
import { pruneEarlierRuns } from './prune.js';
import { HostReach } from './reach.js';
import type { PlayRuntime } from './runtime.js';
import { PlannedState } from '../facts/planned.js';
import { hostname } from 'node:os';
import path from 'node:path';
import { laterChangesIn } from './undo-guard.js';

export interface RunSummary {
  runId: string;
  hosts: Record<string, Counters>;
  failed: boolean;
  unreachable: boolean;
  rollback?: RollbackResult;
  durationMs: number;
}

/** The project folder of a journal root (`<project>/.ezplay/runs`). */
export function projectOf(journalRoot: string): string {
  return path.dirname(path.dirname(journalRoot));
}

/** The hosts a play targets, after --limit. */
export function playHosts(play: Play, options: Pick<RunOptions, 'inventory' | 'limit'>): string[] {
  const hosts = options.inventory.hostsMatching(play.hosts);
  return options.limit ? options.inventory.applyLimit(hosts, options.limit) : hosts;
}

/**
 * Runs a playbook. Hosts are reached through `reach` when a session (see
 * session.ts) gives one, which stays open for what comes after; else through
 * one of the run's own, closed at its end.
 */
export async function runPlaybook(given: Playbook, options: RunOptions, shared?: HostReach): Promise<RunSummary> {
  const started = performance.now();
  const playbook = renderPlayPatterns(given, { inventory: options.inventory, extraVars: options.extraVars, templar: options.templar, check: options.check });
  const runId = newRunId();
  const journal = new RunJournal(options.journalRoot, runId, {
    runId,
    playbook: playbook.file,
    inventory: options.inventoryPaths,
    started: new Date().toISOString(),
    ...(options.check ? { check: true } : {}),
    pid: process.pid,
    controller: hostname(),
    hosts: {},
  });
  const reach = shared ?? new HostReach(options.openConnection, options.becomePassword);
  // a --check run changes nothing: it waits for no one
  if (!options.check) {
    reach.lockHosts(
      { runId, what: `ezplay run ${path.relative(projectOf(options.journalRoot), playbook.file) || playbook.file}`, project: projectOf(options.journalRoot) },
      { wait: options.wait !== false, say: (host, msg) => options.events.emit({ type: 'warning', host, msg }) },
    );
  }
  const { pool, controller } = reach;
  const states = new Map<string, HostState>();
  const phases: Record<string, number> = {};
  const planned = new Map<string, PlannedState>();
  const startAt = { task: options.startAtTask };
  const events = options.events;
  events.emit({ type: 'run_start', runId, playbook: playbook.file, plays: playbook.plays.length, check: options.check, diff: options.diff, inventory: options.inventoryPaths });

  let summary: RunSummary | undefined;
  try {
    for (const [playIndex, play] of playbook.plays.entries()) {
      const hosts = playHosts(play, options);
      for (const h of hosts) {
        if (states.has(h)) continue;
        const state = new HostState(h);
        // facts a fact cache kept from an earlier run, as Ansible starts with them
        const cached = options.factCache?.load(h);
        if (cached && Object.keys(cached).length) state.setFacts(cachedFactVariables(cached));
        states.set(h, state);
      }
      events.emit({ type: 'play_start', name: play.name, hosts, pos: play.pos });
      if (hosts.length === 0) {
        events.emit({ type: 'warning', msg: `no hosts matched '${play.hosts}'${options.limit ? ` with --limit ${options.limit}` : ''}` });
        continue;
      }
      const renderer = options.templar;
      const extra = options.extraVars;
      const varsFiles = loadVarsFiles(play, (v) => renderer.renderValue(v, { ...play.vars, ...extra }, play.pos));
      const sizes = batchSizes(play.serial, hosts.length, (v) => renderer.renderValue(v, { ...play.vars, ...extra }, play.pos));
      for (const batch of splitBatches(hosts, sizes)) {
        const vars = new PlayVars({ play, inventory: options.inventory, hosts: states, playHosts: hosts, batch, varsFiles, extraVars: extra, check: options.check, diff: options.diff, verbosity: options.verbosity, tags: options.tags, skipTags: options.skipTags, inventoryPaths: options.inventoryPaths, renderer });
        const rt: PlayRuntime = { options, play, playIndex, vars, journal, reach, pool, hosts: states, controller, notified: new Map(), phases, startAt, planned, asyncJobs: new Map() };
        await new PlayRunner(rt).runBatch(batch);
        if (batch.every((h) => !states.get(h)?.active) && play.serial) break;
      }
      events.emit({ type: 'play_end', name: play.name });
      if (hosts.every((h) => !states.get(h)?.active)) break;
    }
    const failed = [...states.values()].some((s) => s.failed);
    const unreachable = [...states.values()].some((s) => s.unreachable);
    let rollback: RollbackResult | undefined;
    if ((failed || unreachable) && options.rollback && !options.check) {
      rollback = await rollBack(journal, reach, states, options);
    }
    journal.finish(rollback ? 'rolled_back' : failed || unreachable ? 'failed' : 'ok');
    if (!failed && !unreachable && !options.check) {
      // Only a host this run changed: a rerun that changes nothing leaves the host as it is, and
      // the run that last changed it keeps its backups, so it can still be rolled back.
      const changed = new Set(journal.pending().map((e) => e.target));
      const reachable = (target: string) =>
        changed.has(target) && (target === 'localhost' || (states.has(target) && states.get(target)!.active));
      await pruneEarlierRuns(options.journalRoot, runId, reach, events, reachable);
    }
    const counters = Object.fromEntries([...states.entries()].map(([h, s]) => [h, s.counters]));
    for (const ms of pool.connectMs.values()) phases.connect = (phases.connect ?? 0) + ms;
    summary = { runId, hosts: counters, failed, unreachable, ...(rollback ? { rollback } : {}), durationMs: performance.now() - started };
    events.emit({ type: 'recap', runId, hosts: counters, durationMs: summary.durationMs, phases });
    return summary;
  } finally {
    journal.close();
    if (!shared) await reach.close();
  }
}

async function rollBack(journal: RunJournal, reach: HostReach, states: Map<string, HostState>, options: RunOptions): Promise<RollbackResult | undefined> {
  // changes whose undo is riskier than keeping them wait for `ezplay rollback`
  const entries = journal.pending().filter((e) => e.rollback !== 'on_request');
  if (entries.length === 0) return undefined;
  const failedHosts = [...states.values()].filter((s) => !s.active).map((s) => s.name);
  options.events.emit({ type: 'rollback_start', hosts: [...new Set(entries.map((e) => e.target))], reason: `failed: ${failedHosts.join(', ')}` });
  // Undo reaches each host the way the run did (the connection is reopened if it dropped).
  const run = {
    runId: journal.runId,
    entries,
    specOf: (target: string) => journal.specOf(target),
    leftStates: journal.leftStates,
    later: laterChangesIn(options.journalRoot, journal.runId),
  };
  const result = await undoRun(run, reach, options.events, (seq, left) => journal.markUndone(seq, left));
  options.events.emit({ type: 'rollback_end', ...result });
  return result;
}

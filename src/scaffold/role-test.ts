/**
 * The stages of `ezplay test ROLE` on machines that start fresh:
 *   converge     the role's test playbook applies cleanly
 *   idempotence  a second run changes nothing
 *   check        --check would change nothing
 *   verify       the role's tests/verify.yml passes
 *   rollback     undoing the runs brings every path, unit and account the
 *                converge touched back to how it was before it
 * Running playbooks, undoing runs and reading fingerprints are injected, so
 * this file holds only the order of things and the judgement.
 */
import path from 'node:path';
import { formatPos, type SourcePos } from '../errors.js';
import type { RunEvent } from '../engine/events.js';
import type { RollbackResult } from '../engine/rollback.js';
import type { RunSummary } from '../engine/run.js';
import type { Playbook } from '../load/model.js';
import { addTouched, compareTouched, emptyTouched, mergeTouched, touchedBetween, type Fingerprint, type Touched } from './fingerprint.js';

export type StageName = 'converge' | 'idempotence' | 'check' | 'verify' | 'rollback';

export interface StageResult {
  stage: StageName;
  status: 'passed' | 'failed' | 'skipped';
  /** one line: what passed, or why it failed */
  summary: string;
  /** the tasks, hosts or paths behind a failure */
  details: string[];
  durationMs: number;
}

/** One task on the hosts where it had one outcome. */
export interface TaskOutcomeRef {
  label: string;
  hosts: string[];
  msgs: string[];
}

/** What a run did, from its events. */
export interface RunRecord {
  summary: RunSummary;
  changed: TaskOutcomeRef[];
  failed: TaskOutcomeRef[];
  touched: Map<string, Touched>;
}

/** Listens to a run's events and keeps what the stages judge by. */
export class RunRecorder {
  private readonly roles = new Map<string, string>();
  private readonly changed = new Map<string, TaskOutcomeRef>();
  private readonly failed = new Map<string, TaskOutcomeRef>();
  readonly touched = new Map<string, Touched>();

  handle = (event: RunEvent): void => {
    if (event.type === 'task_start' && event.role && event.pos) this.roles.set(posKey(event.pos), event.role);
    if (event.type !== 'host_result') return;
    for (const d of event.diff ?? []) {
      const t = this.touched.get(event.host) ?? emptyTouched();
      addTouched(t, d.subject);
      this.touched.set(event.host, t);
    }
    const bad = (event.status === 'failed' && !event.ignored) || event.status === 'unreachable';
    if (event.status !== 'changed' && !bad) return;
    const role = event.pos ? this.roles.get(posKey(event.pos)) : undefined;
    const label = `${role ? `${role} : ` : ''}${event.task}${event.pos ? ` (${formatPos({ ...event.pos, file: path.relative(process.cwd(), event.pos.file) })})` : ''}`;
    const into = bad ? this.failed : this.changed;
    const ref = into.get(label) ?? { label, hosts: [], msgs: [] };
    if (!ref.hosts.includes(event.host)) ref.hosts.push(event.host);
    if (bad && event.msg && !ref.msgs.includes(event.msg)) ref.msgs.push(event.msg);
    into.set(label, ref);
  };

  record(summary: RunSummary): RunRecord {
    return { summary, changed: [...this.changed.values()], failed: [...this.failed.values()], touched: this.touched };
  }
}

const shortSums = (s: string) => s.replace(/\b([0-9a-f]{12})[0-9a-f]{52}\b/g, 'sha256 $1…');

const posKey = (pos: SourcePos) => `${pos.file}:${pos.line ?? 0}:${pos.col ?? 0}`;

export interface RoleTestDriver {
  hosts: string[];
  run(playbook: Playbook, mode: { check: boolean; stage: StageName }): Promise<RunRecord>;
  /** undoes a finished run from its journal */
  undo(runId: string): Promise<RollbackResult>;
  fingerprint(host: string): Promise<Fingerprint>;
}

export interface RoleTestPlan {
  test: Playbook;
  verify?: Playbook | undefined;
}

const describe = (refs: TaskOutcomeRef[]) =>
  refs.map((r) => `${r.label} on ${r.hosts.join(', ')}${r.msgs.length ? `: ${r.msgs.join('; ')}` : ''}`);

function judgeRun(stage: StageName, record: RunRecord, changedIsFailure: string | undefined, started: number): StageResult {
  const durationMs = performance.now() - started;
  if (record.failed.length || record.summary.failed || record.summary.unreachable) {
    const n = record.failed.length;
    return { stage, status: 'failed', summary: `${n} task${n === 1 ? '' : 's'} failed`, details: describe(record.failed), durationMs };
  }
  if (changedIsFailure && record.changed.length) {
    const n = record.changed.length;
    return { stage, status: 'failed', summary: `${n} task${n === 1 ? '' : 's'} ${changedIsFailure}`, details: describe(record.changed), durationMs };
  }
  const total = Object.values(record.summary.hosts).reduce((sum, c) => sum + c.changed, 0);
  return { stage, status: 'passed', summary: `${total} change${total === 1 ? '' : 's'} on ${Object.keys(record.summary.hosts).length} host(s)`, details: [], durationMs };
}

/** Runs the stages in order; after a failed converge (rolled back by the engine) nothing else runs. */
export async function testRole(driver: RoleTestDriver, plan: RoleTestPlan, onStage: (r: StageResult) => void): Promise<StageResult[]> {
  const results: StageResult[] = [];
  const done = (r: StageResult) => {
    results.push(r);
    onStage(r);
  };
  const fingerprints = async () => new Map(await Promise.all(driver.hosts.map(async (h) => [h, await driver.fingerprint(h)] as const)));
  const before = await fingerprints();

  let started = performance.now();
  const converge = await driver.run(plan.test, { check: false, stage: 'converge' });
  done(judgeRun('converge', converge, undefined, started));
  if (results[0]?.status === 'failed') return results;
  const runIds = [converge.summary.runId];
  // what the converge touched: its diffs, and whatever else changed on the hosts (commands report no diff)
  const converged = await fingerprints();
  const touched = new Map(driver.hosts.map((h) => [h, mergeTouched(converge.touched.get(h), touchedBetween(before.get(h)!, converged.get(h)!))]));

  started = performance.now();
  const again = await driver.run(plan.test, { check: false, stage: 'idempotence' });
  runIds.push(again.summary.runId);
  done(judgeRun('idempotence', again, 'changed on the second run', started));

  started = performance.now();
  const check = await driver.run(plan.test, { check: true, stage: 'check' });
  done(judgeRun('check', check, 'would change in check mode', started));

  started = performance.now();
  if (plan.verify) {
    const verify = await driver.run(plan.verify, { check: false, stage: 'verify' });
    runIds.push(verify.summary.runId);
    done(judgeRun('verify', verify, undefined, started));
  } else {
    done({ stage: 'verify', status: 'skipped', summary: 'the role has no tests/verify.yml', details: [], durationMs: 0 });
  }

  started = performance.now();
  done(await undoAndCompare(driver, runIds, touched, before, started));
  return results;
}

async function undoAndCompare(
  driver: RoleTestDriver,
  runIds: string[],
  touched: Map<string, Touched>,
  before: Map<string, Fingerprint>,
  started: number,
): Promise<StageResult> {
  const details: string[] = [];
  let undone = 0;
  for (const runId of [...runIds].reverse()) {
    const r = await driver.undo(runId);
    undone += r.undone;
    if (r.refused) details.push(`run ${runId}: ${r.refused} change(s) refused: the machine no longer holds what the run left`);
    if (r.failed) details.push(`run ${runId}: ${r.failed} undo step(s) failed`);
    if (r.cannotUndo) details.push(`run ${runId}: ${r.cannotUndo} change(s) cannot be undone (a command without rollback:?)`);
  }
  let compared = 0;
  for (const host of driver.hosts) {
    const t = touched.get(host) ?? emptyTouched();
    compared += t.paths.size + t.units.size + t.accounts.size;
    const after = await driver.fingerprint(host);
    for (const d of compareTouched(before.get(host)!, after, t)) details.push(`${host}: ${d.what}: before ${shortSums(d.before)}, after undo ${shortSums(d.after)}`);
  }
  const durationMs = performance.now() - started;
  if (details.length) return { stage: 'rollback', status: 'failed', summary: 'the machines are not back to how they were', details, durationMs };
  return { stage: 'rollback', status: 'passed', summary: `${undone} change(s) undone; ${compared} touched path(s), unit(s) and account(s) as before`, details: [], durationMs };
}

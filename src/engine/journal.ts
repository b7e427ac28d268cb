/**
 * The run journal: before a task's steps run, its undo is appended to
 * `.ezplay/runs/<run-id>/journal.jsonl` with a synchronous write, so a crash
 * of this process, a lost connection or a failed host can always be rolled
 * back, even by a later `ezplay rollback RUN_ID`. The file stays open from
 * the first entry until the run is finished.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Become, ConnectionSpec } from '../connection/types.js';
import { JournalError } from '../errors.js';
import type { Step } from '../modules/types.js';
import { needsSeal, runKey, seal, unseal } from './journal-seal.js';
import { LeftStates, type PathStates } from './path-states.js';

export interface JournalEntry {
  seq: number;
  host: string;
  /** where the steps ran: the host itself or a delegate */
  target: string;
  task: string;
  /** undefined: the change cannot be undone automatically */
  undo: Step[] | undefined;
  /** removes what only `undo` needed (on-host backups), once the run can no longer be rolled back */
  cleanup?: Step[] | undefined;
  /** the undo restores from on-host backups (the module's own cleanup deletes them) */
  backups?: boolean;
  /** the task's become; its password only in this process's memory, never in the file */
  become?: Become | undefined;
  play: number;
  /** on_request: kept when the run fails, undone only by `ezplay rollback` */
  rollback: 'on_failure' | 'on_request' | 'never';
  /** the task is no_log: its undo is sealed in the file, never in clear */
  secret?: boolean;
  /** the paths on `target` the steps change (Plan.writes) */
  writes?: string[];
  /** what those paths were before the steps ran */
  before?: PathStates;
  /** what the steps left there (from the entry's outcome line); absent when the run stopped before it was recorded */
  left?: PathStates;
  /** how many of the steps finished (from the outcome line); absent: unknown, the run stopped while they ran */
  steps?: { done: number; of: number };
}

/** What a change's steps did: written after they ran, whether they all finished or one failed. */
export interface StepsOutcome {
  done: number;
  of: number;
  left?: PathStates | undefined;
}

export interface RunMeta {
  runId: string;
  playbook: string;
  inventory: string[];
  started: string;
  finished?: string;
  status?: 'ok' | 'failed' | 'rolled_back';
  /** a --check run: it changed nothing, so there is nothing to roll back */
  check?: boolean;
  /** the later run after whose success this run's backups were deleted: it can no longer be rolled back */
  prunedBy?: string;
  /** hosts whose backups of this run were deleted, each with the later run that succeeded there */
  prunedOn?: Record<string, string>;
  /** the process that ran it: while it is alive and the run unfinished, the run is active */
  pid?: number;
  controller?: string;
  /** how to reach each host again, secrets left out */
  hosts: Record<string, Omit<ConnectionSpec, 'password'>>;
}

export function newRunId(now = new Date()): string {
  // Milliseconds keep run ids in the order the runs started, which pruning relies on.
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').replace('.', '').replace('Z', '');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

function redactSteps(steps: Step[] | undefined): Step[] | undefined {
  return steps?.map((s) => {
    if (!s.secret) return s;
    if (s.kind === 'exec') return { ...s, stdin: s.stdin === undefined ? undefined : '<redacted>' } as Step;
    return s;
  });
}

export class RunJournal {
  readonly dir: string;
  private seq = 0;
  private readonly entries: JournalEntry[] = [];
  /** undo steps held in memory in full (secrets included) for this process's own rollback */
  private readonly fullUndo = new Map<number, Step[] | undefined>();
  private readonly specs = new Map<string, ConnectionSpec>();
  /** the last state this run left at each path it changed */
  readonly leftStates = new LeftStates();
  /** journal.jsonl, open for appending */
  private fd: number | undefined;

  constructor(
    root: string,
    readonly runId: string,
    private meta: RunMeta,
  ) {
    this.dir = path.join(root, runId);
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new JournalError(`cannot create the run journal ${this.dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    this.writeMeta();
  }

  private writeMeta(): void {
    const file = path.join(this.dir, 'meta.json');
    try {
      writeFileSync(file, `${JSON.stringify(this.meta, null, 2)}\n`, { mode: 0o600 });
    } catch (error) {
      throw new JournalError(`cannot write the run journal ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): stopped before the next change`);
    }
  }

  /**
   * Remembers how a host was reached: in full for this process's own
   * rollback, without secrets on disk. Called for every task on every host:
   * meta.json is rewritten only when a host's spec is new or different.
   */
  setHost(name: string, spec: ConnectionSpec): void {
    const previous = this.specs.get(name);
    this.specs.set(name, spec);
    if (previous !== undefined && sameFields(previous, spec)) return;
    const { password: _secret, ...recordable } = spec;
    const known = this.meta.hosts[name];
    if (known !== undefined && sameFields(known, recordable)) return;
    this.meta.hosts[name] = recordable;
    this.writeMeta();
  }

  /** How this run reached a host, secrets included. */
  specOf(name: string): ConnectionSpec | undefined {
    return this.specs.get(name);
  }

  finish(status: RunMeta['status']): void {
    this.close();
    this.meta = { ...this.meta, status, finished: new Date().toISOString() };
    this.writeMeta();
  }

  /** Closes journal.jsonl; a later entry opens it again. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  /**
   * Appends one line; it is in the file (the operating system's) when this
   * returns. A line cut short by an earlier failure (disk full) is ended
   * first, so the torn line stays alone and readers skip it.
   */
  private append(line: string): void {
    const file = path.join(this.dir, 'journal.jsonl');
    try {
      if (this.fd === undefined) {
        this.fd = openSync(file, 'a+', 0o600);
        if (!endsWithNewline(this.fd)) line = `\n${line}`;
      }
      const bytes = Buffer.from(line);
      for (let written = 0; written < bytes.length; ) written += writeSync(this.fd, bytes, written);
    } catch (error) {
      this.close();
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new JournalError(
        `cannot write the run journal ${file} (${reason}): stopped before the next change. ` +
          `What ran so far is recorded there; free the space and roll back with: ezplay rollback ${this.runId}`,
      );
    }
  }

  record(entry: Omit<JournalEntry, 'seq'>): JournalEntry {
    const full: JournalEntry = { ...entry, seq: ++this.seq };
    this.fullUndo.set(full.seq, entry.undo);
    // the become password stays in memory (this.entries) for this process's own rollback
    const become = entry.become ? { become: entry.become.user !== undefined ? { user: entry.become.user } : {} } : {};
    const { undo: _undo, ...stored } = full;
    if (needsSeal(full.undo, full.secret === true)) {
      const key = runKey(this.dir, true) as Buffer;
      this.append(`${JSON.stringify({ ...stored, ...become, undo: undefined, sealed: seal(key, full.undo) })}\n`);
    } else {
      this.append(`${JSON.stringify({ ...stored, ...become, undo: redactSteps(full.undo) })}\n`);
    }
    this.entries.push(full);
    this.leftStates.changing(full.target, full.writes);
    return full;
  }

  /** Records what a change's steps did once they ran (or one of them failed). */
  recordOutcome(seq: number, outcome: StepsOutcome): void {
    this.append(`${JSON.stringify(outcomeLine(seq, outcome))}\n`);
    const entry = this.entries.find((e) => e.seq === seq);
    if (!entry) return;
    entry.steps = { done: outcome.done, of: outcome.of };
    if (outcome.left) entry.left = outcome.left;
    this.leftStates.left(entry.target, outcome.left);
  }

  /** Records that a change was undone, and what the undo left at its paths. */
  markUndone(seq: number, left?: PathStates): void {
    this.append(`${JSON.stringify(left ? { undone: seq, left } : { undone: seq })}\n`);
    const entry = this.entries.find((e) => e.seq === seq);
    if (entry) this.leftStates.left(entry.target, left);
  }

  /** entries of this process, newest first, with their undo and become in full */
  pending(): JournalEntry[] {
    return [...this.entries].reverse().map((e) => ({ ...e, undo: this.fullUndo.get(e.seq) }));
  }
}

/** Whether two flat records (connection specs) hold the same values. */
function sameFields(a: object, b: object): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => x[k] === y[k]);
}

function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

function outcomeLine(seq: number, outcome: StepsOutcome): Record<string, unknown> {
  return { applied: seq, done: outcome.done, of: outcome.of, ...(outcome.left ? { left: outcome.left } : {}) };
}

/** A run read back: its changes not yet undone, newest first, and how many it recorded in all. */
export interface RecordedRun {
  meta: RunMeta;
  entries: JournalEntry[];
  recorded: number;
  /** the last state the run left at each path it changed, its undos included */
  leftStates: LeftStates;
  /** lines that could not be read (a torn last line after a crash or a full disk) */
  warnings: string[];
}

/** Reads a finished run back for `ezplay rollback`. */
export function readRun(root: string, runId?: string): RecordedRun {
  const id = runId ?? latestRunId(root);
  if (!id) throw new Error(`no runs recorded under ${root}`);
  const dir = path.join(root, id);
  if (!existsSync(dir)) throw new Error(`no run '${id}' under ${root}`);
  const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as RunMeta;
  const file = path.join(dir, 'journal.jsonl');
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
  const entries: JournalEntry[] = [];
  const undone = new Set<number>();
  const warnings: string[] = [];
  const leftStates = new LeftStates();
  const bySeq = new Map<number, JournalEntry>();
  let key: Buffer | undefined;
  const add = (entry: JournalEntry) => {
    entries.push(entry);
    bySeq.set(entry.seq, entry);
    leftStates.changing(entry.target, entry.writes);
  };
  lines.forEach((line, index) => {
    if (line === '') return;
    let parsed: (JournalEntry & { sealed?: string }) | { undone: number; left?: PathStates } | { applied: number; done: number; of: number; left?: PathStates };
    try {
      parsed = JSON.parse(line) as typeof parsed;
    } catch {
      warnings.push(`${file}:${index + 1}: skipped a torn line (the run stopped while writing it; that step never ran)`);
      return;
    }
    if ('undone' in parsed) {
      undone.add(parsed.undone);
      const entry = bySeq.get(parsed.undone);
      if (entry) leftStates.left(entry.target, parsed.left);
      return;
    }
    if ('applied' in parsed) {
      const entry = bySeq.get(parsed.applied);
      if (!entry) return;
      entry.steps = { done: parsed.done, of: parsed.of };
      if (parsed.left) entry.left = parsed.left;
      leftStates.left(entry.target, parsed.left);
      return;
    }
    if (parsed.sealed !== undefined) {
      const { sealed, ...entry } = parsed;
      key ??= runKey(dir, false);
      try {
        add({ ...entry, undo: key ? (unseal(key, sealed) as Step[]) : undefined });
      } catch {
        add({ ...entry, undo: undefined });
      }
      if (!key) warnings.push(`${file}:${index + 1}: the undo of '${entry.task}' is sealed and ${path.join(dir, 'secret.key')} is gone`);
      return;
    }
    add(parsed);
  });
  return { meta, entries: entries.filter((e) => !undone.has(e.seq)).reverse(), recorded: entries.length, leftStates, warnings };
}

/** Every recorded run id, oldest first. */
export function listRunIds(root: string): string[] {
  return existsSync(root) ? readdirSync(root).sort() : [];
}

export function readMeta(root: string, runId: string): RunMeta | undefined {
  try {
    return JSON.parse(readFileSync(path.join(root, runId, 'meta.json'), 'utf8')) as RunMeta;
  } catch {
    return undefined;
  }
}

/** Marks a run's backups deleted: on `hosts` only, or everywhere (it can no longer be rolled back) when `complete`. */
export function markPruned(root: string, runId: string, by: string, hosts: readonly string[], complete: boolean): void {
  const file = path.join(root, runId, 'meta.json');
  const meta = JSON.parse(readFileSync(file, 'utf8')) as RunMeta;
  const prunedOn = { ...meta.prunedOn, ...Object.fromEntries(hosts.map((h) => [h, by])) };
  const next: RunMeta = { ...meta, ...(Object.keys(prunedOn).length ? { prunedOn } : {}), ...(complete ? { prunedBy: by } : {}) };
  writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
}

export function latestRunId(root: string): string | undefined {
  if (!existsSync(root)) return undefined;
  return readdirSync(root).sort().at(-1);
}

/** Re-opens a recorded run to mark entries undone, with what the undo left at their paths. */
export function appendUndone(root: string, runId: string, seq: number, left?: PathStates): void {
  const file = path.join(root, runId, 'journal.jsonl');
  const fd = openSync(file, 'a+', 0o600);
  try {
    const line = `${endsWithNewline(fd) ? '' : '\n'}${JSON.stringify(left ? { undone: seq, left } : { undone: seq })}\n`;
    writeSync(fd, line);
  } finally {
    closeSync(fd);
  }
}

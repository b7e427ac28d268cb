/**
 * The live view on a terminal, built to stay readable with many hosts.
 * Above: what is over, printed once and never redrawn (each finished task
 * as one line with its counts, then only the hosts that changed or
 * failed). Below: a small region redrawn in place (the running task's
 * counter, its last hosts, the long waits under way). Failures are
 * repeated above the PLAY RECAP. It only listens to run events; `-v`
 * chooses the one-line-per-host view of live-hosts.ts instead.
 */
import pc from 'picocolors';
import type { HostStatus, RunEvent } from '../engine/events.js';
import { formatDiff } from './diff-text.js';
import { PlainReporter, recapLine } from './plain.js';
import { shownResult } from './result-text.js';
import { elapsedText, progressText, type ProgressEvent } from './progress-text.js';
import { RollbackTally } from './rollback-summary.js';
import { collapsedLines, taskTitle, type FinishedTask, type HostOutcome } from './task-summary.js';

/** Where the view draws: a real terminal, or a virtual screen in tests. */
export interface Terminal {
  write(text: string): void;
  readonly columns: number;
  readonly rows: number;
}

export interface LiveOptions {
  diff: boolean;
  terminal: Terminal;
  /** redraw at most this often (ms); 0 draws on every event, which tests use for a deterministic screen */
  frameMs?: number;
  now?: () => number;
}

/** The running task's last hosts are named once this few are left. */
const FEW_HOSTS = 8;
/** Long waits shown at once; more are counted. */
const MAX_WAITS = 6;
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

type HostResult = Extract<RunEvent, { type: 'host_result' }>;

interface RunningTask {
  event: Extract<RunEvent, { type: 'task_start' }>;
  started: number;
  hosts: Map<string, HostOutcome>;
}

const RANK: Record<HostStatus, number> = { ok: 0, skipped: 0, changed: 1, failed: 2, unreachable: 3 };

export class LiveReporter {
  private readonly plain: PlainReporter;
  private readonly now: () => number;
  private readonly frameMs: number;
  private task: RunningTask | undefined;
  private readonly waits = new Map<string, { event: ProgressEvent; seen: number }>();
  private readonly failures: Array<{ title: string; host: string; msg: string }> = [];
  private rollback: RollbackTally | undefined;
  /** static text waiting to be printed above the live region */
  private pending = '';
  private liveRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;

  constructor(private readonly o: LiveOptions) {
    this.now = o.now ?? (() => performance.now());
    this.frameMs = o.frameMs ?? 100;
    this.plain = new PlainReporter({ verbosity: 0, diff: o.diff, color: true, write: (text) => this.print(text) });
  }

  handle = (event: RunEvent): void => {
    switch (event.type) {
      case 'task_start':
        this.finishTask();
        this.task = { event, started: this.now(), hosts: new Map(event.hosts.map((h) => [h, { status: undefined, items: 0, notes: [] }])) };
        break;
      case 'host_result':
        this.hostResult(event);
        break;
      case 'progress':
        if (event.end) this.waits.delete(event.key);
        else this.waits.set(event.key, { event, seen: this.waits.get(event.key)?.seen ?? this.now() - event.elapsedMs });
        break;
      case 'rollback_start':
        this.finishTask();
        this.plain.handle(event);
        this.rollback = new RollbackTally();
        break;
      case 'rollback_step':
        this.rollback?.add(event);
        break;
      case 'rollback_end':
        for (const line of this.rollback?.lines(this.o.terminal.columns) ?? []) this.print(line);
        this.rollback = undefined;
        this.plain.handle(event);
        break;
      case 'recap':
        this.finishTask();
        this.printFailures();
        this.printRecap(event);
        break;
      case 'run_start':
      case 'verbose':
        break;
      default:
        // plays, warnings, rollback: printed as the plain reporter prints them
        if (event.type !== 'warning' && event.type !== 'retry') this.finishTask();
        this.plain.handle(event);
    }
    this.schedule();
  };

  /** Draws what is left and stops redrawing. */
  async flush(): Promise<void> {
    this.finishTask();
    this.waits.clear();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.draw();
  }

  private hostResult(e: HostResult): void {
    const task = this.task;
    if (!task) return;
    let line = task.hosts.get(e.host);
    if (!line) task.hosts.set(e.host, (line = { status: undefined, items: 0, notes: [] }));
    if (!line.status || RANK[e.status] >= RANK[line.status]) line.status = e.status;
    line.items++;
    if (e.delegatedTo) line.delegatedTo = e.delegatedTo;
    if ((e.status === 'failed' || e.status === 'unreachable') && !e.ignored) line.msg = e.msg ?? e.status;
    if (e.diff?.length || e.ignored || e.module === 'debug') line.notes.push(e);
  }

  private finishTask(): void {
    const task = this.task;
    if (!task) return;
    this.task = undefined;
    const finished: FinishedTask = { ...task.event, hosts: task.hosts, durationMs: this.now() - task.started };
    const width = this.o.terminal.columns;
    for (const line of collapsedLines(finished, width)) this.print(line);
    for (const [host, outcome] of task.hosts) {
      for (const note of outcome.notes) this.notes(note);
      if (outcome.msg !== undefined) this.failures.push({ title: taskTitle(task.event), host, msg: outcome.msg });
    }
  }

  private notes(e: HostResult): void {
    if (e.diff?.length) {
      this.print(pc.yellow(`    ${e.host}${e.item !== undefined ? ` (item=${e.item})` : ''}:`));
      for (const d of e.diff) this.print(indent(formatDiff(d, true)));
    }
    if (e.module === 'debug' && e.status === 'ok') this.debug(e);
    if (e.ignored) this.print(pc.cyan(`    ${e.host}: failed, ignored: ${firstLine(e.msg ?? '')}`));
  }

  /** A debug message that is text, or a list of lines (a table), shows as lines; anything else as Ansible's JSON. */
  private debug(e: HostResult): void {
    const shown = shownResult(e.result ?? {}, { verbosity: 0, module: e.module });
    const msg = shown.msg;
    const lines = typeof msg === 'string' ? msg.split('\n') : Array.isArray(msg) && msg.every((l) => typeof l === 'string') ? (msg as string[]) : undefined;
    if (!lines || Object.keys(shown).some((k) => k !== 'msg' && k !== 'changed')) {
      this.plain.notes({ ...e, diff: undefined });
      return;
    }
    this.print(`    ${e.host}:`);
    // indented under its host, less so when a table would otherwise wrap
    const longest = Math.max(...lines.map((l) => l.length));
    const pad = ' '.repeat(Math.max(0, Math.min(6, this.o.terminal.columns - 1 - longest)));
    for (const line of lines) this.print(`${pad}${line}`);
  }

  private printFailures(): void {
    if (this.failures.length === 0) return;
    this.print(`\nFAILED ${'*'.repeat(72)}`);
    let title: string | undefined;
    for (const f of this.failures) {
      if (f.title !== title) this.print(pc.red(`${pc.bold('✖')} ${(title = f.title)}`));
      this.print(pc.red(indent(`${f.host}: ${f.msg}`)));
    }
  }

  /** Ansible's recap, its columns narrowed when a line would not fit the terminal (it would wrap into two). */
  private printRecap(e: Extract<RunEvent, { type: 'recap' }>): void {
    const hosts = Object.keys(e.hosts);
    const full = Math.max(26, ...hosts.map((h) => h.length));
    const fits = (w: number) => hosts.every((h) => recapLine(h, e.hosts[h]!, w).length < this.o.terminal.columns);
    const width = fits(full) ? full : Math.max(0, ...hosts.map((h) => h.length));
    this.print(`\nPLAY RECAP ${'*'.repeat(68)}`);
    for (const h of hosts) {
      const c = e.hosts[h]!;
      const line = recapLine(h, c, width);
      this.print(c.failed || c.unreachable ? pc.red(line) : c.changed ? pc.yellow(line) : pc.green(line));
    }
    this.print('');
  }

  private print(text: string): void {
    this.pending += `${text}\n`;
  }

  private schedule(): void {
    if (this.frameMs === 0) return this.draw();
    const live = this.task !== undefined || this.waits.size > 0 || this.rollback !== undefined;
    if (live && !this.timer) {
      this.timer = setInterval(() => {
        this.frame++;
        this.draw();
      }, this.frameMs);
      this.timer.unref();
    }
    if (!live) {
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
      this.draw();
    } else if (this.pending) {
      this.draw();
    }
  }

  /** One write: erase the live region, print what is over, draw the live region again. */
  private draw(): void {
    const live = this.liveLines();
    const erase = '\x1b[1A\x1b[2K'.repeat(this.liveRows);
    const out = erase + this.pending + live.map((l) => `${l}\n`).join('');
    this.pending = '';
    this.liveRows = live.length;
    if (out) this.o.terminal.write(out);
  }

  private liveLines(): string[] {
    const width = Math.max(20, this.o.terminal.columns - 1);
    const fit = (text: string) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
    const lines: string[] = [];
    const now = this.now();
    const task = this.task;
    if (task) {
      const all = [...task.hosts.values()];
      const done = all.filter((h) => h.status !== undefined);
      const changed = done.filter((h) => h.status === 'changed').length;
      const failed = done.filter((h) => h.status === 'failed' || h.status === 'unreachable').length;
      const spin = this.frameMs === 0 ? '›' : SPINNER[this.frame % SPINNER.length];
      const seconds = now - task.started >= 1000 ? `  ${elapsedText(now - task.started)}` : '';
      const counts = `${done.length}/${all.length} done, ${changed} changed, ${failed} failed`;
      lines.push(pc.cyan(fit(`${spin} ${taskTitle(task.event)}  ${counts}${seconds}`)));
      const running = [...task.hosts].filter(([, h]) => h.status === undefined).map(([name]) => name);
      if (running.length > 0 && running.length <= FEW_HOSTS) lines.push(pc.dim(fit(`    running: ${running.join(', ')}`)));
    }
    if (this.rollback) lines.push(pc.cyan(fit(`${this.frameMs === 0 ? '›' : SPINNER[this.frame % SPINNER.length]} ${this.rollback.counter()}`)));
    const waits = [...this.waits.values()];
    for (const { event, seen } of waits.slice(0, MAX_WAITS)) lines.push(pc.dim(fit(`    ${progressText(event, Math.max(event.elapsedMs, now - seen))}`)));
    if (waits.length > MAX_WAITS) lines.push(pc.dim(`    and ${waits.length - MAX_WAITS} more waits`));
    // a region taller than the screen could not be erased again
    return lines.slice(0, Math.max(1, this.o.terminal.rows - 2));
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

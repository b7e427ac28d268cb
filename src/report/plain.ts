/**
 * Ansible-like lines for logs and pipes: `TASK [role : name]`, one line per
 * host, diffs under --diff, and the PLAY RECAP.
 */
import path from 'node:path';
import pc from 'picocolors';
import type { SourcePos } from '../errors.js';
import type { Counters, RunEvent } from '../engine/events.js';
import { formatDiff } from './diff-text.js';
import { progressText } from './progress-text.js';
import { resultIsVerbose, resultText, wrapText } from './result-text.js';

/** Without a terminal, a long wait prints a line this often, so logs show it is alive without filling up. */
export const PLAIN_PROGRESS_EVERY_MS = 5000;

export interface PlainOptions {
  color: boolean;
  verbosity: number;
  diff: boolean;
  write: (text: string) => void;
  /** warnings, as Ansible writes them to stderr; stdout when not given */
  writeError?: (text: string) => void;
}

function banner(title: string): string {
  return `\n${title} ${'*'.repeat(Math.max(3, 79 - title.length))}`;
}

export function recapLine(host: string, c: Counters, width: number): string {
  // Ansible's layout: each count left-aligned in four columns
  const keys: Array<keyof Counters> = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'];
  return `${host.padEnd(width)} : ${keys.map((k) => `${k}=${String(c[k]).padEnd(4)}`).join(' ')}`.trimEnd();
}

export class PlainReporter {
  /** per wait, the elapsed time of the last line printed for it */
  private readonly progressShown = new Map<string, number>();
  private readonly warned = new Set<string>();
  private playPos: SourcePos | undefined;

  constructor(private readonly o: PlainOptions) {}

  private paint(status: string, text: string): string {
    if (!this.o.color) return text;
    switch (status) {
      case 'ok':
        return pc.green(text);
      case 'changed':
        return pc.yellow(text);
      case 'skipped':
        return pc.cyan(text);
      case 'failed':
      case 'unreachable':
        return pc.red(text);
      default:
        return text;
    }
  }

  handle = (event: RunEvent): void => {
    const w = this.o.write;
    switch (event.type) {
      case 'run_start':
        // Ansible's -vv header of a playbook
        if (this.o.verbosity > 1) {
          w(banner(`PLAYBOOK: ${path.basename(event.playbook)}`));
          if (event.plays !== undefined) w(`${event.plays} plays in ${path.relative(process.cwd(), event.playbook) || event.playbook}`);
        }
        break;
      case 'play_start':
        this.playPos = event.pos;
        w(banner(event.name ? `PLAY [${event.name}]` : 'PLAY'));
        break;
      case 'task_start': {
        const kind = event.handler ? 'RUNNING HANDLER' : 'TASK';
        w(banner(`${kind} [${event.role ? `${event.role} : ` : ''}${event.name}]`));
        // facts are gathered at the play's own line
        const pos = event.pos ?? (event.module === 'setup' ? this.playPos : undefined);
        if (this.o.verbosity > 1 && pos?.line !== undefined) w(`task path: ${pos.file}:${pos.line}`);
        break;
      }
      case 'host_result':
        this.hostResult(event);
        break;
      case 'meta':
        w(banner(`${event.handler ? 'RUNNING HANDLER' : 'TASK'} [${event.role ? `${event.role} : ` : ''}${event.name}]`));
        if (this.o.verbosity > 1 && event.pos?.line !== undefined) w(`task path: ${event.pos.file}:${event.pos.line}`);
        if (this.o.verbosity > 1) w(`META: ${event.msg}`);
        break;
      case 'progress':
        this.progress(event);
        break;
      case 'retry': {
        // Ansible's default callback: the attempt's result from -vvv on (or when the result is always shown)
        const host = event.delegatedTo ? `${event.host} -> ${event.delegatedTo}` : event.host;
        let line = `FAILED - RETRYING: [${host}]: ${event.task} (${event.retriesLeft} retries left).`;
        if (resultIsVerbose(event.result, this.o.verbosity - 2)) line += `Result was: ${resultText(event.result, { verbosity: this.o.verbosity })}`;
        w(this.paint('debug', line));
        break;
      }
      case 'verbose':
        if (this.o.verbosity > 2) w(event.msg);
        break;
      case 'warning':
        // as Ansible: no host in front, a warning that several hosts give is printed once
        this.warning(`[WARNING]: ${event.msg}`);
        break;
      case 'rollback_start':
        w(banner(`ROLLBACK [${event.reason}]`));
        break;
      case 'rollback_step': {
        const labels = { undone: 'undone', refused: 'REFUSED to undo', failed: 'FAILED to undo', cannot_undo: 'cannot undo' } as const;
        const label = labels[event.status];
        w(this.paint(event.status === 'undone' ? 'changed' : 'failed', `${label}: [${event.host}] ${event.task}${event.msg ? ` (${event.msg})` : ''}`));
        break;
      }
      case 'rollback_end':
        w(`rollback: ${event.undone} undone, ${event.refused} refused, ${event.failed} failed, ${event.cannotUndo} could not be undone`);
        break;
      case 'recap': {
        w(banner('PLAY RECAP'));
        const hosts = Object.keys(event.hosts);
        const width = Math.max(26, ...hosts.map((h) => h.length));
        for (const h of hosts) {
          const c = event.hosts[h]!;
          const status = c.failed || c.unreachable ? 'failed' : c.changed ? 'changed' : 'ok';
          w(this.paint(status, recapLine(h, c, width)));
        }
        w('');
        break;
      }
      default:
        break;
    }
  };

  /** Ansible's layout: wrapped at 79 columns, each distinct warning once, on stderr. */
  private warning(text: string): void {
    const wrapped = wrapText(text).join('\n');
    if (this.warned.has(wrapped)) return;
    this.warned.add(wrapped);
    (this.o.writeError ?? this.o.write)(this.paint('changed', wrapped));
  }

  private progress(e: Extract<RunEvent, { type: 'progress' }>): void {
    // keyed by the event's own clock, so the output depends on the events alone
    const last = this.progressShown.get(e.key) ?? 0;
    if (e.end) {
      this.progressShown.delete(e.key);
      return;
    }
    if (e.elapsedMs - last < PLAIN_PROGRESS_EVERY_MS) return;
    this.progressShown.set(e.key, e.elapsedMs);
    this.o.write(this.paint('skipped', `... ${progressText(e)}`));
  }

  /** What a live view prints under a finished task: diffs and debug messages, without the status line. */
  notes(e: Extract<RunEvent, { type: 'host_result' }>): void {
    // the engine attaches a diff only where --diff or the task's `diff: true` asks for one
    if (e.diff) for (const d of e.diff) this.o.write(formatDiff(d, this.o.color));
    if (e.module === 'debug' && e.status === 'ok' && e.result && !e.result._ansible_no_log) {
      // debug's result is always shown indented
      this.o.write(`${e.host} => ${resultText({ ...e.result, _ansible_verbose_always: true }, { verbosity: this.o.verbosity, module: e.module })}`);
    }
    if (e.ignored) this.o.write(this.paint('skipped', `${e.host}: ...ignoring`));
  }

  private hostResult(e: Extract<RunEvent, { type: 'host_result' }>): void {
    const host = e.delegatedTo ? `${e.host} -> ${e.delegatedTo}` : e.host;
    // the engine attaches a diff only where --diff or the task's `diff: true` asks for one
    if (e.diff) for (const d of e.diff) this.o.write(formatDiff(d, this.o.color));
    const result = e.result ?? (e.msg !== undefined ? { msg: e.msg } : {});
    const text = { verbosity: this.o.verbosity, module: e.module };
    const dump = () => resultText(result, text);
    const verbose = resultIsVerbose(result, this.o.verbosity);
    let line: string;
    // Ansible's default callback, line for line
    switch (e.status) {
      case 'failed':
        line = e.item !== undefined ? `failed: [${host}] (item=${e.item}) => ${dump()}` : `fatal: [${host}]: FAILED! => ${dump()}`;
        break;
      case 'unreachable':
        line = `fatal: [${host}]: UNREACHABLE! => ${dump()}`;
        break;
      case 'skipped':
        line = e.item !== undefined ? `skipping: [${host}] => (item=${e.item}) ` : `skipping: [${host}]`;
        if (verbose) line += ` => ${dump()}`;
        break;
      default:
        line = `${e.status}: [${host}]${e.item !== undefined ? ` => (item=${e.item})` : ''}`;
        if (verbose) line += ` => ${dump()}`;
    }
    this.o.write(this.paint(e.status, line));
    if (e.ignored) this.o.write(this.paint('skipped', '...ignoring'));
  }
}


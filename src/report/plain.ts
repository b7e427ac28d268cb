/**
 * Ansible-like lines for logs and pipes: `TASK [role : name]`, one line per
 * host, diffs under --diff, and the PLAY RECAP.
 */
import pc from 'picocolors';
import type { Counters, RunEvent } from '../engine/events.js';
import { formatDiff } from './diff-text.js';
import { progressText } from './progress-text.js';

/** Without a terminal, a long wait prints a line this often, so logs show it is alive without filling up. */
export const PLAIN_PROGRESS_EVERY_MS = 5000;

export interface PlainOptions {
  color: boolean;
  verbosity: number;
  diff: boolean;
  write: (text: string) => void;
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
      case 'play_start':
        w(banner(`PLAY [${event.name}]`));
        break;
      case 'task_start': {
        const kind = event.handler ? 'RUNNING HANDLER' : 'TASK';
        w(banner(`${kind} [${event.role ? `${event.role} : ` : ''}${event.name}]`));
        break;
      }
      case 'host_result':
        this.hostResult(event);
        break;
      case 'progress':
        this.progress(event);
        break;
      case 'warning':
        w(this.paint('changed', `[WARNING]: ${event.host ? `${event.host}: ` : ''}${event.msg}`));
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
    if (e.module === 'debug' && e.status === 'ok' && !e.result?._ansible_no_log) this.o.write(`${e.host} => ${debugShown(e)}`);
    if (e.ignored) this.o.write(this.paint('skipped', `${e.host}: ...ignoring`));
  }

  private hostResult(e: Extract<RunEvent, { type: 'host_result' }>): void {
    const host = e.delegatedTo ? `${e.host} -> ${e.delegatedTo}` : e.host;
    const item = e.item !== undefined ? ` => (item=${e.item})` : '';
    // the engine attaches a diff only where --diff or the task's `diff: true` asks for one
    if (e.diff) for (const d of e.diff) this.o.write(formatDiff(d, this.o.color));
    let line: string;
    switch (e.status) {
      case 'failed':
        line = `fatal: [${host}]: FAILED!${item} => ${JSON.stringify({ msg: e.msg ?? 'failed' })}`;
        break;
      case 'unreachable':
        line = `fatal: [${host}]: UNREACHABLE! => ${JSON.stringify({ msg: e.msg ?? 'unreachable' })}`;
        break;
      case 'skipped':
        line = `skipping: [${host}]${item}`;
        break;
      default:
        line = `${e.status}: [${host}]${item}`;
        if (e.module === 'debug' && e.status === 'ok' && !e.result?._ansible_no_log) line += ` => ${debugShown(e)}`;
        else if (e.msg && this.o.verbosity > 0) line += ` => ${JSON.stringify({ msg: e.msg })}`;
    }
    this.o.write(this.paint(e.status, line));
    if (e.ignored) this.o.write(this.paint('skipped', '...ignoring'));
    if (this.o.verbosity > 1 && e.result) this.o.write(JSON.stringify(e.result, null, 2));
  }
}

/** What debug shows, as Ansible does: its result without the bookkeeping fields, indented by four. */
function debugShown(e: Extract<RunEvent, { type: 'host_result' }>): string {
  const shown: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e.result ?? {})) {
    if (k === 'changed' || k === 'failed' || k.startsWith('_ansible')) continue;
    shown[k] = v;
  }
  return JSON.stringify(shown, null, 4);
}

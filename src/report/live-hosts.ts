/**
 * The live view on a terminal with -v, drawn by listr2: the play, then the
 * running task with one line per host that turns into ok/changed/failed as
 * hosts finish, and stays so. A host's long wait shows under its line. It
 * only listens to run events; diffs, warnings and the recap are printed
 * between tasks by the plain reporter.
 */
import { Listr } from 'listr2';
import type { HostStatus, RunEvent } from '../engine/events.js';
import { PlainReporter } from './plain.js';
import { progressText } from './progress-text.js';

interface HostLine {
  status: HostStatus | undefined;
  items: number;
  msg: string | undefined;
  /** the long wait under way, shown under the host's line */
  wait: ((text: string) => void) | undefined;
  done: () => void;
  finished: Promise<void>;
}

const RANK: Record<HostStatus, number> = { ok: 0, skipped: 0, changed: 1, failed: 2, unreachable: 3 };

export class HostLinesReporter {
  private readonly plain: PlainReporter;
  private hosts = new Map<string, HostLine>();
  private running: Promise<unknown> = Promise.resolve();
  private pending: RunEvent[] = [];
  /** diffs and messages of the running task, printed once its lines are drawn */
  private taskNotes: Array<Extract<RunEvent, { type: 'host_result' }>> = [];

  constructor(options: { verbosity: number; diff: boolean; write: (text: string) => void }) {
    this.plain = new PlainReporter({ ...options, color: true });
  }

  /** Resolves once everything has been drawn. */
  async flush(): Promise<void> {
    this.closeTask();
    await this.running;
    this.drainPlain();
  }

  private closeTask(): void {
    for (const line of this.hosts.values()) line.done();
    this.hosts = new Map();
  }

  private drainPlain(): void {
    const events = this.pending;
    this.pending = [];
    for (const e of events) this.plain.handle(e);
  }

  handle = (event: RunEvent): void => {
    switch (event.type) {
      case 'task_start':
        this.closeTask();
        this.startTask(event);
        return;
      case 'host_result': {
        const line = this.hosts.get(event.host);
        if (line) {
          if (!line.status || RANK[event.status] >= RANK[line.status]) line.status = event.status;
          line.items++;
          if (event.msg && (event.status === 'failed' || event.status === 'unreachable')) line.msg = event.msg;
        }
        if (event.diff?.length || event.ignored || event.module === 'debug') this.taskNotes.push(event);
        return;
      }
      case 'progress': {
        const line = event.host !== undefined ? this.hosts.get(event.host) : undefined;
        line?.wait?.(event.end ? '' : progressText({ ...event, host: undefined }));
        return;
      }
      case 'play_end':
      case 'rollback_start':
      case 'recap':
      case 'play_start':
        this.closeTask();
        this.running = this.running.then(() => {
          this.drainPlain();
          this.plain.handle(event);
        });
        return;
      default:
        this.pending.push(event);
        if (this.hosts.size === 0) this.running = this.running.then(() => this.drainPlain());
    }
  };

  private startTask(event: Extract<RunEvent, { type: 'task_start' }>): void {
    for (const host of event.hosts) {
      let done!: () => void;
      const finished = new Promise<void>((resolve) => (done = resolve));
      this.hosts.set(host, { status: undefined, items: 0, msg: undefined, wait: undefined, done, finished });
    }
    const lines = new Map(this.hosts);
    const title = `${event.handler ? 'HANDLER' : 'TASK'} [${event.role ? `${event.role} : ` : ''}${event.name}]`;
    const list = new Listr(
      [
        {
          title,
          task: (_ctx, task) =>
            task.newListr(
              [...lines.entries()].map(([host, line]) => ({
                title: host,
                task: async (_c, sub) => {
                  line.wait = (text) => (sub.output = text);
                  await line.finished;
                  line.wait = undefined;
                  const status = line.status ?? 'skipped';
                  sub.title = `${status}: ${host}${line.items > 1 ? ` (${line.items} items)` : ''}`;
                  if (status === 'failed' || status === 'unreachable') throw new Error(`${status}: ${host}: ${line.msg ?? ''}`);
                  if (status === 'skipped') sub.skip(`skipping: ${host}`);
                },
              })),
              { concurrent: true, exitOnError: false, rendererOptions: { collapseSubtasks: false } },
            ),
        },
      ],
      { exitOnError: false, rendererOptions: { collapseErrors: false }, registerSignalListeners: false },
    );
    const notes = (this.taskNotes = []);
    this.running = this.running.then(async () => {
      this.drainPlain();
      await list.run().catch(() => undefined);
      for (const note of notes) this.plain.notes(note);
    });
  }
}

/**
 * Progress of long waits, from modules and steps to the reporters. A
 * download calls back for every chunk; the reporters need a few updates a
 * second at most, so the emitter throttles here, once, for all of them.
 */
import type { ProgressUpdate } from '../modules/types.js';
import type { EventSink } from './events.js';

export type ProgressSink = (update: ProgressUpdate) => void;

/** Updates of one wait closer together than this are dropped (but the end, and a count that moved). */
export const PROGRESS_INTERVAL_MS = 200;

export interface ProgressWhere {
  key: string;
  host?: string | undefined;
  task?: string | undefined;
}

export function progressEmitter(events: EventSink, where: ProgressWhere, now: () => number = () => performance.now()): ProgressSink {
  let started: number | undefined;
  let last = -Infinity;
  let lastCount: number | undefined;
  return (update) => {
    const t = now();
    // a count that moves (round 2 of 3) is news, however soon; bytes are not
    const countMoved = update.unit === 'count' && update.done !== lastCount;
    if (update.end) {
      // an end without an update before it ends a wait nobody was shown
      if (started === undefined) return;
    } else if (t - last < PROGRESS_INTERVAL_MS && !countMoved) {
      return;
    }
    started ??= t;
    last = t;
    if (update.unit === 'count') lastCount = update.done;
    events.emit({
      type: 'progress',
      key: where.key,
      ...(where.host !== undefined ? { host: where.host } : {}),
      ...(where.task !== undefined ? { task: where.task } : {}),
      text: update.text,
      ...(update.done !== undefined ? { done: update.done } : {}),
      ...(update.total !== undefined ? { total: update.total } : {}),
      ...(update.unit !== undefined ? { unit: update.unit } : {}),
      elapsedMs: Math.round(t - started),
      ...(update.end ? { end: true } : {}),
    });
    if (update.end) {
      started = undefined;
      last = -Infinity;
      lastCount = undefined;
    }
  };
}

/**
 * Runs `work`, and while it runs sends `text` once a second, so that a wait
 * with nothing to count (an upload, a command) still shows its elapsed time.
 */
export async function withProgressTicks<T>(sink: ProgressSink | undefined, update: ProgressUpdate, work: () => Promise<T>): Promise<T> {
  if (!sink) return work();
  sink(update);
  const timer = setInterval(() => sink(update), 1000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    sink({ ...update, end: true });
  }
}

/** --json: one JSON event per line; the last line is the recap. */
import type { RunEvent } from '../engine/events.js';
import { redactPrivateKeys } from '../pki/redact.js';
import type { TimingsCollector } from './timings.js';

/** A long wait shows in --json once it has lasted this long, then about this often. */
export const JSON_PROGRESS_EVERY_MS = 1000;

/** With `timings` (--timings), the timings line also names the slowest tasks and hosts. */
export function jsonLinesReporter(write: (line: string) => void, timings?: TimingsCollector): (event: RunEvent) => void {
  // per wait: the elapsed time of the last progress line written; quick waits write none
  const shown = new Map<string, number>();
  return (event) => {
    if (event.type === 'progress') {
      const last = shown.get(event.key);
      if (event.end) {
        shown.delete(event.key);
        if (last === undefined) return;
      } else if (event.elapsedMs - (last ?? 0) < JSON_PROGRESS_EVERY_MS) {
        return;
      } else {
        shown.set(event.key, event.elapsedMs);
      }
      write(JSON.stringify(event));
      return;
    }
    if (event.type === 'recap') {
      const phases = Object.fromEntries(Object.entries(event.phases).map(([k, v]) => [k, Math.round(v)]));
      const slowest = timings?.summary();
      const detail = slowest
        ? {
            tasks: slowest.tasks.map((t) => ({ ...t, ms: Math.round(t.ms) })),
            hosts: slowest.hosts.map((h) => ({ ...h, ms: Math.round(h.ms) })),
          }
        : {};
      write(JSON.stringify({ type: 'timings', runId: event.runId, durationMs: Math.round(event.durationMs), phases, ...detail }));
      write(JSON.stringify({ type: 'recap', hosts: event.hosts }));
      return;
    }
    write(redactPrivateKeys(JSON.stringify(event)));
  };
}

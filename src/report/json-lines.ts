/** --json: one JSON event per line; the last line is the recap. */
import type { RunEvent } from '../engine/events.js';
import { redactPrivateKeys } from '../pki/redact.js';

export function jsonLinesReporter(write: (line: string) => void): (event: RunEvent) => void {
  return (event) => {
    if (event.type === 'recap') {
      const phases = Object.fromEntries(Object.entries(event.phases).map(([k, v]) => [k, Math.round(v)]));
      write(JSON.stringify({ type: 'timings', runId: event.runId, durationMs: Math.round(event.durationMs), phases }));
      write(JSON.stringify({ type: 'recap', hosts: event.hosts }));
      return;
    }
    write(redactPrivateKeys(JSON.stringify(event)));
  };
}

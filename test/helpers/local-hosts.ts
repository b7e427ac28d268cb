/** Shared bits of the keyword acceptance suite: three local hosts and file readers. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunEvent } from '../../src/engine/events.js';

/** h1 h2 h3 on the local connection: web = h1 h2, db = h2 h3. */
export const THREE_HOSTS = `
[web]
h1 ansible_connection=local
h2 ansible_connection=local

[db]
h2
h3 ansible_connection=local
`;

export function read(dir: string, file: string): string {
  return readFileSync(path.join(dir, file), 'utf8');
}

export function exists(dir: string, file: string): boolean {
  return existsSync(path.join(dir, file));
}

export type HostResult = Extract<RunEvent, { type: 'host_result' }>;

export function results(events: RunEvent[], task?: string): HostResult[] {
  return events.filter((e): e is HostResult => e.type === 'host_result' && (task === undefined || e.task === task));
}

export function taskStarts(events: RunEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'task_start' ? [e.name] : []));
}

/** A progress event in words, the same on every reporter: `etcd1: downloading etcd.tar.gz: 12 MB of 40 MB, 5.1 MB/s, 3 s`. */
import type { RunEvent } from '../engine/events.js';

export type ProgressEvent = Extract<RunEvent, { type: 'progress' }>;

/** 21.3 MB, 812 kB, 40 B: decimal units, as curl and etcdctl print them. */
export function bytesText(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** 4 s, 1 min 12 s */
export function elapsedText(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

export function progressText(e: ProgressEvent, elapsedMs: number = e.elapsedMs): string {
  const parts = [e.text];
  if (e.unit === 'bytes' && e.done !== undefined) {
    const rate = elapsedMs >= 500 ? `, ${bytesText(Math.round((e.done * 1000) / elapsedMs))}/s` : '';
    parts[0] += `: ${bytesText(e.done)}${e.total !== undefined ? ` of ${bytesText(e.total)}` : ''}${rate}`;
  } else if (e.unit === 'bytes' && e.total !== undefined) {
    parts[0] += ` (${bytesText(e.total)})`;
  }
  if (elapsedMs >= 1000) parts.push(elapsedText(elapsedMs));
  return `${e.host !== undefined ? `${e.host}: ` : ''}${parts.join(', ')}`;
}

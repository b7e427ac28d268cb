/** `serial` into host batches: numbers, percentages, or a list of them (the last repeats). */
import type { Serial } from '../load/model.js';

export function batchSizes(serial: Serial | undefined, total: number, render: (v: string) => unknown): number[] {
  if (!serial || serial.length === 0 || total === 0) return [total];
  const sizes = serial.map((s) => {
    const value = typeof s === 'string' && s.includes('{{') ? String(render(s)) : s;
    if (typeof value === 'string' && value.endsWith('%')) {
      return Math.max(1, Math.floor((total * Number(value.slice(0, -1))) / 100));
    }
    const n = Number(value);
    return n <= 0 ? total : n;
  });
  return sizes;
}

export function splitBatches<T>(hosts: readonly T[], sizes: readonly number[]): T[][] {
  const out: T[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const size = sizes[Math.min(k, sizes.length - 1)] ?? hosts.length;
    out.push(hosts.slice(i, i + size));
    i += size;
    k++;
  }
  return out;
}

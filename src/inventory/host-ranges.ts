/**
 * Host names as inventories write them: `node[01:03].example.com` stands for
 * three hosts, and `db1:2222` is host db1 on port 2222.
 */

export class HostPatternError extends Error {}

export interface HostSpec {
  names: string[];
  port?: number;
}

/** Splits an optional `:port` and expands `[a:b]` / `[a:b:step]` ranges. */
export function expandHostSpec(spec: string): HostSpec {
  const { host, port } = splitPort(spec);
  if (spec.trim().endsWith(':') && port === undefined) {
    throw new HostPatternError(`invalid host '${spec}': a trailing ':' must be followed by a port`);
  }
  return port === undefined ? { names: expandRanges(host) } : { names: expandRanges(host), port };
}

function splitPort(spec: string): { host: string; port?: number } {
  // [2001:db8::1]:2222, the only way to give IPv6 a port
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(spec);
  if (bracketed && bracketed[1]!.includes(':')) {
    return bracketed[2] ? { host: bracketed[1]!, port: Number(bracketed[2]) } : { host: bracketed[1]! };
  }
  const outsideBrackets = spec.replace(/\[[^\]]*\]/g, '');
  const colons = outsideBrackets.split(':').length - 1;
  // more than one colon is a bare IPv6 address, which cannot carry a port
  if (colons !== 1) return { host: spec };
  const m = /^(.+):(\d+)$/.exec(spec);
  if (!m) return { host: spec };
  return { host: m[1]!, port: Number(m[2]) };
}

/** True when the name holds a range such as `[1:3]` or `[a:c]`. */
export function hasRange(name: string): boolean {
  return /\[[^\]]*:[^\]]*\]/.test(name);
}

export function expandRanges(name: string): string[] {
  const m = /^(.*?)\[([^\]]*:[^\]]*)\](.*)$/.exec(name);
  if (!m) return [name];
  const [, head, range, tail] = m as unknown as [string, string, string, string];
  const parts = range.split(':');
  if (parts.length > 3) throw new HostPatternError(`host range '[${range}]' has too many ':'`);
  const [beginText = '', end = '', stepText = ''] = parts;
  const begin = beginText === '' ? '0' : beginText;
  if (end === '') throw new HostPatternError(`host range '[${range}]' must have an end`);
  const step = stepText === '' ? 1 : Number(stepText);
  if (!Number.isInteger(step) || step < 1) throw new HostPatternError(`host range '[${range}]' has a bad step`);
  const values = /^\d+$/.test(begin) && /^\d+$/.test(end) ? numericRange(begin, end, step, range) : letterRange(begin, end, step, range);
  const tails = expandRanges(tail);
  return values.flatMap((value) => tails.map((rest) => `${head}${value}${rest}`));
}

function numericRange(begin: string, end: string, step: number, range: string): string[] {
  // a leading zero asks for zero padding, and then both ends must be as wide
  const padded = begin.length > 1 && begin.startsWith('0');
  if (padded && begin.length !== end.length) {
    throw new HostPatternError(`host range '[${range}]' must use begin and end of equal width`);
  }
  const from = Number(begin);
  const to = Number(end);
  if (from > to) throw new HostPatternError(`host range '[${range}]' must not end before it begins`);
  const out: string[] = [];
  for (let n = from; n <= to; n += step) out.push(padded ? String(n).padStart(begin.length, '0') : String(n));
  return out;
}

function letterRange(begin: string, end: string, step: number, range: string): string[] {
  if (!/^[a-zA-Z]$/.test(begin) || !/^[a-zA-Z]$/.test(end)) {
    throw new HostPatternError(`host range '[${range}]' must be numbers or single letters`);
  }
  const from = begin.charCodeAt(0);
  const to = end.charCodeAt(0);
  if (from > to) throw new HostPatternError(`host range '[${range}]' must not end before it begins`);
  const out: string[] = [];
  for (let n = from; n <= to; n += step) out.push(String.fromCharCode(n));
  return out;
}

/**
 * Port specifications as users write them (2379, '2379-2380', '2379:2380',
 * '2379/tcp', lists of those) and as each firewall spells them.
 */
import { ModuleError } from '../../errors.js';

export type Proto = 'tcp' | 'udp';

export interface PortRange {
  from: number;
  to: number;
}

/** One port or range with its protocol: what one rule opens. */
export interface PortRule extends PortRange {
  proto: Proto;
}

function parseNumber(text: string, spec: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new ModuleError(`'${spec}' is not a port or a range of ports (1-65535)`);
  return n;
}

/** `2379`, `2379-2380`, `2379:2380`; a `/tcp` suffix overrides `proto`. */
export function parsePortRule(spec: unknown, proto: Proto): PortRule {
  const text = String(spec).trim();
  const [ports = '', suffix] = text.split('/');
  const p = suffix === undefined ? proto : suffix.toLowerCase();
  if (p !== 'tcp' && p !== 'udp') throw new ModuleError(`'${text}': the protocol must be tcp or udp`);
  const [a = '', b] = ports.split(/[-:]/);
  const from = parseNumber(a, text);
  const to = b === undefined ? from : parseNumber(b, text);
  if (to < from) throw new ModuleError(`'${text}': the range ends before it starts`);
  return { from, to, proto: p };
}

export function parsePortRules(spec: unknown, proto: Proto): PortRule[] {
  const items = Array.isArray(spec) ? spec : String(spec).split(',');
  return items.map((item) => String(item).trim()).filter(Boolean).map((item) => parsePortRule(item, proto));
}

/** `2379` or `2379<sep>2380` */
export function formatPorts(r: PortRange, separator: '-' | ':'): string {
  return r.from === r.to ? `${r.from}` : `${r.from}${separator}${r.to}`;
}

/** `2379/tcp`, `2379-2380/tcp`: the subject of a diff, and firewalld's spelling */
export function portLabel(r: PortRule): string {
  return `${formatPorts(r, '-')}/${r.proto}`;
}

export function covers(outer: PortRule, inner: PortRule): boolean {
  return outer.proto === inner.proto && outer.from <= inner.from && outer.to >= inner.to;
}

/**
 * Plain data as the YAML representer sees it before the emitter writes it:
 * scalars with their text (and whether YAML 1.1 would misread them
 * unquoted), sequences and mappings (keys sorted as Python sorts them),
 * each marked flow or block as PyYAML's `default_flow_style` decides.
 */
import { needsQuotes } from './yaml-scalar.js';
import { VaultText } from '../vault/value.js';

export interface DumpOptions {
  /** PyYAML's default_flow_style: false = block everywhere, null = flow for collections of scalars */
  flowStyle: boolean | null;
  indent?: number;
  width?: number;
  sortKeys?: boolean;
  explicitStart?: boolean;
}

export type Node =
  | { kind: 'scalar'; text: string; quoted: boolean }
  /** a `!vault` value: its vault text as a tagged literal block, never the secret */
  | { kind: 'vault'; text: string }
  | { kind: 'seq'; items: Node[]; flow: boolean }
  | { kind: 'map'; pairs: [Node, Node][]; flow: boolean };

/** Python's repr of a float as PyYAML writes it (`1e+16` -> `1.0e+16`). */
function floatText(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (!Number.isFinite(n)) return n > 0 ? '.inf' : '-.inf';
  let text = String(n);
  const exp = Math.floor(Math.log10(Math.abs(n)));
  if (n !== 0 && (exp >= 16 || exp < -4)) {
    text = n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  text = text.toLowerCase();
  if (!text.includes('.') && text.includes('e')) text = text.replace('e', '.0e');
  return text;
}

/** Code points in Python's order, for sort_keys. */
function compareKeys(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d) return d;
  }
  return x.length - y.length;
}

export interface Represented {
  /** a float that is whole (5.0), which JavaScript cannot tell from an int */
  wholeFloat?: (value: unknown) => number | undefined;
}

export function represent(value: unknown, options: DumpOptions, hooks: Represented): Node {
  const whole = hooks.wholeFloat?.(value);
  if (whole !== undefined) {
    const text = floatText(whole);
    return { kind: 'scalar', text: /[.e]/.test(text) ? text : `${text}.0`, quoted: false };
  }
  if (value === null || value === undefined) return { kind: 'scalar', text: 'null', quoted: false };
  if (typeof value === 'boolean') return { kind: 'scalar', text: value ? 'true' : 'false', quoted: false };
  if (typeof value === 'number') return { kind: 'scalar', text: Number.isInteger(value) && Math.abs(value) < 1e16 ? String(value) : floatText(value), quoted: false };
  if (typeof value === 'bigint') return { kind: 'scalar', text: value.toString(), quoted: false };
  if (typeof value === 'string') return { kind: 'scalar', text: value, quoted: needsQuotes(value) };
  if (value instanceof VaultText) return { kind: 'vault', text: value.ciphertext };
  const flowOf = (children: Node[]) => options.flowStyle ?? children.every((c) => c.kind === 'scalar');
  if (Array.isArray(value)) {
    const items = value.map((v) => represent(v, options, hooks));
    return { kind: 'seq', items, flow: flowOf(items) };
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (options.sortKeys !== false) keys.sort(compareKeys);
    const pairs: [Node, Node][] = keys.map((k) => [represent(k, options, hooks), represent(record[k], options, hooks)]);
    return { kind: 'map', pairs, flow: flowOf(pairs.flat()) };
  }
  throw new Error(`cannot represent a ${typeof value} as YAML`);
}


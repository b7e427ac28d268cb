/**
 * A host's variables as one lazily resolved view over precedence layers.
 * A variable whose value is a template (`ETCD_NODES: "{{ TMP_NODES.rstrip(',') }}"`)
 * is rendered the first time it is read, with the same view, so variables
 * may refer to each other in any order; a cycle is an error naming the chain.
 */
import { VarsError, type SourcePos } from '../errors.js';

export interface VarLayer {
  /** where the layer comes from: 'role defaults (etcd)', 'group_vars/all', '-e' */
  source: string;
  vars: Record<string, unknown>;
  pos?: SourcePos;
}

/** What the resolver needs of the template layer. */
export interface ValueRenderer {
  renderValue(value: unknown, vars: Record<string, unknown>, where?: SourcePos): unknown;
}

/** Values that are already final (facts, registered results) are wrapped so they are never re-rendered. */
export class Literal {
  constructor(readonly value: unknown) {}
}

/** Every value of a layer marked final: data from hosts and loop items are never rendered again. */
export function literalValues(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) out[k] = v instanceof Literal ? v : new Literal(v);
  return out;
}

function needsRender(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{') || value.includes('{%');
  if (Array.isArray(value)) return value.some(needsRender);
  if (value && typeof value === 'object' && !(value instanceof Literal)) {
    return Object.values(value).some(needsRender);
  }
  return false;
}

export class VarResolver {
  private readonly cache = new Map<string, unknown>();
  private readonly resolving: string[] = [];
  readonly view: Record<string, unknown>;

  constructor(
    private readonly layers: VarLayer[],
    private readonly renderer: ValueRenderer,
  ) {
    this.view = new Proxy(Object.create(null) as Record<string, unknown>, {
      get: (_t, name) => (typeof name === 'string' ? this.get(name) : undefined),
      has: (_t, name) => typeof name === 'string' && this.has(name),
      ownKeys: () => this.keys(),
      getOwnPropertyDescriptor: (_t, name) =>
        typeof name === 'string' && this.has(name)
          ? { enumerable: true, configurable: true, writable: false, value: this.get(name) }
          : undefined,
      set: () => false,
    });
  }

  has(name: string): boolean {
    return this.layers.some((layer) => Object.prototype.hasOwnProperty.call(layer.vars, name));
  }

  keys(): string[] {
    const names = new Set<string>();
    for (const layer of this.layers) for (const k of Object.keys(layer.vars)) names.add(k);
    return [...names];
  }

  /** the layer that decides a variable, for `-vvv` and error messages */
  origin(name: string): VarLayer | undefined {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const layer = this.layers[i] as VarLayer;
      if (Object.prototype.hasOwnProperty.call(layer.vars, name)) return layer;
    }
    return undefined;
  }

  get(name: string): unknown {
    if (this.cache.has(name)) return this.cache.get(name);
    const layer = this.origin(name);
    if (!layer) return undefined;
    const raw = layer.vars[name];
    if (raw instanceof Literal) return raw.value;
    if (!needsRender(raw)) {
      this.cache.set(name, raw);
      return raw;
    }
    if (this.resolving.includes(name)) {
      const chain = [...this.resolving.slice(this.resolving.indexOf(name)), name].join(' -> ');
      throw new VarsError(`recursive loop detected in variables: ${chain}`, layer.pos ?? { file: layer.source });
    }
    this.resolving.push(name);
    try {
      const value = this.renderer.renderValue(raw, this.view, layer.pos ?? { file: layer.source });
      this.cache.set(name, value);
      return value;
    } finally {
      this.resolving.pop();
    }
  }
}

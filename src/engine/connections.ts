/**
 * One connection per host for the whole run, opened on first use. How a
 * connection is opened is injected, so the engine runs against local, SSH
 * or fake hosts alike.
 */
import { ConnectionError } from '../errors.js';
import { LocalConnection } from '../connection/local.js';
import type { Connection, ConnectionSpec } from '../connection/types.js';

export type ConnectionOpener = (spec: ConnectionSpec) => Promise<Connection>;

export const openLocal: ConnectionOpener = async (spec) => new LocalConnection(spec.host);

export class ConnectionPool {
  private readonly open = new Map<string, Promise<Connection>>();
  /** connections opened ahead of use by prewarm(), with the spec each was opened with, until get() takes them */
  private readonly ahead = new Map<string, ConnectionSpec>();
  /** how long each host took to connect, for the per-phase timings */
  readonly connectMs = new Map<string, number>();

  constructor(private readonly opener: ConnectionOpener) {}

  /**
   * Starts opening the connection for `spec.host` in the background. Its
   * outcome waits in the pool: the next get() for the host takes it (or
   * its error) as if it had opened it itself, unless that get() asks with
   * a different spec, which opens a new connection instead.
   */
  prewarm(spec: ConnectionSpec): void {
    const key = keyOf(spec);
    if (this.open.has(key)) return;
    this.open.set(key, this.start(spec));
    this.ahead.set(key, spec);
  }

  /** The connection for `spec.host`; an unreachable host throws ConnectionError every time it is asked for. */
  get(spec: ConnectionSpec): Promise<Connection> {
    const key = keyOf(spec);
    const aheadSpec = this.ahead.get(key);
    if (aheadSpec) {
      this.ahead.delete(key);
      if (!sameSpec(aheadSpec, spec)) this.drop(key);
    }
    let pending = this.open.get(key);
    if (!pending) {
      pending = this.start(spec);
      this.open.set(key, pending);
    }
    return pending.catch((error: unknown) => {
      if (error instanceof ConnectionError) throw error;
      throw new ConnectionError(`${spec.host}: ${(error as Error).message}`, { unreachable: true, cause: error });
    });
  }

  private start(spec: ConnectionSpec): Promise<Connection> {
    const started = performance.now();
    const opener = spec.transport === 'local' ? openLocal : this.opener;
    const pending = opener(spec).then(async (conn) => {
      await conn.connect();
      this.connectMs.set(spec.host, performance.now() - started);
      return conn;
    });
    pending.catch(() => {});
    return pending;
  }

  /** Removes a connection from the pool and closes it once it is open. */
  private drop(key: string): void {
    const pending = this.open.get(key);
    this.open.delete(key);
    this.ahead.delete(key);
    void pending?.then((conn) => conn.close()).catch(() => {});
  }

  /** Forgets a host's connection (after it dropped), so the next use reconnects. */
  forget(host: string): void {
    for (const key of [...this.open.keys()]) if (key.startsWith(`${host}\0`)) this.drop(key);
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    this.ahead.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.close().catch(() => {})));
  }
}

function keyOf(spec: ConnectionSpec): string {
  return `${spec.host}\0${spec.transport}`;
}

function sameSpec(a: ConnectionSpec, b: ConnectionSpec): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof ConnectionSpec>;
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

/** Runs `fn` over items with at most `limit` at once, keeping the order of results. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

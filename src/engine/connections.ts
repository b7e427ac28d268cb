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
  /** how long each host took to connect, for the per-phase timings */
  readonly connectMs = new Map<string, number>();

  constructor(private readonly opener: ConnectionOpener) {}

  /** The connection for `spec.host`; an unreachable host throws ConnectionError every time it is asked for. */
  get(spec: ConnectionSpec): Promise<Connection> {
    const key = `${spec.host}\0${spec.transport}`;
    let pending = this.open.get(key);
    if (!pending) {
      const started = performance.now();
      const opener = spec.transport === 'local' ? openLocal : this.opener;
      pending = opener(spec).then(async (conn) => {
        await conn.connect();
        this.connectMs.set(spec.host, performance.now() - started);
        return conn;
      });
      pending.catch(() => {});
      this.open.set(key, pending);
    }
    return pending.catch((error: unknown) => {
      if (error instanceof ConnectionError) throw error;
      throw new ConnectionError(`${spec.host}: ${(error as Error).message}`, { unreachable: true, cause: error });
    });
  }

  /** Forgets a host's connection (after it dropped), so the next use reconnects. */
  forget(host: string): void {
    for (const [key, pending] of this.open) {
      if (!key.startsWith(`${host}\0`)) continue;
      this.open.delete(key);
      void pending.then((conn) => conn.close()).catch(() => {});
    }
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.close().catch(() => {})));
  }
}


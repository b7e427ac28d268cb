/**
 * The one rule for reaching a host, shared by a run, its own rollback, the
 * rollback of a finished run and the pruning of old backups:
 *   - a run reaches a host by the connection spec its inventory gives
 *     (localhost with `ansible_connection=local` is the controller itself);
 *   - undoing or cleaning up a run reaches each host it changed exactly as
 *     the run did, by the spec it recorded, with the passwords asked for
 *     now (-k, -K) in place of those never written down;
 *   - a host the run changed but recorded no spec for is an error naming the
 *     host, never a guess: its undo must not run on the controller instead.
 * Once `lockHosts` is called, every host reached is locked for the run
 * (host-lock.ts) until `close`.
 */
import { EngineError } from '../errors.js';
import type { Become, Connection, ConnectionSpec } from '../connection/types.js';
import { LocalConnection } from '../connection/local.js';
import { LOCALHOST_NAMES } from '../inventory/index.js';
import { ConnectionPool, type ConnectionOpener } from './connections.js';
import { HostLocks, type HostLockHolder, type HostLockOptions } from './host-lock.js';

/** A spec as the journal keeps it on disk: the password left out. */
export type RecordedSpec = Omit<ConnectionSpec, 'password'>;

export class HostReach {
  readonly pool: ConnectionPool;
  private locks: HostLocks | undefined;
  /**
   * `openConnection` opens SSH connections (with the -k password, if any);
   * `becomePassword` is the -K password, used wherever a become has none of
   * its own; `controller` is the machine ezplay runs on (`delegate_to:
   * localhost`, `connection: local`, controller-side steps).
   */
  constructor(
    openConnection: ConnectionOpener,
    private readonly becomePassword?: string | undefined,
    readonly controller: Connection = new LocalConnection('localhost'),
  ) {
    this.pool = new ConnectionPool(openConnection);
  }

  /** From now on, each host reached is locked for `holder` (a run, a rollback), waiting or refusing as `options` say. */
  lockHosts(holder: HostLockHolder, options: HostLockOptions): void {
    if (this.locks) this.locks.update(holder, options);
    else this.locks = new HostLocks(holder, options);
  }

  /** A host by the spec its variables give: opened once per run, reused after. */
  async open(spec: ConnectionSpec | RecordedSpec): Promise<Connection> {
    const local = spec.transport === 'local' && LOCALHOST_NAMES.includes(spec.host);
    const conn = local ? this.controller : await this.pool.get(spec);
    await this.locks?.ensure(spec.host, conn);
    return conn;
  }

  /** A host a run changed, as that run reached it. */
  reachRecorded(target: string, spec: ConnectionSpec | RecordedSpec | undefined, runId: string): Promise<Connection> {
    if (spec) return this.open(spec);
    // the run never records the controller: it needs no spec to reach
    if (LOCALHOST_NAMES.includes(target)) return this.open({ host: target, transport: 'local', address: target });
    return Promise.reject(
      new EngineError(`run ${runId} has no record of how it reached ${target}, so its changes on ${target} cannot be undone from here`),
    );
  }

  /** A task's become as recorded, with the become password asked for now when it has none. */
  become(recorded: Become | undefined): Become | undefined {
    if (!recorded) return undefined;
    const password = recorded.password ?? this.becomePassword;
    return { ...recorded, ...(password ? { password } : {}) };
  }

  async close(): Promise<void> {
    await this.locks?.releaseAll();
    await this.pool.closeAll();
  }
}

/**
 * A task's connection as -vvv sees it: each command line the connection
 * runs is told as Ansible's connection plugins print theirs,
 * `<address> EXEC /bin/sh -c '...'`, with `ESTABLISH ... CONNECTION FOR
 * USER` before the first. The lines come from the connection itself
 * (ExecOptions.trace), so they show what really runs, sudo included, and
 * never a secret (the become password goes on stdin, never on a line).
 */
import os from 'node:os';
import type { Become, Connection, ExecOptions, ExecResult, HeldCommand, PutOptions } from '../connection/types.js';
import { scrub } from '../connection/become.js';

export interface TraceTarget {
  /** how Ansible names the host in its debug lines: its address */
  address: string;
  /** the login user, when known before connecting */
  user?: string | undefined;
  /** where each line goes */
  log: (msg: string) => void;
  /** values never shown (the task's no_log arguments, the become password): each becomes ******** */
  secrets?: readonly string[];
}

class TracedConnection implements Connection {
  private established = false;
  readonly hold?: (command: string) => Promise<HeldCommand>;

  constructor(
    private readonly conn: Connection,
    private readonly o: TraceTarget,
  ) {
    const hold = conn.hold?.bind(conn);
    if (hold) {
      this.hold = (command) => {
        this.say(`EXEC ${command}`);
        return hold(command);
      };
    }
  }

  get host(): string {
    return this.conn.host;
  }

  get transport(): string {
    return this.conn.transport;
  }

  private say(line: string): void {
    if (!this.established) {
      this.established = true;
      const user = this.conn.transport === 'local' ? os.userInfo().username : this.o.user;
      if (user !== undefined) this.o.log(`<${this.o.address}> ESTABLISH ${this.conn.transport.toUpperCase()} CONNECTION FOR USER: ${user}`);
    }
    let shown = line;
    for (const secret of this.o.secrets ?? []) shown = scrub(shown, secret);
    this.o.log(`<${this.o.address}> ${shown}`);
  }

  connect(): Promise<void> {
    return this.conn.connect();
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const outer = options.trace;
    return this.conn.exec(command, {
      ...options,
      trace: (line) => {
        outer?.(line);
        this.say(line);
      },
    });
  }

  put(dest: string, content: Buffer | string, options?: PutOptions): Promise<void> {
    this.say(`PUT ${Buffer.byteLength(content)} bytes TO ${dest}`);
    return this.conn.put(dest, content, options);
  }

  get(path: string, options?: { become?: Become }): Promise<Buffer | null> {
    this.say(`FETCH ${path}`);
    return this.conn.get(path, options);
  }

  close(): Promise<void> {
    return this.conn.close();
  }
}

/** `conn` with its commands told to `target.log`; one per task, as Ansible connects once per task. */
export function tracedConnection(conn: Connection, target: TraceTarget): Connection {
  return new TracedConnection(conn, target);
}

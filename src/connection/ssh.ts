/**
 * The `ssh` transport: one ssh2 Client per host for the whole run (through
 * jump hosts when asked), commands on a small pool of persistent shells,
 * files through SFTP or the shell. See ARCHITECTURE.md, "Connections".
 */
import type { Client, SFTPWrapper } from 'ssh2';
import { CommandTimeout, ConnectionError } from '../errors.js';
import { needsSudo, type Become, type Connection, type ConnectionSpec, type ExecOptions, type ExecResult, type HeldCommand, type PutOptions } from './types.js';
import { holdProcess } from './held-command.js';
import { quote } from '../shell/quote.js';
import { PersistentShell, ShellFailure, type RawResult } from './persistent-shell.js';
import { ShellPool } from './ssh-shell-pool.js';
import { connectHop, forwardThrough } from './ssh-connect.js';
import { planDial, proxyCommandStream, type SshOptions } from './ssh-target.js';
import { getFile, putFile, type FileHost } from './ssh-files.js';
import { StreamSourceError, streamFileToExec, type StreamOutcome } from './ssh-stream.js';
import {
  plainCommand,
  plainStatement,
  scrub,
  streamStatement,
  sudoCommand,
  sudoStatement,
  sudoValidateCommand,
  sudoValidateStatement,
  sudoWords,
  unwrapSudoStderr,
  type CommandShape,
  type StdinSource,
} from './become.js';

export type { SshOptions } from './ssh-target.js';

function label(command: string): string {
  const oneLine = command.replace(/\s+/g, ' ').trim();
  return oneLine.length > 120 ? `${oneLine.slice(0, 117)}...` : oneLine;
}

function toResult(raw: RawResult, secret: string | undefined, stderr?: string): ExecResult {
  return {
    rc: raw.rc,
    stdout: scrub(raw.stdout.toString('utf8'), secret),
    stderr: scrub(stderr ?? raw.stderr.toString('utf8'), secret),
    durationMs: raw.durationMs,
  };
}

export class SshConnection implements Connection, FileHost {
  readonly transport = 'ssh';
  readonly host: string;
  /** the login user on the host, known once connected */
  user = '';
  private clients: Client[] = [];
  private pool: ShellPool | undefined;
  private sftpSession: Promise<SFTPWrapper> | undefined;
  private lostReason: string | undefined;
  private connecting: Promise<void> | undefined;
  /** shells where sudo's credential cache does not hold: the password goes with every command */
  private readonly sudoFeedsPassword = new WeakSet<PersistentShell>();

  constructor(
    readonly spec: ConnectionSpec,
    private readonly options: SshOptions = {},
  ) {
    this.host = spec.host;
  }

  /** Connecting twice at once shares one attempt. */
  connect(): Promise<void> {
    this.connecting ??= this.dial().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private async dial(): Promise<void> {
    this.lostReason = undefined;
    const plan = await planDial(this.spec, this.options);
    this.user = plan.user;
    try {
      let sock = plan.proxyCommand ? proxyCommandStream(plan.proxyCommand) : undefined;
      for (const [i, hop] of plan.hops.entries()) {
        const previous = this.clients[i - 1];
        if (previous) sock = await forwardThrough(previous, hop.address, hop.port);
        try {
          this.clients.push(await connectHop({ ...hop, sock }));
        } catch (error) {
          if (i < plan.hops.length - 1 && error instanceof ConnectionError) {
            throw new ConnectionError(`jump host ${hop.address}:${hop.port}: ${error.message}`, { unreachable: true, cause: error });
          }
          throw error;
        }
      }
    } catch (error) {
      this.clients.forEach((c) => c.end());
      this.clients = [];
      throw error;
    }
    const target = this.clients[this.clients.length - 1] as Client;
    for (const client of this.clients) {
      // Only this connection's clients speak for it; an earlier, closed one may still report.
      client.on('close', () => {
        if (this.clients.includes(client)) this.lostReason ??= 'the ssh connection closed';
      });
      client.on('error', (error: Error) => {
        if (this.clients.includes(client)) this.lostReason ??= error.message;
      });
    }
    const maxShells = Math.max(1, this.options.maxShells ?? 4);
    this.pool = new ShellPool(() => this.openShell(target), maxShells);
    try {
      // Warm the first shell now, so connect errors surface here and the first command is fast.
      await this.pool.withShell(async () => undefined);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  private async openShell(client: Client): Promise<PersistentShell> {
    try {
      return await PersistentShell.open(client);
    } catch (cause) {
      throw new ConnectionError(`cannot open a shell on ${this.host}: ${(cause as Error).message}`, {
        unreachable: this.lostReason !== undefined,
        cause,
      });
    }
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (options.stdinFile !== undefined) {
      if (options.stdin !== undefined) return Promise.reject(new Error('exec: give stdin or stdinFile, not both'));
      return this.streamFile({ command, env: options.env, cwd: options.cwd }, options.stdinFile, options.become, options.timeoutMs, options.trace);
    }
    const source: StdinSource = options.stdin === undefined
      ? { kind: 'none' }
      : { kind: 'bytes', data: Buffer.from(options.stdin) };
    return this.run({ command, env: options.env, cwd: options.cwd }, source, options.become, options.timeoutMs, options.trace);
  }

  /** Whether `become` needs sudo at all: not when we already are that user. */
  needsSudo(become: Become | undefined): boolean {
    return needsSudo(become, this.user);
  }

  /**
   * `trace` is told each statement as it goes to the shell, in the form
   * -vvv shows: its command line without its input (the become password,
   * the bytes for stdin).
   */
  async run(shape: CommandShape, source: StdinSource, become?: Become, timeoutMs?: number, trace?: (line: string) => void): Promise<ExecResult> {
    const pool = this.livePool(shape.command);
    const timeout = timeoutMs ?? this.options.commandTimeoutMs;
    return pool.withShell(async (shell) => {
      const attempt = (statement: string, shown: string): Promise<RawResult> => {
        trace?.(`EXEC ${shown}`);
        return this.runOn(shell, statement, timeout, shape.command);
      };
      if (!this.needsSudo(become)) return toResult(await attempt(plainStatement(shape, source), plainCommand(shape)), undefined);
      return this.runWithSudo(shell, attempt, shape, source, become as Become);
    });
  }

  private async runWithSudo(
    shell: PersistentShell,
    attempt: (statement: string, shown: string) => Promise<RawResult>,
    shape: CommandShape,
    source: StdinSource,
    become: Become,
  ): Promise<ExecResult> {
    const user = become.user ?? 'root';
    const password = become.password;
    const words = sudoWords();
    const viaSudo = async (withPassword: boolean): Promise<{ raw: RawResult; started: boolean; stderr: string }> => {
      const raw = await attempt(sudoStatement(shape, source, user, words, withPassword ? password : undefined), sudoCommand(shape, user, words, withPassword));
      return { raw, ...unwrapSudoStderr(raw.stderr.toString('utf8'), words) };
    };
    if (password !== undefined && this.sudoFeedsPassword.has(shell)) {
      const fed = await viaSudo(true);
      return toResult(fed.raw, password, fed.stderr);
    }
    let first = await viaSudo(false);
    if (first.started) return toResult(first.raw, password, first.stderr);
    if (password === undefined) {
      const hint = /password is required/.test(first.stderr) ? 'ezplay: sudo needs a password here: give the become password\n' : '';
      return toResult(first.raw, undefined, first.stderr + hint);
    }
    const check = await attempt(sudoValidateStatement(user, words, password), sudoValidateCommand(user, words));
    if (check.rc !== 0) {
      const why = unwrapSudoStderr(check.stderr.toString('utf8'), words).stderr;
      return toResult(check, password, `${why}ezplay: sudo refused the become password for ${this.user}@${this.host}\n`);
    }
    first = await viaSudo(false);
    if (first.started) return toResult(first.raw, password, first.stderr);
    // No credential cache here (timestamp_timeout=0 or similar): send the password each time.
    this.sudoFeedsPassword.add(shell);
    const fed = await viaSudo(true);
    return toResult(fed.raw, password, fed.stderr);
  }

  /** A command fed a controller file on its own exec channel; see ExecOptions.stdinFile. */
  private async streamFile(shape: CommandShape, file: string, become: Become | undefined, timeoutMs?: number, trace?: (line: string) => void): Promise<ExecResult> {
    this.livePool(shape.command); // throws when not connected or the connection is lost
    const client = this.clients[this.clients.length - 1] as Client;
    const sudo = this.needsSudo(become);
    if (sudo && become?.password !== undefined) {
      throw new Error(`cannot stream ${file} to a command on ${this.host} through sudo with a password: sudo would read it from the same input`);
    }
    const words = sudoWords();
    const statement = streamStatement(shape, sudo ? { user: become?.user ?? 'root', words } : undefined);
    const timeout = timeoutMs ?? this.options.commandTimeoutMs;
    let outcome: StreamOutcome;
    trace?.(`EXEC ${statement} < ${quote(file)}`);
    try {
      outcome = await streamFileToExec(client, statement, file, timeout);
    } catch (cause) {
      if (cause instanceof StreamSourceError) throw new Error(`cannot stream ${file} to ${this.host}: ${cause.message}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new ConnectionError(`cannot open a channel on ${this.host} to stream ${file}: ${(cause as Error).message}`, {
        unreachable: this.lostReason !== undefined,
        cause,
      });
    }
    if (outcome.timedOut) {
      throw new CommandTimeout(`command timed out after ${timeout} ms on ${this.host} while streaming ${file}: ${label(shape.command)}`);
    }
    if (outcome.rc === undefined) {
      // Let the client's own close/error event land before deciding what happened.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const why = this.lostReason ?? 'its channel closed without an exit status';
      throw new ConnectionError(`connection to ${this.host} lost while streaming ${file} (${why})`, { unreachable: this.lostReason !== undefined });
    }
    if (outcome.readError) {
      throw new Error(`reading ${file} failed while streaming it to ${this.host}: ${outcome.readError.message}`);
    }
    let stderr = outcome.stderr.toString('utf8');
    if (sudo) {
      const unwrapped = unwrapSudoStderr(stderr, words);
      stderr = unwrapped.stderr;
      if (!unwrapped.started && /password is required/.test(stderr)) stderr += 'ezplay: sudo needs a password here: give the become password\n';
    }
    return {
      rc: outcome.rc,
      stdout: outcome.stdout.toString('utf8'),
      stderr,
      ...(outcome.signal ? { signal: outcome.signal } : {}),
      durationMs: outcome.durationMs,
    };
  }

  /** On an exec channel of its own: when the connection ends, sshd closes its input and the command stops. */
  async hold(command: string): Promise<HeldCommand> {
    this.livePool(command);
    const client = this.clients[this.clients.length - 1] as Client;
    const channel = await new Promise<import('ssh2').ClientChannel>((resolve, reject) => {
      client.exec(`/bin/sh -c ${quote(command)}`, (error, ch) => (error ? reject(error) : resolve(ch)));
    }).catch((cause: unknown) => {
      throw new ConnectionError(`cannot open a channel on ${this.host}: ${(cause as Error).message}`, { unreachable: this.lostReason !== undefined, cause });
    });
    channel.on('error', () => {});
    channel.stderr.on('data', () => {});
    return holdProcess({
      onStdout: (listener) => channel.on('data', listener),
      onExit: (listener) => channel.on('close', listener),
      end: (text) => channel.end(text),
    });
  }

  private livePool(command: string): ShellPool {
    if (!this.pool) throw new ConnectionError(`not connected to ${this.host}; call connect() first`);
    if (this.lostReason) {
      throw new ConnectionError(`connection to ${this.host} was lost (${this.lostReason}); cannot run ${label(command)}`, { unreachable: true });
    }
    return this.pool;
  }

  private async runOn(shell: PersistentShell, statement: string, timeoutMs: number | undefined, command: string): Promise<RawResult> {
    try {
      return await shell.run(statement, timeoutMs);
    } catch (error) {
      if (!(error instanceof ShellFailure)) throw error;
      if (error.reason === 'timeout') {
        await this.killProcessGroup(shell.pid);
        throw new CommandTimeout(`command timed out after ${timeoutMs} ms on ${this.host}: ${label(command)}`, { cause: error });
      }
      // Let the client's own close/error event land before deciding what happened.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const why = this.lostReason ?? 'its shell channel closed';
      throw new ConnectionError(`connection to ${this.host} lost while running ${label(command)} (${why})`, {
        unreachable: true,
        cause: error,
      });
    }
  }

  /** A timed-out command's shell is gone; its children must not run on unseen. */
  private async killProcessGroup(pid: number): Promise<void> {
    if (!pid || this.lostReason || !this.pool) return;
    try {
      // The shell leads its process group; dash's kill takes no `--` before a negative pid.
      await this.pool.withShell((shell) => shell.run(`kill -KILL -${Math.trunc(pid)} 2>/dev/null`, 5000));
    } catch {
      // best effort: the command's own end will come when the host reaps it
    }
  }

  sftp(): Promise<SFTPWrapper> {
    const client = this.clients[this.clients.length - 1];
    if (!client) return Promise.reject(new ConnectionError(`not connected to ${this.host}`));
    this.sftpSession ??= new Promise<SFTPWrapper>((resolve, reject) => {
      client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp)));
    }).catch((error: Error) => {
      this.sftpSession = undefined;
      throw new ConnectionError(`cannot open SFTP on ${this.host}: ${error.message}`, { cause: error });
    });
    return this.sftpSession;
  }

  /** Set when the host went away; the reason, for messages. */
  get lost(): string | undefined {
    return this.lostReason;
  }

  put(dest: string, content: Buffer | string, options: PutOptions = {}): Promise<void> {
    return putFile(this, dest, Buffer.from(content), options);
  }

  get(path: string, options: { become?: Become } = {}): Promise<Buffer | null> {
    return getFile(this, path, options.become);
  }

  async close(): Promise<void> {
    this.pool?.closeAll();
    this.pool = undefined;
    this.connecting = undefined;
    this.lostReason ??= 'closed by ezplay';
    for (const client of [...this.clients].reverse()) client.end();
    this.clients = [];
  }
}

export async function openSsh(spec: ConnectionSpec, options: SshOptions = {}): Promise<SshConnection> {
  const connection = new SshConnection(spec, options);
  await connection.connect();
  return connection;
}

/**
 * One long-lived `sh` on an exec channel, fed statements on stdin. Opening a
 * channel costs tens of milliseconds on a PAM-enabled sshd; a statement on a
 * running shell costs well under one. After each statement the shell prints
 * an end marker with `$?` on stdout and another on stderr; the marker is
 * random per shell and carries a sequence number, so neither a command's
 * output nor a late line from an abandoned command can be taken for it.
 */
import { randomBytes } from 'node:crypto';
import type { Client, ClientChannel } from 'ssh2';

export interface RawResult {
  rc: number;
  stdout: Buffer;
  stderr: Buffer;
  durationMs: number;
}

/** Why a statement did not finish: the shell died under it, or it ran too long. */
export class ShellFailure extends Error {
  constructor(readonly reason: 'lost' | 'timeout', message: string) {
    super(message);
  }
}

interface Pending {
  seq: number;
  started: number;
  resolve: (result: RawResult) => void;
  reject: (error: ShellFailure) => void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Collects a stream and finds `needle` in it even when split across chunks,
 * scanning each byte about once so large outputs stay linear.
 */
class MarkerBuffer {
  private chunks: Buffer[] = [];
  private length = 0;
  private scanned = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  private sliceFrom(offset: number): Buffer {
    const parts: Buffer[] = [];
    let pos = 0;
    for (const chunk of this.chunks) {
      const end = pos + chunk.length;
      if (end > offset) parts.push(offset > pos ? chunk.subarray(offset - pos) : chunk);
      pos = end;
    }
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  }

  /** What came before `needle` and what follows it, or undefined if not there yet. */
  take(needle: Buffer): { before: Buffer; after: Buffer } | undefined {
    const start = Math.max(0, this.scanned - needle.length + 1);
    const at = this.sliceFrom(start).indexOf(needle);
    if (at < 0) {
      this.scanned = this.length;
      return undefined;
    }
    const all = Buffer.concat(this.chunks, this.length);
    return { before: all.subarray(0, start + at), after: all.subarray(start + at + needle.length) };
  }

  reset(rest: Buffer = Buffer.alloc(0)): void {
    this.chunks = rest.length ? [rest] : [];
    this.length = rest.length;
    this.scanned = 0;
  }
}

export class PersistentShell {
  private readonly marker = `ezplay-end-${randomBytes(12).toString('hex')}`;
  private readonly out = new MarkerBuffer();
  private readonly err = new MarkerBuffer();
  private seq = 0;
  private pending: Pending | undefined;
  private stdoutDone: { before: Buffer; rc: number } | undefined;
  private stderrDone: Buffer | undefined;
  /** process id of the shell, which leads its own process group */
  pid = 0;
  dead = false;

  private constructor(private readonly channel: ClientChannel) {
    channel.on('data', (chunk: Buffer) => this.onStdout(chunk));
    channel.stderr.on('data', (chunk: Buffer) => this.onStderr(chunk));
    channel.on('close', () => this.die(new ShellFailure('lost', 'the shell channel closed')));
    channel.on('error', () => this.die(new ShellFailure('lost', 'the shell channel failed')));
  }

  static open(client: Client): Promise<PersistentShell> {
    return new Promise((resolve, reject) => {
      // `exec` skips the login shell's own startup files on later statements.
      client.exec('exec /bin/sh', (err, channel) => {
        if (err) return reject(err);
        const shell = new PersistentShell(channel);
        // The first statement doubles as a handshake and reports the pid.
        shell.run('echo $$', undefined).then((r) => {
          shell.pid = Number(r.stdout.toString().trim());
          resolve(shell);
        }, reject);
      });
    });
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  /** Runs one statement; the caller makes sure calls do not overlap. */
  run(statement: string, timeoutMs: number | undefined): Promise<RawResult> {
    if (this.dead) return Promise.reject(new ShellFailure('lost', 'the shell is gone'));
    if (this.pending) return Promise.reject(new Error('persistent shell is busy'));
    const seq = ++this.seq;
    const m = this.marker;
    // A newline before each marker: output without a trailing newline still
    // leaves the marker findable, and we remove exactly that newline again.
    const text =
      `${statement}\n` +
      `__ezplay_rc=$?; printf '\\n%s %d %d\\n' ${m} ${seq} "$__ezplay_rc"; printf '\\n%s %d\\n' ${m} ${seq} >&2\n`;
    return new Promise((resolve, reject) => {
      const pending: Pending = { seq, started: performance.now(), resolve, reject, timer: undefined };
      if (timeoutMs !== undefined && timeoutMs > 0) {
        pending.timer = setTimeout(() => {
          this.die(new ShellFailure('timeout', `timed out after ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.pending = pending;
      this.stdoutDone = undefined;
      this.stderrDone = undefined;
      // Whatever arrived between statements (a background job's output)
      // belongs to no command.
      this.out.reset();
      this.err.reset();
      this.channel.write(text);
    });
  }

  private onStdout(chunk: Buffer): void {
    this.out.push(chunk);
    if (!this.pending || this.stdoutDone) return;
    const head = Buffer.from(`\n${this.marker} ${this.pending.seq} `);
    const found = this.out.take(head);
    if (!found) return;
    const eol = found.after.indexOf(0x0a);
    if (eol < 0) return; // the rest of the marker line is still on its way
    const rc = Number(found.after.subarray(0, eol).toString());
    this.out.reset(found.after.subarray(eol + 1));
    this.stdoutDone = { before: Buffer.from(found.before), rc };
    this.settle();
  }

  private onStderr(chunk: Buffer): void {
    this.err.push(chunk);
    if (!this.pending || this.stderrDone) return;
    const found = this.err.take(Buffer.from(`\n${this.marker} ${this.pending.seq}\n`));
    if (!found) return;
    this.err.reset(found.after);
    this.stderrDone = Buffer.from(found.before);
    this.settle();
  }

  private settle(): void {
    const pending = this.pending;
    if (!pending || !this.stdoutDone || this.stderrDone === undefined) return;
    clearTimeout(pending.timer);
    this.pending = undefined;
    pending.resolve({
      rc: this.stdoutDone.rc,
      stdout: this.stdoutDone.before,
      stderr: this.stderrDone,
      durationMs: performance.now() - pending.started,
    });
  }

  private die(failure: ShellFailure): void {
    if (this.dead && !this.pending) return;
    this.dead = true;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(failure);
    }
    this.channel.close();
  }

  close(): void {
    this.dead = true;
    this.channel.end();
  }
}

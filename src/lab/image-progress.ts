/**
 * Signs of life while the machine image is built: debootstrap's own
 * `I:` lines (stages, and a line per package it retrieves, extracts,
 * unpacks and configures) read as they come, turned into one line such as
 * `debootstrap: extracting packages, package 34/121 (libc6), 1 min 12 s`.
 * On a terminal the line is redrawn in place every second; in a log it is
 * printed every few seconds.
 */
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { LabError } from '../errors.js';
import { stderrLog, type LabLog } from './run.js';

/** Where debootstrap is, from its stdout lines. Pure: tested from captured output. */
export class DebootstrapProgress {
  stage = 'starting';
  /** packages retrieved: the count the later stages go through */
  retrieved = 0;
  /** packages handled in the current stage */
  count = 0;
  current: string | undefined;
  finished = false;

  /** Takes one line of output; returns whether the shown state changed. */
  feed(line: string): boolean {
    const m = /^I: (.*)$/.exec(line.trim());
    if (!m) return false;
    const text = m[1]!;
    let pkg: RegExpExecArray | null;
    if ((pkg = /^Retrieving (\S+) (\S+)$/.exec(text)) && pkg[1] !== 'InRelease' && pkg[1] !== 'Release' && pkg[1] !== 'Packages') {
      this.enter('downloading packages');
      this.retrieved++;
      this.count = this.retrieved;
      this.current = pkg[1];
    } else if (/^Validating /.test(text)) {
      return false;
    } else if ((pkg = /^(Extracting|Unpacking|Configuring) (\S+?)\.\.\.$/.exec(text))) {
      this.count++;
      this.current = pkg[2];
    } else if (/^Chosen extractor /.test(text)) {
      this.enter('extracting packages');
    } else if (/^Base system installed successfully/.test(text)) {
      this.enter('base system installed');
      this.finished = true;
    } else {
      // a stage: "Unpacking the base system...", "Resolving dependencies of required packages..."
      const stage = text.replace(/\.\.\.$/, '');
      this.enter(stage.charAt(0).toLowerCase() + stage.slice(1));
    }
    return true;
  }

  /**
   * Takes one line of debootstrap.log, where dpkg writes while the stages
   * that print nothing else run ("installing core packages", "unpacking the
   * base system"): the package dpkg is at keeps the line moving.
   */
  feedLog(line: string): boolean {
    const m = /^(Unpacking|Setting up) ([^\s:]+)(:\S+)? \(/.exec(line);
    if (!m) return false;
    const verb = m[1] === 'Unpacking' ? 'unpacking' : 'configuring';
    // count a package once per stage, where the stage's verb matches; elsewhere only name it
    if (this.stage.startsWith(verb) && this.stage.endsWith('base system')) this.count++;
    this.current = m[2];
    return true;
  }

  private enter(stage: string): void {
    if (stage === this.stage) return;
    this.stage = stage;
    this.count = 0;
    this.current = undefined;
  }

  text(): string {
    if (this.count === 0) return `debootstrap: ${this.stage}${this.current ? ` (${this.current})` : ''}`;
    // every package retrieved is extracted; the later stages each take an unknown share of them
    const total = this.stage === 'extracting packages' && this.count <= this.retrieved ? `/${this.retrieved}` : '';
    return `debootstrap: ${this.stage}, package ${this.count}${total}${this.current ? ` (${this.current})` : ''}`;
  }
}

function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/**
 * A line that says what a long step is doing. On the terminal's stderr
 * (the CLI's log) it redraws in place; otherwise it goes to `log` every
 * `everyMs` (tests collect those lines).
 */
export function progressLine(log: LabLog, options: { everyMs?: number; now?: () => number } = {}) {
  const now = options.now ?? Date.now;
  const started = now();
  const live = log === stderrLog && Boolean(process.stderr.isTTY);
  const everyMs = options.everyMs ?? 5000;
  let text = '';
  let lastLogged = started;
  const draw = () => {
    const line = `lab: ${text}, ${elapsed(now() - started)}`;
    if (live) {
      const width = (process.stderr.columns || 80) - 1;
      process.stderr.write(`\r\x1b[2K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
    } else if (now() - lastLogged >= everyMs) {
      lastLogged = now();
      log(line.slice('lab: '.length));
    }
  };
  const timer = setInterval(draw, 1000);
  timer.unref();
  return {
    update(next: string): void {
      text = next;
      if (live) draw();
    },
    tick: draw,
    /** Stops redrawing and leaves the terminal's cursor on a fresh line. */
    end(): void {
      clearInterval(timer);
      if (live) process.stderr.write('\r\x1b[2K');
    },
  };
}

/** New whole lines of a growing file, read from where the last call stopped. */
function logFollower(file: string): () => string[] {
  let offset = 0;
  let partial = '';
  return () => {
    let fd: number | undefined;
    try {
      fd = openSync(file, 'r');
      const size = fstatSync(fd).size;
      if (size <= offset) return [];
      const buffer = Buffer.alloc(Math.min(size - offset, 1 << 20));
      offset += readSync(fd, buffer, 0, buffer.length, offset);
      const lines = (partial + buffer.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      return lines;
    } catch {
      return [];
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  };
}

/**
 * Runs debootstrap, reporting its progress from its output and, once a
 * second, from the log it writes into the new root (`logFile`). Resolves
 * with its exit code, the signal that stopped it, and the tail of its output.
 */
export function runDebootstrap(
  argv: string[],
  log: LabLog,
  timeoutMs: number,
  logFile?: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; tail: string }> {
  const [cmd, ...args] = argv as [string, ...string[]];
  const progress = progressLine(log);
  const state = new DebootstrapProgress();
  progress.update(state.text());
  const tail: string[] = [];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    const take = (line: string) => {
      tail.push(line);
      if (tail.length > 12) tail.shift();
      if (state.feed(line)) progress.update(state.text());
    };
    createInterface({ input: child.stdout }).on('line', take);
    createInterface({ input: child.stderr }).on('line', take);
    const follow = logFile ? logFollower(logFile) : undefined;
    const poll = setInterval(() => {
      let moved = false;
      for (const line of follow?.() ?? []) moved = state.feedLog(line) || moved;
      if (moved) progress.update(state.text());
    }, 1000);
    poll.unref();
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearInterval(poll);
      progress.end();
      reject(new LabError(error.code === 'ENOENT' ? `command not found: ${cmd}` : error.message, { cause: error }));
    });
    child.on('close', (code, signal) => {
      clearInterval(poll);
      progress.end();
      resolve({ code, signal, tail: tail.join('\n') });
    });
  });
}

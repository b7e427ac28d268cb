/**
 * One run at a time per project: `ezplay run` and `ezplay rollback` hold
 * `<project>/.ezplay/lock` from start to end, so two runs never change the
 * same files at once, one run's rollback never undoes over another's work
 * in progress, and no run prunes the backups of a run still going. A second
 * run waits (saying who holds the lock) or, with --no-wait, refuses. A lock
 * left by a process that is gone (killed, crashed) is taken over.
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { EngineError } from '../errors.js';

interface Holder {
  pid: number;
  host: string;
  what: string;
  since: string;
}

export interface RunLock {
  file: string;
  release(): void;
}

/** Whether a process of this machine still runs (a zombie does not). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // a zombie has exited; only its parent has not collected it yet
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return true;
  }
}

function readHolder(file: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}

function describe(holder: Holder | undefined): string {
  if (!holder) return 'another run';
  return `${holder.what} (pid ${holder.pid} on ${holder.host}, since ${holder.since})`;
}

/** Creates the lock file exclusively; false when it exists. */
function tryCreate(file: string, holder: Holder): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new EngineError(`cannot create the run lock ${file}: ${(error as Error).message}`);
  }
  try {
    writeSync(fd, `${JSON.stringify(holder)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes over a lock whose holder is gone. The stale file is renamed away
 * first: of two runs taking it over at once, only one rename succeeds.
 */
function removeStale(file: string, holder: Holder | undefined): boolean {
  if (holder && (holder.host !== hostname() || alive(holder.pid))) return false;
  const aside = `${file}.stale-${process.pid}`;
  try {
    renameSync(file, aside);
  } catch {
    return false; // someone else took it over, or released it
  }
  const moved = readHolder(aside);
  if (moved && holder && moved.pid !== holder.pid) {
    // the file changed between our read and the rename: a live run's lock; give it back
    try {
      renameSync(aside, file);
    } catch {
      // it has taken a new one meanwhile; ours was stale anyway
    }
    return false;
  }
  rmSync(aside, { force: true });
  return true;
}

export async function acquireRunLock(
  stateDir: string,
  what: string,
  options: { wait: boolean; say: (message: string) => void; pollMs?: number },
): Promise<RunLock> {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = path.join(stateDir, 'lock');
  const me: Holder = { pid: process.pid, host: hostname(), what, since: new Date().toISOString() };
  let told = false;
  for (;;) {
    if (tryCreate(file, me)) break;
    const holder = readHolder(file);
    if (holder?.pid === process.pid && holder.host === me.host) break; // this process holds it already
    if (removeStale(file, holder)) {
      options.say(`took over the lock ${file}: ${describe(holder)} is gone`);
      continue;
    }
    if (!options.wait) {
      throw new EngineError(`another run holds ${file}: ${describe(holder)}; retry later, or leave out --no-wait to wait for it`);
    }
    if (!told) {
      options.say(`waiting for ${describe(holder)}, which holds ${file}`);
      told = true;
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 250));
  }
  return {
    file,
    release() {
      const holder = readHolder(file);
      if (holder?.pid === process.pid && holder.host === me.host) rmSync(file, { force: true });
    },
  };
}

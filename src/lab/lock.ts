/**
 * One lab command at a time on this controller: parallel test workers and a
 * user's shell may all call `up`. The lock is a file naming its owner (pid
 * and start time, since a restored controller reuses pids); a lock whose
 * owner is gone (killed mid-way) is taken over.
 */
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { LabError } from '../errors.js';
import { lab } from './paths.js';
import { procStat, sleep } from './proc.js';
import type { LabLog } from './run.js';

const WAIT_MS = 20 * 60_000;

async function tryLock(LOCK_PATH: string): Promise<boolean> {
  try {
    const handle = await open(LOCK_PATH, 'wx');
    await handle.writeFile(`${process.pid} ${(await procStat(process.pid))?.startTime ?? ''}\n`);
    await handle.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

interface LockOwner {
  pid: number;
  startTime: string;
}

async function lockOwner(LOCK_PATH: string): Promise<LockOwner | null> {
  const [pidText, startTime = ''] = (await readFile(LOCK_PATH, 'utf8').catch(() => '')).trim().split(' ');
  const pid = parseInt(pidText ?? '', 10);
  return Number.isFinite(pid) ? { pid, startTime } : null;
}

async function ownerAlive(owner: LockOwner): Promise<boolean> {
  const stat = await procStat(owner.pid);
  if (stat === null || stat.state === 'Z') return false;
  return owner.startTime === '' || stat.startTime === owner.startTime;
}

/** One lab command at a time on the current lab (other labs go on). */
export function withLabLock<T>(log: LabLog, fn: () => Promise<T>): Promise<T> {
  return withFileLock(lab().lockPath, 'lab command', log, fn);
}

/** Holds the lock file `LOCK_PATH` while `fn` runs; `what` names the holder in messages. */
export async function withFileLock<T>(LOCK_PATH: string, what: string, log: LabLog, fn: () => Promise<T>): Promise<T> {
  await mkdir(path.dirname(LOCK_PATH), { recursive: true });
  const deadline = Date.now() + WAIT_MS;
  let told = false;
  while (!(await tryLock(LOCK_PATH))) {
    const owner = await lockOwner(LOCK_PATH);
    // an owner that died, or a half-written lock file, is a stale lock
    if (owner === null ? await staleEmptyLock(LOCK_PATH) : !(await ownerAlive(owner))) {
      await unlink(LOCK_PATH).catch(() => {});
      continue;
    }
    if (Date.now() > deadline) throw new LabError(`another ${what} (pid ${owner?.pid}) has held ${LOCK_PATH} for too long`);
    if (!told) log(`waiting for another ${what} (pid ${owner?.pid ?? '?'}) to finish`);
    told = true;
    await sleep(200);
  }
  try {
    return await fn();
  } finally {
    await unlink(LOCK_PATH).catch(() => {});
  }
}

/** A lock file without a pid is being written right now, unless it stays empty. */
async function staleEmptyLock(LOCK_PATH: string): Promise<boolean> {
  await sleep(500);
  return (await lockOwner(LOCK_PATH)) === null;
}

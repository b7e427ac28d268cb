/**
 * Reading processes from /proc. The lab stops machines only by the process
 * ids it recorded, and a recorded pid is only trusted after /proc shows it
 * is still the process the lab started (a pid can be reused by anything).
 */
import { readdir, readFile, readlink } from 'node:fs/promises';

export async function cmdline(pid: number): Promise<string[] | null> {
  const text = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  // a zombie has an empty command line: it is dead for our purposes
  if (!text) return null;
  return text.split('\0').filter((s) => s !== '');
}

interface ProcStat {
  state: string;
  ppid: number;
  /** clock ticks after boot: with the pid, names one process even when pids are reused */
  startTime: string;
}

export async function procStat(pid: number): Promise<ProcStat | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (!text) return null;
  // the command name in parentheses may itself hold spaces and parentheses
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '?', ppid: Number(fields[1]), startTime: fields[19] ?? '' };
}

export async function isRunning(pid: number): Promise<boolean> {
  const stat = await procStat(pid);
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

export async function listPids(): Promise<number[]> {
  const entries = await readdir('/proc');
  return entries.filter((e) => /^\d+$/.test(e)).map(Number);
}

export async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(' ').filter((s) => s.trim() !== '').map(Number);
}

/** The pid's own id inside its innermost pid namespace (1 for a machine's init). */
export async function innerPid(pid: number): Promise<number | null> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
  const line = text?.split('\n').find((l) => l.startsWith('NSpid:'));
  const ids = line?.split(/\s+/).slice(1).filter(Boolean);
  return ids && ids.length > 0 ? Number(ids[ids.length - 1]) : null;
}

export async function pidNamespace(pid: number): Promise<string | null> {
  return readlink(`/proc/${pid}/ns/pid`).catch(() => null);
}

/** Proportional set size of a process in bytes: shared pages split among their users. */
async function pssBytes(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  const m = /^Pss:\s+(\d+) kB/m.exec(text);
  return m ? Number(m[1]) * 1024 : 0;
}

export interface MemoryUse {
  bytes: number;
  processes: number;
}

/**
 * Memory used by every process in the pid namespace of each of `initPids`,
 * from one pass over /proc (status of 50 machines should not read it 50 times).
 */
export async function namespaceMemory(initPids: number[]): Promise<Map<number, MemoryUse>> {
  const byNamespace = new Map<string, MemoryUse>();
  const result = new Map<number, MemoryUse>();
  for (const initPid of initPids) {
    const ns = await pidNamespace(initPid);
    if (!ns) continue;
    const use = byNamespace.get(ns) ?? { bytes: 0, processes: 0 };
    byNamespace.set(ns, use);
    result.set(initPid, use);
  }
  if (byNamespace.size === 0) return result;
  for (const pid of await listPids()) {
    const ns = await pidNamespace(pid);
    const use = ns ? byNamespace.get(ns) : undefined;
    if (!use) continue;
    use.processes += 1;
    use.bytes += await pssBytes(pid);
  }
  return result;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until the process is gone or the time is up; true when it is gone. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await isRunning(pid))) return true;
    await sleep(100);
  }
  return !(await isRunning(pid));
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

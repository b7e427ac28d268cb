/**
 * Runs one command and times it from spawn to exit, optionally sampling the
 * peak resident memory (VmHWM) of the process it started.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface TimedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** the highest VmHWM seen, in bytes, when sampled */
  peakRssBytes?: number;
}

export interface TimedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  sampleRss?: boolean;
}

const RSS_SAMPLE_MS = 10;

export function runTimed(command: string, args: string[], options: TimedOptions = {}): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 600_000,
    });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const sampler = options.sampleRss && child.pid !== undefined ? sampleHighWaterMark(child.pid, (v) => (peak = Math.max(peak, v))) : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (sampler) clearInterval(sampler);
      resolve({ code, stdout, stderr, ms, ...(options.sampleRss ? { peakRssBytes: peak } : {}) });
    });
  });
}

/** VmHWM only grows, so the last sample before exit is within one interval of the true peak. */
function sampleHighWaterMark(pid: number, seen: (bytes: number) => void): NodeJS.Timeout {
  const read = () => {
    readFile(`/proc/${pid}/status`, 'utf8').then(
      (text) => {
        const m = /^VmHWM:\s+(\d+) kB/m.exec(text);
        if (m) seen(Number(m[1]) * 1024);
      },
      () => {},
    );
  };
  read();
  return setInterval(read, RSS_SAMPLE_MS);
}

/** Runs a command that must succeed; its output is returned, its failure thrown with what it said. */
export async function runOk(command: string, args: string[], options: TimedOptions = {}): Promise<string> {
  const res = await runTimed(command, args, options);
  if (res.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited with ${res.code}\n${res.stderr.slice(-2000)}${res.stdout.slice(-2000)}`);
  }
  return res.stdout;
}

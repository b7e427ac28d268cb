/**
 * Running controller commands. A command that fails is data first (code,
 * signal, output, duration); `run` turns it into a LabError that carries the
 * command and the tail of its stderr, so a user sees what broke.
 */
import { spawn } from 'node:child_process';
import { LabError } from '../errors.js';
import { quoteArgs } from '../shell/quote.js';

export interface RunResult {
  argv: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** return a failed result instead of throwing */
  allowFail?: boolean;
}

export function run(argv: string[], options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv;
    if (!cmd) throw new LabError('run: empty command');
    const child = spawn(cmd, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      cwd: options.cwd,
      timeout: options.timeoutMs,
      killSignal: 'SIGKILL',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    child.on('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ENOENT' ? `command not found: ${cmd}` : err.message;
      reject(new LabError(why, { cause: err }));
    });
    child.on('close', (code, signal) => {
      const result: RunResult = { argv, code, signal, stdout, stderr, ms: Date.now() - started };
      if (code === 0 || options.allowFail) resolve(result);
      else reject(commandFailed(result));
    });
  });
}

export function commandFailed(result: RunResult): LabError {
  const how = result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`;
  const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-8).join('\n');
  return new LabError(`${quoteArgs(result.argv)} failed (${how})${tail ? `:\n${tail}` : ''}`);
}

/** Where the lab says what it is doing; the CLI prints, tests may collect. */
export type LabLog = (message: string) => void;
export const stderrLog: LabLog = (message) => process.stderr.write(`lab: ${message}\n`);
export const silentLog: LabLog = () => {};

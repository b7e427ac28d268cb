/** The controller the numbers were taken on, for the report. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { ansibleEnv, ROOT } from './tools.js';

export interface MachineDescription {
  date: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  ansible: string;
  ezplay: string;
}

function firstLine(command: string, args: string[], env?: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(command, args, { cwd: ROOT, encoding: 'utf8', env: env ?? process.env }).split('\n')[0]!.trim();
  } catch {
    return 'unknown';
  }
}

export function describeMachine(): MachineDescription {
  const commit = firstLine('git', ['rev-parse', '--short', 'HEAD']);
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    ansible: firstLine('ansible-playbook', ['--version'], ansibleEnv()),
    ezplay: `${firstLine('node', ['dist/cli/main.js', '--version'])} (${commit})`,
  };
}

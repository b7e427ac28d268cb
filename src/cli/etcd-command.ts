/**
 * `ezplay etcd ...`: thin wrappers around the bundled etcd playbooks. The
 * playbooks stay the contract: each subcommand runs one of them with every
 * `ezplay run` flag passed through (--check, --diff, --json, -e, ...). Only
 * commander is loaded here; the engine loads when a subcommand runs.
 */
import path from 'node:path';
import type { Command } from 'commander';
import type { ExitCodeSink } from './commands.js';
import { registerEtcdLifecycleCommands } from './etcd-lifecycle-command.js';
import type { RunFlags } from './run-command.js';

/**
 * Runs a playbook shipped in playbooks/ with `extraVars` on top of the
 * user's own -e values and the rest of `flags` as `ezplay run` takes them.
 */
export async function runEtcdPlaybook(name: string, extraVars: Record<string, unknown>, flags: RunFlags): Promise<number> {
  const [{ runCommand }, { PACKAGE_ROOT }] = await Promise.all([import('./run-command.js'), import('../load/roles.js')]);
  const playbook = path.join(PACKAGE_ROOT, 'playbooks', `${name}.yml`);
  return runCommand(playbook, { ...flags, extraVars: [...flags.extraVars, JSON.stringify(extraVars)] });
}

export function registerEtcdCommands(program: Command, sink: ExitCodeSink, addRunOptions: (cmd: Command) => Command): void {
  const etcd = program.command('etcd').description('operate a running etcd cluster (wrappers of the etcd playbooks)');
  registerEtcdLifecycleCommands(etcd, sink, addRunOptions, runEtcdPlaybook);
}

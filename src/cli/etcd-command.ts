/**
 * `ezplay etcd ...`: thin wrappers around the bundled etcd playbooks, for
 * people who do not want to remember their names (add, remove, replace,
 * backup, restore, upgrade, rotate-ca). The playbooks stay the contract: each
 * subcommand runs one of them with every `ezplay run` flag passed through
 * (--check, --diff, --json, -e, ...). Only commander is loaded here; the
 * engine loads when a subcommand runs.
 */
import path from 'node:path';
import type { Command } from 'commander';
import type { ExitCodeSink } from './commands.js';
import { registerEtcdLifecycleCommands } from './etcd-lifecycle-command.js';
import type { RunFlags } from './run-command.js';

interface EtcdSubcommand {
  name: string;
  args: string;
  playbook: string;
  /** the playbook's variable that takes the hosts */
  variable: string;
  description: string;
}

const SUBCOMMANDS: EtcdSubcommand[] = [
  {
    name: 'add',
    args: '<hosts...>',
    playbook: 'etcd',
    variable: 'etcd_add',
    description: 'add hosts of [etcd] that are not members yet to the running cluster, one at a time (playbooks/etcd.yml)',
  },
  {
    name: 'remove',
    args: '<hosts...>',
    playbook: 'etcd-remove',
    variable: 'etcd_remove',
    description: 'remove members from the cluster, one at a time, and move their data aside (playbooks/etcd-remove.yml)',
  },
  {
    name: 'replace',
    args: '<host>',
    playbook: 'etcd-replace',
    variable: 'etcd_replace',
    description: 'replace a broken member: remove it, move its data aside, add it back fresh (playbooks/etcd-replace.yml)',
  },
];

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
  for (const sub of SUBCOMMANDS) {
    addRunOptions(etcd.command(sub.name).argument(sub.args, 'inventory hosts of the [etcd] group').description(sub.description))
      .addHelpText('after', `\nRuns: ezplay run playbooks/${sub.playbook}.yml -e ${sub.variable}=HOST[,HOST...] with the same flags.`)
      .action(async (hosts: string | string[], flags: RunFlags) => {
        const list = (Array.isArray(hosts) ? hosts : [hosts]).flatMap((h) => h.split(',')).map((h) => h.trim()).filter(Boolean);
        sink.exitCode = await runEtcdPlaybook(sub.playbook, { [sub.variable]: list.join(',') }, flags);
      });
  }
  registerEtcdLifecycleCommands(etcd, sink, addRunOptions, runEtcdPlaybook);
}

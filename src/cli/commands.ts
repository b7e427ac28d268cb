/**
 * The commands, their arguments and options. Only commander is loaded here:
 * what a command does is imported when that command runs, so `ezplay lab
 * status` never loads the engine and `ezplay run` never loads the lab.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { RunFlags } from './run-command.js';
import type { RollbackFlags } from './rollback-command.js';
import type { StatusFlags } from './status-command.js';
import type { TestFlags } from './test-command.js';
import type { DocFlags } from './doc-command.js';

export { registerEtcdCommands } from './etcd-command.js';

/** What each command's action leaves as the exit code. */
export interface ExitCodeSink {
  exitCode: number;
}

const collect = (value: string, previous: string[]) => [...previous, value];
/** A path list option: repeatable, and each value may hold several folders joined by ':', as Ansible reads it. */
const collectPaths = (value: string, previous: string[]) => [...previous, ...value.split(':').filter(Boolean)];
const count = (_v: string, prev: number) => prev + 1;

function wholeNumber(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`must be a whole number of ${min} or more`);
    return n;
  };
}

export function addRunOptions(cmd: Command): Command {
  return cmd
    .option('-i, --inventory <path>', 'inventory file or folder (repeatable; default inventory/hosts, else the lab)', collect, [])
    .option('-C, --check', 'plan only: report what would change, change nothing')
    .option('-D, --diff', 'show the differences of files and settings')
    .option('-l, --limit <pattern>', 'limit the run to hosts matching this pattern')
    .option('-t, --tags <tags>', 'only run tasks with these tags (repeatable, comma separated)', collect, [])
    .option('--skip-tags <tags>', 'skip tasks with these tags', collect, [])
    .option('-e, --extra-vars <vars>', 'k=v pairs, JSON/YAML, or @file (repeatable)', collect, [])
    .option('-f, --forks <n>', 'hosts worked on at once', '25')
    .option('--list-hosts', 'list the hosts each play targets and exit')
    .option('--list-tasks', 'list the tasks each play would run and exit')
    .option('--list-tags', 'list the tags and exit')
    .option('--syntax-check', 'load and validate the playbook, then exit')
    .option('--start-at-task <name>', 'start at the task with this name')
    .option('-v, --verbose', 'more output (repeat for more)', count, 0)
    .option('--json', 'one JSON event per line')
    .option('--timings', 'after the recap, the slowest tasks and hosts and the time per phase (always with -v)')
    .option('--no-color', 'plain output without colours')
    .option('--no-rollback', 'keep the changes of a failed run instead of rolling them back')
    .option('--force-handlers', 'run notified handlers on a host even after it failed')
    .option('--flush-cache', "clear the fact cache (Ansible's jsonfile cache, see ANSIBLE_CACHE_PLUGIN) for every host in the inventory")
    .option('--no-wait', "refuse, instead of waiting, while another run or rollback holds the project's lock or the lock of one of its hosts")
    .option('--roles-path <dir>', 'folders to look for roles in (repeatable, or joined by :)', collectPaths, [])
    .option('--accept-new-host-keys', 'record host keys seen for the first time (a changed key is still refused)')
    .option('-K, --ask-become-pass', 'ask for the sudo password')
    .option('-k, --ask-pass', 'ask for the SSH password')
    .option('-J, --ask-vault-pass', 'ask for the vault password')
    .option('--vault-password-file <file>', 'the vault password: the file\'s content, or what it prints when executable (repeatable)', collect, [])
    .option('--vault-id <[label@]source>', 'a vault password with its id: a file, an executable, or prompt (repeatable)', collect, [])
    .option('-u, --user <name>', 'connect as this user where the inventory names none (ansible_user)')
    .option('-c, --connection <type>', 'ssh or local, where the inventory says nothing (ansible_connection)')
    .option('--private-key <file>', 'SSH key file where the inventory names none (ansible_private_key_file)')
    .option('-b, --become', 'run tasks with sudo where the play and task say nothing (ansible_become)')
    .option('--become-user <name>', 'the user to become (default root)');
}

export function registerRunCommand(program: Command, sink: ExitCodeSink): void {
  addRunOptions(
    program
      .command('run')
      .argument('<playbook...>', 'the playbook to run (several run one after the other as one run, as ansible-playbook does)')
      .description('run a playbook against the hosts of an inventory'),
  )
    .addHelpText(
      'after',
      `
Examples:
  ezplay run playbooks/etcd.yml -i inventory/hosts
  ezplay run playbooks/etcd.yml --check --diff
  ezplay run site.yml -l etcd -t certs -e etcd_version=3.5.17
  ezplay run site.yml --json | jq 'select(.type == "recap")'`,
    )
    .action(async (playbooks: string[], flags: RunFlags) => {
      const { runCommand } = await import('./run-command.js');
      sink.exitCode = await runCommand(playbooks, flags);
    });
}

export function registerRollbackCommand(program: Command, sink: ExitCodeSink): void {
  program
    .command('rollback')
    .argument('[run-id]', 'the run to undo (default: the latest that changed something)')
    .description('undo the changes a finished run made, newest first')
    .option('--json', 'one JSON event per line')
    .option('--no-color', 'plain output without colours')
    .option('-v, --verbose', 'more output', count, 0)
    .option('--accept-new-host-keys', 'record host keys seen for the first time')
    .option('-K, --ask-become-pass', 'ask for the sudo password (the run\'s is never written down)')
    .option('-k, --ask-pass', 'ask for the SSH password (the run\'s is never written down)')
    .option('--project <dir>', "the project whose runs to use (default: the nearest folder with run journals at or above the current one)")
    .option('--list', 'print where the run journals are and list the recorded runs')
    .option('--no-wait', 'refuse to start while a run of the project, or any run on one of its hosts, holds a lock, instead of waiting')
    .option('--force', 'undo changes even where the host no longer holds what the run left (a later run or a hand edit changed the file since)')
    .addHelpText(
      'after',
      `
Without RUN_ID, the latest run that changed something (a --check run changes nothing).

Before undoing a change, ezplay checks that each file it wrote is still as the
run left it (content, mode, owner, existence). A file a later run or a hand
edit changed is left in place, named with the run that changed it; older
changes of the run to the same file stay too; everything else is undone.
--force undoes those changes anyway. After each undo the file must be as it
was before the change: a restore whose backup is gone is a failure.

Exit status: 0 when every change is undone, 2 when a change was refused or an
undo failed, 1 when there is nothing to undo.`,
    )
    .action(async (runId: string | undefined, flags: RollbackFlags) => {
      const { rollbackCommand } = await import('./rollback-command.js');
      sink.exitCode = await rollbackCommand(runId, flags);
    });
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description("show the etcd cluster's health (every member, leader, raft term and index, alarms), changing nothing")
    .option('-i, --inventory <path>', 'inventory file or folder (repeatable; default inventory/hosts, else the lab)', collect, [])
    .option('-e, --extra-vars <vars>', 'k=v pairs, JSON/YAML, or @file (repeatable)', collect, [])
    .option('-l, --limit <pattern>', 'ask only these members')
    .option('--json', 'print the status as one JSON object')
    .option('--no-color', 'plain output without colours')
    .option('-v, --verbose', 'show the tasks of the status run too', count, 0)
    .option('--accept-new-host-keys', 'record host keys seen for the first time')
    .addHelpText('after', '\nExit status: 0 when the cluster is healthy, 2 when it is not, 3 when no member answers.')
    .action(async (flags: StatusFlags) => {
      const { statusCommand } = await import('./status-command.js');
      process.exitCode = await statusCommand(flags);
    });
}

export function registerDocCommand(program: Command): void {
  program
    .command('doc')
    .description('the module reference, from the modules\' own argument schemas')
    .argument('[module]', 'the module to describe')
    .option('--list', 'list every module with its summary')
    .option('--markdown', 'print the whole reference as markdown (docs/modules.md)')
    .action(async (name: string | undefined, flags: DocFlags) => {
      const { docCommand } = await import('./doc-command.js');
      docCommand(name, flags);
    });
}

export function registerNewRoleCommand(program: Command): void {
  const create = program.command('new').description('create something from a skeleton');
  create
    .command('role')
    .argument('<name>', 'the role name (lower-case letters, digits and _)')
    .option('--path <dir>', 'the roles folder to create it in', 'roles')
    .description('create a role in kubeasz\'s layout, with an example service and tests')
    .addHelpText(
      'after',
      `
Example:
  ezplay new role node_exporter_lite     # roles/node_exporter_lite
  ezplay test node_exporter_lite         # converge, idempotence, check, verify, rollback`,
    )
    .action(async (name: string, flags: { path: string }) => {
      const { newRoleCommand } = await import('./new-role-command.js');
      await newRoleCommand(name, flags);
    });
}

export function registerTestCommand(program: Command): void {
  program
    .command('test')
    .argument('<role>', 'a role name (looked up like a playbook looks up roles) or a path to a role')
    .description('test a role on fresh lab machines: converge, idempotence, check mode, verify, rollback')
    .option('--hosts <n>', 'how many machines to test on', wholeNumber(1), 1)
    .option('--lab <name>', 'the lab to test on (default $EZPLAY_LAB, else a lab of its own named roletest)')
    .option('--first-machine <n>', 'the first machine of that lab to use', wholeNumber(1), 1)
    .option('--keep', 'leave the machines running afterwards (see them with `ezplay lab status --lab NAME`, log in with `ezplay lab ssh NAME1 --lab NAME`)')
    .option('--roles-path <dir>', 'folders to look for roles in (repeatable, or joined by :)', collectPaths, [])
    .option('-v, --verbose', 'print every task of every run', count, 0)
    .addHelpText(
      'after',
      `
Stages, each on the same machines:
  converge     tests/test.yml (or a play applying the role to all hosts) runs cleanly
  idempotence  a second run changes nothing
  check        a --check run would change nothing
  verify       tests/verify.yml passes
  rollback     undoing the runs leaves every touched path, unit and account as before

Examples:
  ezplay test node_exporter_lite
  ezplay test ./roles/node_exporter_lite --hosts 2 --keep`,
    )
    .action(async (role: string, flags: TestFlags) => {
      const { testCommand } = await import('./test-command.js');
      process.exitCode = await testCommand(role, flags);
    });
}

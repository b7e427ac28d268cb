#!/usr/bin/env node
/**
 * The ezplay command line. The only place that prints errors and exits.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { EzplayError } from '../errors.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { registerLabCommands } from './lab.js';
import { registerStatusCommand } from './status-command.js';
import { registerDocCommand } from './doc-command.js';
import { addRunOptions, runCommand, type RunFlags } from './run-command.js';
import { rollbackCommand } from './rollback-command.js';
import { registerNewRoleCommand } from './new-role-command.js';
import { registerTestCommand } from './test-command.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

let exitCode: number = EXIT.ok;

// `ezplay run ... --json | head` closes our stdout early: stop quietly, as other tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(exitCode);
  throw error;
});

function program(): Command {
  const cli = new Command('ezplay')
    .description('Agentless playbooks for etcd clusters, in the Ansible syntax you know.')
    .version(version, '--version')
    .showHelpAfterError()
    .exitOverride();

  addRunOptions(
    cli
      .command('run')
      .argument('<playbook>', 'the playbook to run')
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
    .action(async (playbook: string, flags: RunFlags) => {
      exitCode = await runCommand(playbook, flags);
    });

  cli
    .command('rollback')
    .argument('[run-id]', 'the run to undo (default: the latest)')
    .description('undo the changes a finished run made, newest first')
    .option('--json', 'one JSON event per line')
    .option('--no-color', 'plain output without colours')
    .option('-v, --verbose', 'more output', (_v: string, prev: number) => prev + 1, 0)
    .option('--accept-new-host-keys', 'record host keys seen for the first time')
    .action(async (runId: string | undefined, flags: { json?: boolean; color: boolean; verbose: number }) => {
      exitCode = await rollbackCommand(runId, flags);
    });

  registerLabCommands(cli);
  registerStatusCommand(cli);
  registerDocCommand(cli);
  registerNewRoleCommand(cli);
  registerTestCommand(cli);
  return cli;
}

async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return EXIT.ok;
      return EXIT.badOptions;
    }
    if (error instanceof EzplayError) {
      process.stderr.write(`ERROR! ${error.describe()}\n`);
      return exitCodeFor(error);
    }
    process.stderr.write(`ERROR! unexpected: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.unexpected;
  }
}

const code = await main(process.argv);
// Subcommands such as `lab ssh` pass on the exit code of what they ran.
process.exitCode = code || (typeof process.exitCode === 'number' ? process.exitCode : 0);

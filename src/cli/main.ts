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
import {
  addRunOptions,
  registerDocCommand,
  registerEtcdCommands,
  registerNewRoleCommand,
  registerRollbackCommand,
  registerRunCommand,
  registerStatusCommand,
  registerTestCommand,
} from './commands.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

const result = { exitCode: EXIT.ok as number };

// `ezplay run ... --json | head` closes our stdout early: stop quietly, as other tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(result.exitCode);
  throw error;
});

function program(): Command {
  const cli = new Command('ezplay')
    .description('Agentless playbooks for etcd clusters, in the Ansible syntax you know.')
    .version(version, '--version')
    .showHelpAfterError()
    .exitOverride();

  registerRunCommand(cli, result);
  registerRollbackCommand(cli, result);
  registerLabCommands(cli);
  registerStatusCommand(cli);
  registerEtcdCommands(cli, result, addRunOptions);
  registerDocCommand(cli);
  registerNewRoleCommand(cli);
  registerTestCommand(cli);
  return cli;
}

async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return result.exitCode;
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

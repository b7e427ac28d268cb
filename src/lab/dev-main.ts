import { Command } from 'commander';
import { registerLabCommands } from '../cli/lab.js';
import { EzplayError } from '../errors.js';
const program = new Command('ezplay');
registerLabCommands(program);
try {
  await program.parseAsync();
} catch (err) {
  if (err instanceof EzplayError) {
    process.stderr.write(`error: ${err.describe()}\n`);
    process.exitCode = 3;
  } else throw err;
}

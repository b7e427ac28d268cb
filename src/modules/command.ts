/**
 * `command`: runs a program without a shell, so `|`, `>` and `;` reach it as
 * plain words, as in Ansible. Its effect is unknown before it runs: the plan
 * is opaque unless `creates`/`removes` guard it.
 */
import { ModuleError } from '../errors.js';
import { quoteArgs } from '../shell/quote.js';
import { COMMON_ARGS, INLINE_OPTIONS, inDir, planCommand, splitCommand, type CommandArgs } from './command-plans.js';
import { extractInlineOptions } from '../shell/shlex.js';
import { defineModule } from './types.js';

export interface CommandModuleArgs extends CommandArgs {
  argv?: string[];
}

/**
 * Ansible's free form may carry `creates=/x chdir=/y` inline: those become
 * arguments (explicit ones win), the rest is the command.
 */
export function resolveInline<A extends { cmd?: string }>(args: A, keys: readonly string[]): A {
  if (args.cmd === undefined) return args;
  const { rest, options } = extractInlineOptions(args.cmd, keys);
  return { ...options, ...args, cmd: rest } as A;
}

export const commandModule = defineModule<CommandModuleArgs>({
  name: 'command',
  summary: 'Run a program on the host, without a shell',
  description:
    'Runs a command given as free form (`command: ls -l /x`), as `cmd`, or as an `argv` list. ' +
    'The free form is split into words like a POSIX shell would split them, but shell operators, ' +
    'variables and globs are not interpreted: use `shell` for those. ' +
    'A non-zero exit fails the task; the registered result has rc, stdout, stderr and their _lines. ' +
    'Without creates/removes the change is unknown in advance, so check mode skips the task. ' +
    'Rollback runs the task\'s `rollback` command, if it gives one.',
  freeForm: 'cmd',
  args: {
    cmd: {
      type: 'str',
      aliases: ['_raw_params'],
      description: 'The command line, split into words like `shlex.split`; the free form of the task lands here.',
    },
    argv: {
      type: 'list',
      elements: 'str',
      description: 'The command as a list of words, none of them split or interpreted. Use either this or `cmd`.',
    },
    ...COMMON_ARGS,
    executable: {
      type: 'str',
      description: "Accepted and ignored with a warning, as Ansible does since 2.4: `command` runs no shell (use `shell`'s `executable`).",
    },
  },
  async plan(ctx, given) {
    const args = resolveInline(given, INLINE_OPTIONS.filter((k) => k !== 'executable'));
    if (args.cmd && args.argv) throw new ModuleError('only command or argv can be given, not both', { rc: 256 });
    const words = args.argv ?? (args.cmd !== undefined ? splitCommand(args.cmd) : []);
    if (words.length === 0) throw new ModuleError('no command given', { rc: 256 });
    const rollbackLine = args.rollback !== undefined ? inDir(quoteArgs(splitCommand(args.rollback)), args.chdir) : undefined;
    const ignored = (given as { executable?: unknown }).executable;
    const plan = await planCommand(ctx, args, {
      line: inDir(quoteArgs(words), args.chdir),
      registered: args.argv ? words : (args.cmd as string),
      rollbackLine,
    });
    if (ignored === undefined || ignored === null) return plan;
    const warning = `As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '${String(ignored)}'.`;
    return { ...plan, warnings: [...(plan.warnings ?? []), warning] };
  },
});

/**
 * `shell`: runs a command line through a POSIX shell, so pipes, redirections
 * and variables work. Same guards, result and rollback as `command`.
 */
import { ModuleError } from '../errors.js';
import { sh } from '../shell/quote.js';
import { COMMON_ARGS, INLINE_OPTIONS, inDir, planCommand, type CommandArgs } from './command-plans.js';
import { resolveInline } from './command.js';
import { defineModule } from './types.js';

export interface ShellArgs extends CommandArgs {
  executable?: string;
}

/**
 * The line to run. The connection already runs lines under /bin/sh; a
 * `chdir` or another `executable` wraps the text as one quoted argument of
 * `-c`, so whatever the text holds (`;`, `exit`) stays inside it.
 */
export function shellLine(text: string, chdir: string | undefined, executable: string | undefined): string {
  if (!chdir && !executable) return text;
  return inDir(sh`${executable ?? '/bin/sh'} -c ${text}`, chdir);
}

export const shellModule = defineModule<ShellArgs>({
  name: 'shell',
  summary: 'Run a command line on the host through a shell',
  description:
    'Runs the free form (`shell: cat /x | wc -l`) or `cmd` with /bin/sh (or `executable`), ' +
    'so pipes, redirections, globs and variables work. A non-zero exit fails the task; ' +
    'the registered result has rc, stdout, stderr and their _lines. Without creates/removes ' +
    'check mode skips the task. Rollback runs the task\'s `rollback` line, if it gives one.',
  freeForm: 'cmd',
  args: {
    cmd: {
      type: 'str',
      aliases: ['_raw_params'],
      required: false,
      description: 'The shell command line; the free form of the task lands here.',
    },
    executable: {
      type: 'path',
      description: 'The shell to run the line with, called as `executable -c line` (default /bin/sh).',
    },
    ...COMMON_ARGS,
  },
  async plan(ctx, given) {
    const args = resolveInline(given, INLINE_OPTIONS);
    if (!args.cmd || !args.cmd.trim()) throw new ModuleError('no command given', { rc: 256 });
    return planCommand(ctx, args, {
      line: shellLine(args.cmd, args.chdir, args.executable),
      registered: args.cmd,
      rollbackLine: args.rollback !== undefined ? shellLine(args.rollback, args.chdir, args.executable) : undefined,
    });
  },
});

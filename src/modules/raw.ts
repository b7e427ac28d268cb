/**
 * `raw`, `script`, `wait_for_connection`: the modules Ansible users reach
 * for on hosts before anything else is set up. ezplay needs no Python on
 * the host, so `raw` is `shell` without its options, and `script` streams
 * the controller's file through the connection instead of uploading it.
 */
import { readFileSync } from 'node:fs';
import { ModuleError } from '../errors.js';
import { quote, sh } from '../shell/quote.js';
import { shlexSplit } from '../shell/shlex.js';
import { COMMON_ARGS, planCommand } from './command-plans.js';
import { defineModule } from './types.js';

export const rawModule = defineModule<{ cmd: string; executable?: string }>({
  name: 'raw',
  summary: 'Run a command line on the host as it is',
  description:
    'Runs the free form with /bin/sh (or `executable -c`). Like `shell` without creates/removes: check mode skips it, ' +
    'and its change cannot be undone. The registered result has rc, stdout and stderr.',
  freeForm: 'cmd',
  args: {
    cmd: { type: 'str', required: true, aliases: ['_raw_params'], description: 'The command line; the free form lands here.' },
    executable: { type: 'path', description: 'The shell to run it with, as `executable -c line`.' },
  },
  async plan(ctx, args) {
    if (!args.cmd.trim()) throw new ModuleError('raw: no command given');
    const line = args.executable ? sh`${args.executable} -c ${args.cmd}` : args.cmd;
    return planCommand(ctx, { stdin_add_newline: false, strip_empty_ends: false }, { line, registered: args.cmd });
  },
});

export interface ScriptArgs {
  cmd: string;
  creates?: string;
  removes?: string;
  chdir?: string;
  executable?: string;
  rollback?: string;
}

/**
 * The host line: the script arrives on stdin into a private temporary file,
 * runs with its arguments (its own shebang, or `executable`), and is
 * removed whatever its exit code.
 */
export function scriptLine(args: readonly string[], chdir: string | undefined, executable: string | undefined): string {
  const run = `${executable ? `${quote(executable)} ` : ''}"$t"${args.map((a) => ` ${quote(a)}`).join('')} </dev/null`;
  const cd = chdir ? `${sh`cd ${chdir}`} && ` : '';
  return `t=$(mktemp) && cat >"$t" && chmod 700 "$t" && (${cd}${run}); rc=$?; rm -f "$t"; exit $rc`;
}

export const scriptModule = defineModule<ScriptArgs>({
  name: 'script',
  summary: "Run a script from the controller on the host",
  description:
    'The free form is the script (found in the role\'s `files/`, then beside the playbook) and its arguments: ' +
    '`script: check.sh --fast`. The file is streamed to a temporary file on the host, run and removed. ' +
    'Same creates/removes, check mode and `rollback` as `shell`.',
  freeForm: 'cmd',
  args: {
    cmd: { type: 'str', required: true, aliases: ['_raw_params'], description: 'The script and its arguments.' },
    creates: COMMON_ARGS.creates!,
    removes: COMMON_ARGS.removes!,
    chdir: COMMON_ARGS.chdir!,
    executable: { type: 'str', description: 'Run the script with this program (`bash`, `python3`) instead of its shebang line.' },
    rollback: COMMON_ARGS.rollback!,
  },
  async plan(ctx, args) {
    let words: string[];
    try {
      words = shlexSplit(args.cmd);
    } catch (error) {
      throw new ModuleError(`script: ${(error as Error).message}`);
    }
    const [name, ...rest] = words;
    if (!name) throw new ModuleError('script: no script given');
    const local = ctx.findFile('files', name);
    const stdin = readFileSync(local, 'utf8');
    return planCommand(
      ctx,
      { ...args, stdin, stdin_add_newline: false, strip_empty_ends: true },
      { line: scriptLine(rest, args.chdir, args.executable), registered: args.cmd, rollbackLine: args.rollback },
    );
  },
});

export const waitForConnectionModule = defineModule<{ delay: number; sleep: number; timeout: number; connect_timeout: number }>({
  name: 'wait_for_connection',
  summary: 'Wait until the host answers through its connection',
  description:
    'Runs `true` on the host until it succeeds (after `delay` seconds, every `sleep` seconds, for at most `timeout`): ' +
    'for a host that is rebooting or just booted. Never changes the host.',
  args: {
    delay: { type: 'int', default: 0, description: 'Seconds to wait before the first try.' },
    sleep: { type: 'int', default: 1, description: 'Seconds between tries.' },
    timeout: { type: 'int', default: 600, description: 'Seconds to wait in all before failing.' },
    connect_timeout: { type: 'int', default: 5, description: 'Accepted for compatibility; the connection keeps its own timeout.' },
  },
  async plan(ctx, args) {
    const started = Date.now();
    const pause = (s: number) => new Promise((r) => setTimeout(r, s * 1000));
    if (args.delay > 0) await pause(args.delay);
    let last = '';
    for (;;) {
      try {
        const res = await ctx.probe('true');
        if (res.rc === 0) return { changed: false, result: { elapsed: Math.round((Date.now() - started) / 1000) } };
        last = res.stderr.trim() || `exit ${res.rc}`;
      } catch (error) {
        last = (error as Error).message;
      }
      if ((Date.now() - started) / 1000 + args.sleep > args.timeout) {
        throw new ModuleError(`timed out waiting for connection after ${args.timeout} s: ${last}`, { elapsed: Math.round((Date.now() - started) / 1000) });
      }
      ctx.progress?.({ text: `waiting for the connection: ${last}` });
      await pause(args.sleep);
    }
  },
});

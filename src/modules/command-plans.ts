/**
 * What `command` and `shell` share: the creates/removes guards (one probe,
 * pure parser), the single exec step, and Ansible's registered result.
 * They differ only in how the command line is built.
 */
import path from 'node:path';
import { quote, sh } from '../shell/quote.js';
import type { ExecResult } from '../connection/types.js';
import { ModuleError } from '../errors.js';
import { shlexSplit } from '../shell/shlex.js';
import type { ArgSchema, Diff, HostContext, Plan, Step } from './types.js';

/** Arguments both modules take. */
export interface CommandArgs {
  cmd?: string;
  creates?: string;
  removes?: string;
  chdir?: string;
  stdin?: string;
  stdin_add_newline: boolean;
  strip_empty_ends: boolean;
  rollback?: string;
}

/** Inline options Ansible accepts inside a free-form command line. */
export const INLINE_OPTIONS = ['creates', 'removes', 'chdir', 'stdin', 'executable'] as const;

export const COMMON_ARGS: ArgSchema = {
  creates: {
    type: 'path',
    description:
      'A path or glob; when it matches, the command is not run (changed: false). Relative to `chdir` when given. Lets check mode report the change honestly.',
  },
  removes: {
    type: 'path',
    description: 'A path or glob; when it matches nothing, the command is not run (changed: false). Relative to `chdir` when given.',
  },
  chdir: { type: 'path', description: 'Change into this directory before running the command.' },
  stdin: { type: 'str', description: "Text fed to the command's standard input." },
  stdin_add_newline: { type: 'bool', default: true, description: 'Append a newline to `stdin`.' },
  strip_empty_ends: {
    type: 'bool',
    default: true,
    description: 'Strip trailing newlines from stdout and stderr in the registered result.',
  },
  rollback: {
    type: 'str',
    description:
      "ezplay's extension: a command (same syntax as this module's) that undoes this one, run when the run is rolled back. Without it, the task's change cannot be undone and the rollback report says so.",
  },
};

/**
 * A glob for the shell: literal text quoted, `*` and `?` left bare so the
 * shell expands them (Ansible's creates/removes take globs).
 */
export function globWord(pattern: string): string {
  return pattern
    .split(/([*?]+)/)
    .map((part, i) => (i % 2 === 1 ? part : part === '' ? '' : quote(part)))
    .join('');
}

function guardPath(p: string, chdir: string | undefined): string {
  return chdir && !path.isAbsolute(p) ? path.join(chdir, p) : p;
}

/** One command answering `creates:yes|no` and `removes:yes|no`. */
export function guardCommand(guards: { creates?: string | undefined; removes?: string | undefined }): string {
  const lines: string[] = [];
  for (const key of ['creates', 'removes'] as const) {
    const p = guards[key];
    if (p === undefined) continue;
    lines.push(
      `( m=no; for f in ${globWord(p)}; do if [ -e "$f" ] || [ -L "$f" ]; then m=yes; break; fi; done; echo ${key}:$m )`,
    );
  }
  return lines.join('; ');
}

export function parseGuards(stdout: string): { creates?: boolean; removes?: boolean } {
  const out: { creates?: boolean; removes?: boolean } = {};
  for (const line of stdout.split('\n')) {
    const m = /^(creates|removes):(yes|no)$/.exec(line.trim());
    if (m) out[m[1] as 'creates' | 'removes'] = m[2] === 'yes';
  }
  return out;
}

/** Ansible's timestamp: `2024-05-01 12:00:00.123456`. */
function timestamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
}

function delta(ms: number): string {
  const total = Math.max(0, ms) / 1000;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = (total % 60).toFixed(6).padStart(9, '0');
  return `${h}:${String(m).padStart(2, '0')}:${s}`;
}

const lines = (text: string): string[] => (text === '' ? [] : text.split(/\r?\n/));

/** The registered result of a finished command, as Ansible shapes it. */
export function commandResult(
  cmd: string | string[],
  res: ExecResult,
  options: { strip: boolean; end?: Date },
): Record<string, unknown> {
  const strip = (t: string) => (options.strip ? t.replace(/[\r\n]+$/, '') : t);
  const stdout = strip(res.stdout);
  const stderr = strip(res.stderr);
  const end = options.end ?? new Date();
  const start = new Date(end.getTime() - res.durationMs);
  const failed = res.rc !== 0;
  return {
    cmd,
    rc: res.rc,
    stdout,
    stdout_lines: lines(stdout),
    stderr,
    stderr_lines: lines(stderr),
    start: timestamp(start),
    end: timestamp(end),
    delta: delta(res.durationMs),
    changed: true,
    failed,
    ...(failed ? { msg: 'non-zero return code' } : {}),
  };
}

/** What the command prints on stderr, alone, when it cannot enter `chdir`: the reason follows. */
const CHDIR_FAILED = 'ezplay-chdir-failed:';

/** Python's words for why a folder could not be entered, as Ansible's message quotes them. */
const CHDIR_REASONS: Record<string, string> = {
  missing: '[Errno 2] No such file or directory',
  notdir: '[Errno 20] Not a directory',
  denied: '[Errno 13] Permission denied',
};

/** Enters `chdir` before the command, by its physical path as Python's os.chdir leaves it (`$PWD` has no links); a folder it cannot enter is reported, not run in. */
export function inDir(line: string, chdir: string | undefined): string {
  if (!chdir) return line;
  const why = sh`if [ ! -e ${chdir} ]; then r=missing; elif [ ! -d ${chdir} ]; then r=notdir; else r=denied; fi`;
  return `${sh`cd -P -- ${chdir}`} 2>/dev/null || { ${why}; echo "${CHDIR_FAILED}$r" >&2; exit 1; }; ${line}`;
}

/** Ansible's failure for a `chdir` the command could not enter, if that is what happened. */
export function chdirFailure(res: ExecResult, chdir: string | undefined): string | undefined {
  const m = chdir !== undefined && res.rc === 1 ? new RegExp(`^${CHDIR_FAILED}(\\w+)\\n?$`).exec(res.stderr) : null;
  if (!m) return undefined;
  return `Unable to change directory before execution: ${CHDIR_REASONS[m[1] as string] ?? m[1]}: b'${chdir}'`;
}

/** The whole plan, given the command line to run and what to register as `cmd`. */
export async function planCommand(
  ctx: HostContext,
  args: CommandArgs,
  run: { line: string; registered: string | string[]; rollbackLine?: string | undefined },
): Promise<Plan> {
  const guarded = args.creates !== undefined || args.removes !== undefined;
  const creates = args.creates !== undefined ? guardPath(args.creates, args.chdir) : undefined;
  const removes = args.removes !== undefined ? guardPath(args.removes, args.chdir) : undefined;
  if (guarded) {
    const res = await ctx.probe(guardCommand({ creates, removes }));
    if (res.rc !== 0) throw new ModuleError(`checking creates/removes: ${res.stderr.trim()}`, { rc: res.rc });
    const found = parseGuards(res.stdout);
    const skip = found.creates ? `skipped, since ${creates} exists` : found.removes === false ? `skipped, since ${removes} does not exist` : undefined;
    if (skip) {
      return {
        changed: false,
        msg: skip,
        result: { cmd: run.registered, rc: 0, stdout: skip, stdout_lines: [skip], stderr: '', stderr_lines: [], msg: skip },
      };
    }
  }
  const stdin = args.stdin !== undefined ? args.stdin + (args.stdin_add_newline ? '\n' : '') : undefined;
  const step: Step = {
    kind: 'exec',
    command: run.line,
    description: `run ${typeof run.registered === 'string' ? run.registered : run.registered.join(' ')}`,
    allowFailure: true,
    ...(stdin !== undefined ? { stdin } : {}),
  };
  const undo: Step[] | undefined = run.rollbackLine
    ? [{ kind: 'exec', command: run.rollbackLine, description: `roll back: ${args.rollback}` }]
    : undefined;
  return {
    changed: true,
    opaque: !guarded,
    diff: guardDiff(creates, removes),
    steps: [step],
    ...(undo ? { undo } : {}),
    ...(guarded ? { checkMsg: 'Command would have run if not in check mode' } : {}),
    afterApply: (outputs) => {
      const res = outputs[outputs.length - 1];
      if (!res) throw new ModuleError('the command produced no result');
      const chdirFailed = chdirFailure(res, args.chdir);
      if (chdirFailed) {
        const nothing = { stdout: '', stdout_lines: [], stderr: '', stderr_lines: [], start: null, end: null, delta: null };
        throw new ModuleError(chdirFailed, { cmd: run.registered, rc: null, changed: false, ...nothing });
      }
      return commandResult(run.registered, res, { strip: args.strip_empty_ends });
    },
  };
}

/**
 * What a guarded command is known to change, for --diff: the path `creates`
 * names will exist, the one `removes` names will not. That is the drift
 * --check reports when someone deleted what the command made.
 */
function guardDiff(creates: string | undefined, removes: string | undefined): Diff[] {
  return [
    ...(creates !== undefined ? [{ subject: creates, before: 'absent', after: 'present', kind: 'summary' as const }] : []),
    ...(removes !== undefined ? [{ subject: removes, before: 'present', after: 'absent', kind: 'summary' as const }] : []),
  ];
}

/** Splits like shlex, turning a quoting mistake into the module's error. */
export function splitCommand(line: string): string[] {
  try {
    return shlexSplit(line);
  } catch (error) {
    throw new ModuleError((error as Error).message);
  }
}

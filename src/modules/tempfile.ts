/**
 * `tempfile`: a new file or folder with a unique name, as Ansible's module
 * makes with Python's mkstemp/mkdtemp. The name is drawn when planning, so
 * the plan knows the path it writes (check mode reports it, the journal
 * fingerprints it); the step creates it exclusively and fails rather than
 * reuse a path that appeared meanwhile. Always a change, as in Ansible.
 */
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { ModuleError } from '../errors.js';
import { tempFolderFact } from '../facts/temp-folder.js';
import { sh } from '../shell/quote.js';
import { dropBackupsStep, moveAsideStep } from './kit/backup.js';
import { defineModule, type Step } from './types.js';

export interface TempfileArgs {
  state: 'file' | 'directory';
  path?: string;
  prefix: string;
  suffix: string;
}

/** The letters of Python's temporary names. */
const NAME_LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789_';

/** Eight random letters, as Python's `_RandomNameSequence` draws them. */
export function randomNamePart(pick: (n: number) => number = randomInt): string {
  let out = '';
  for (let i = 0; i < 8; i++) out += NAME_LETTERS[pick(NAME_LETTERS.length)];
  return out;
}

/** Creates `p` only if nothing is there (mkdir, or noclobber), 0700/0600, then prints `uid gid owner group size`. */
export function createTempCommand(p: string, state: 'file' | 'directory'): string {
  const create = state === 'directory' ? sh`mkdir -m 0700 -- ${p}` : sh`(umask 077 && set -C && : > ${p}) && [ -f ${p} ] && [ ! -L ${p} ]`;
  return `${create} && ${sh`stat -c '%u %g %U %G %s' -- ${p}`}`;
}

/** The `stat` line the step prints, as the fields Ansible adds to a result that has a path. */
export function parseCreated(stdout: string): Record<string, unknown> {
  const [uid, gid, owner, group, size] = stdout.trim().split(' ');
  if (size === undefined) return {};
  return { uid: Number(uid), gid: Number(gid), owner, group, size: Number(size) };
}

export const tempfileModule = defineModule<TempfileArgs>({
  name: 'tempfile',
  summary: 'Create a temporary file or directory with a unique name',
  description:
    'Creates a file (mode 0600) or directory (mode 0700) named `prefix` + eight random letters + `suffix` in `path`, ' +
    "else in the host's temporary folder (the first writable of `$TMPDIR`, `$TEMP`, `$TMP`, /tmp, /var/tmp, /usr/tmp), " +
    'and returns its `path`. Always changed, as in Ansible; nothing removes it later unless a task does. ' +
    "In check mode the plan names the path it would create. Undo moves what it made into the run's backups, with anything put inside it since.",
  args: {
    state: { type: 'str', default: 'file', choices: ['file', 'directory'], description: 'Create a file or a directory.' },
    path: { type: 'path', description: "The folder to create it in; default: the host's temporary folder." },
    prefix: { type: 'str', default: 'ansible.', description: 'The start of the name.' },
    suffix: { type: 'str', default: '', description: 'The end of the name.' },
  },
  async plan(ctx, args) {
    const folder = await ctx.gather(tempFolderFact, { path: args.path });
    const target = path.posix.join(folder.path, `${args.prefix}${randomNamePart()}${args.suffix}`);
    if (folder.type === 'missing') throw new ModuleError(`[Errno 2] No such file or directory: '${target}'`);
    if (folder.type === 'other') throw new ModuleError(`[Errno 20] Not a directory: '${target}'`);
    const mode = args.state === 'directory' ? '0700' : '0600';
    const create: Step = { kind: 'exec', command: createTempCommand(target, args.state), description: `create ${args.state} ${target}` };
    return {
      changed: true,
      diff: [{ subject: target, before: 'absent', after: `${args.state} ${mode}`, kind: 'summary' }],
      steps: [create],
      undo: [moveAsideStep(ctx.runId, [target])],
      cleanup: [dropBackupsStep(ctx.runId, [target])],
      writes: [target],
      effects: [{ kind: 'path', path: target, type: args.state, mode: Number.parseInt(mode, 8) }],
      result: { path: target, state: args.state, mode },
      afterApply: (outputs) => parseCreated(outputs[0]?.stdout ?? ''),
    };
  },
});

/**
 * `file`: directories, links, empty files, removal, and the mode/owner of
 * what is there. One probe answers everything the decision needs (the path,
 * a link's source, the differing entries of a tree for `recurse`).
 */
import path from 'node:path';
import { ModuleError } from '../errors.js';
import { fileTreeFact } from '../facts/file-tree.js';
import type { FactsRequest } from '../facts/paths.js';
import type { PlannedEffect } from '../facts/planned.js';
import { defaultState, planFileState, type FileState } from './file-states.js';
import { defineModule, type HostContext } from './types.js';
import { attributeArgs, formatMode } from './kit/attributes.js';
import { flagChange, flagsArg } from './kit/flags.js';
import { fileFlagsFact } from '../facts/file-flags.js';

export interface FileArgs {
  path: string;
  state?: FileState;
  mode?: number;
  owner?: string;
  group?: string;
  recurse: boolean;
  src?: string;
  modification_time?: 'now' | 'preserve';
  access_time?: 'now' | 'preserve';
  force: boolean;
  follow: boolean;
  attributes?: string;
  _diff_peek?: boolean;
}


export const fileModule = defineModule<FileArgs>({
  name: 'file',
  summary: 'Manage directories, links, empty files, removal, and mode and ownership',
  description:
    'Makes a path a directory, a symbolic or hard link, an (empty, touched) file, or absent, and ' +
    'sets its mode and ownership. Nothing happens when the path is already as asked. ' +
    'Undo is exact: a removed path is moved into the run\'s backups (under /var/lib/ezplay/backup, never beside it) and put back, ' +
    'a created one is removed (with the parent directories the task created), ' +
    'and changed modes, owners and link targets are set back.',
  args: {
    path: { type: 'path', required: true, aliases: ['dest', 'name'], description: 'The path to manage.' },
    state: {
      type: 'str',
      choices: ['file', 'directory', 'absent', 'link', 'touch', 'hard'],
      description:
        '`directory` creates it with missing parents; `file` only sets attributes of an existing file; ' +
        '`touch` creates an empty file or updates times; `link`/`hard` make a symbolic/hard link to `src`; ' +
        '`absent` removes it, recursively for a directory. Default: what the path is now, else `file`.',
    },
    ...attributeArgs({ ownerAliases: ['user'] }),
    recurse: {
      type: 'bool',
      default: false,
      description: 'With state=directory: apply mode, owner and group to everything below it too.',
    },
    src: {
      type: 'path',
      description: 'The target of a link (state=link/hard). A relative symlink target is relative to the folder of `path`.',
    },
    force: {
      type: 'bool',
      default: false,
      description: 'Create a symlink whose target does not exist yet, or replace a file or directory with a link.',
    },
    modification_time: {
      type: 'str',
      choices: ['now', 'preserve'],
      description: 'With state=touch: `now` (the default) or `preserve` (an existing file keeps its time, so the task is a no-op once the file exists).',
    },
    access_time: {
      type: 'str',
      choices: ['now', 'preserve'],
      description: 'With state=touch: `now` (the default) or `preserve`, like modification_time.',
    },
    follow: {
      type: 'bool',
      default: true,
      description: 'When `path` is a symlink, apply mode and ownership to its target instead of the link.',
    },
    attributes: flagsArg,
    _diff_peek: {
      type: 'bool',
      description: "Ansible's internal peek before a diff: only reports whether the file looks binary (`appears_binary`, a NUL byte in its first 8192); changes nothing.",
    },
  },
  async plan(ctx, args) {
    if (args._diff_peek) {
      const head = (await ctx.readFile(args.path))?.subarray(0, 8192);
      return { changed: false, result: { path: args.path, appears_binary: head?.includes(0) ?? false } };
    }
    const followable = args.state === undefined || args.state === 'file' || args.state === 'directory' || args.state === 'touch';
    const requests: FactsRequest[] = [{ path: args.path, follow: args.follow && followable }];
    const linkSrc =
      args.src === undefined
        ? undefined
        : args.state === 'link' && !path.isAbsolute(args.src)
          ? path.join(path.dirname(args.path), args.src)
          : args.src;
    if (linkSrc !== undefined && (args.state === 'link' || args.state === 'hard')) requests.push({ path: linkSrc });
    const wantsTree = args.recurse && (args.state ?? 'directory') === 'directory';
    const probed = await ctx.gather(fileTreeFact, { paths: requests, ...(wantsTree ? { tree: { dir: args.path, want: args } } : {}) });
    const [facts, srcFacts] = probed.paths;
    if (!facts) throw new ModuleError(`no facts about ${args.path}`);

    const state = args.state ?? defaultState(facts.stat, args.recurse);
    if ((args.modification_time !== undefined || args.access_time !== undefined) && state !== 'touch') {
      throw new ModuleError('file: modification_time and access_time are supported with state=touch only');
    }
    const change = planFileState(
      {
        path: args.path,
        state,
        src: args.src,
        force: args.force,
        recurse: args.recurse,
        mode: args.mode,
        owner: args.owner,
        group: args.group,
        times: { modification: args.modification_time ?? 'now', access: args.access_time ?? 'now' },
      },
      facts,
      { src: srcFacts, tree: probed.tree, runId: ctx.runId },
    );
    const flags = await planFlags(ctx, args, state, facts.realPath, facts.stat !== null);
    // flags change first on a path that exists (an immutable file is made writable before a touch), last on one the task creates
    const existed = facts.stat !== null;
    change.steps = existed ? [...flags.steps, ...change.steps] : [...change.steps, ...flags.steps];
    change.undo = existed ? [...change.undo, ...flags.undo] : [...flags.undo, ...change.undo];
    change.diff = [...change.diff, ...flags.diff];
    const result: Record<string, unknown> = { path: args.path, state };
    if (state !== 'absent') {
      const mode = args.mode ?? facts.stat?.mode;
      if (mode !== undefined && state !== 'link') result.mode = formatMode(mode);
      const owner = args.owner ?? facts.stat?.owner;
      const group = args.group ?? facts.stat?.group;
      if (owner) result.owner = owner;
      if (group) result.group = group;
      if (args.src !== undefined) result.src = args.src;
    }
    if (!change.steps.length) return { changed: false, result };
    return {
      changed: true,
      diff: change.diff,
      steps: change.steps,
      undo: change.undo,
      ...(change.cleanup.length ? { cleanup: change.cleanup } : {}),
      writes: change.writes ?? [facts.realPath],
      effects: [fileEffect(args.path, state, args, linkSrc ?? args.src)],
      result,
    };
  },
});

/** `attributes` on what the path is (or will be): no flags to compare on a link or a removal. */
async function planFlags(ctx: HostContext, args: FileArgs, state: string, realPath: string, exists: boolean) {
  if (args.attributes === undefined || state === 'absent' || state === 'link' || state === 'hard') return { steps: [], undo: [], diff: [] };
  const current = exists ? await ctx.gather(fileFlagsFact, realPath) : '';
  try {
    return flagChange(realPath, current, args.attributes);
  } catch (error) {
    throw new ModuleError(`file: attributes: ${(error as Error).message}`);
  }
}

/** What the path is once the steps have run, for check mode's later tasks. */
function fileEffect(path: string, state: FileState, want: { mode?: number | undefined; owner?: string | undefined; group?: string | undefined }, src: string | undefined): PlannedEffect {
  const attrs = {
    ...(want.mode !== undefined ? { mode: want.mode } : {}),
    ...(want.owner !== undefined ? { owner: want.owner } : {}),
    ...(want.group !== undefined ? { group: want.group } : {}),
  };
  if (state === 'absent') return { kind: 'path', path, type: 'absent' };
  if (state === 'directory') return { kind: 'path', path, type: 'directory', ...attrs };
  if (state === 'link') return { kind: 'path', path, type: 'link', ...(src !== undefined ? { target: src } : {}) };
  return { kind: 'path', path, type: 'file', ...attrs };
}

/**
 * `file`: directories, links, empty files, removal, and the mode/owner of
 * what is there. One probe answers everything the decision needs (the path,
 * a link's source, the differing entries of a tree for `recurse`).
 */
import path from 'node:path';
import { ModuleError } from '../errors.js';
import { fileTreeFact, type TreeEntry } from '../facts/file-tree.js';
import { accountFact } from '../facts/users.js';
import type { FactsRequest } from '../facts/paths.js';
import type { PlannedEffect } from '../facts/planned.js';
import { ansibleMode, defaultState, planFileState, prevState, type FileRecord, type FileState, type TimeWant } from './file-states.js';
import type { PathFacts, PathStat } from '../facts/paths.js';
import { localTimestamp } from '../common/strptime.js';
import { defineModule, type ArgSchema, type ArgSpec, type HostContext, type Plan } from './types.js';
import { applySymbolicMode } from '../shell/mode.js';
import { attributeArgs } from './kit/attributes.js';
import { flagChange, flagsArg } from './kit/flags.js';
import { fileFlagsFact } from '../facts/file-flags.js';

export interface FileArgs {
  path: string;
  state?: FileState;
  /** octal, or symbolic text applied to what the path has */
  mode?: number | string;
  owner?: string;
  group?: string;
  recurse: boolean;
  src?: string;
  modification_time?: string;
  modification_time_format: string;
  access_time?: string;
  access_time_format: string;
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
    ...withSymbolicMode(attributeArgs({ ownerAliases: ['user'] })),
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
      description:
        'The modification time to set: `now`, `preserve` (keep it), or a time written as `modification_time_format` says (local time). ' +
        'Default: `now` with state=touch, else `preserve`.',
    },
    modification_time_format: {
      type: 'str',
      default: '%Y%m%d%H%M.%S',
      description: "How a `modification_time` timestamp is written, in Python's strptime directives.",
    },
    access_time: {
      type: 'str',
      description: 'The access time to set, like `modification_time`.',
    },
    access_time_format: {
      type: 'str',
      default: '%Y%m%d%H%M.%S',
      description: "How an `access_time` timestamp is written, in Python's strptime directives.",
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
    const first = (await ctx.gather(fileTreeFact, { paths: [{ path: args.path }] })).paths[0];
    let where = args.path;
    // a folder given where a file, touch or hard link is asked: the path inside it named as src is
    if (first?.stat?.type === 'directory' && args.state !== 'link' && args.state !== 'absent' && args.src !== undefined) where = path.join(args.path, path.basename(args.src));
    const state = args.state ?? (where === args.path ? defaultState(first?.stat ?? null, args.recurse) : undefined);
    // a folder's listing only where it matters: reading it would update its access time
    const listing = state === 'absent' || state === 'link';
    const requests: FactsRequest[] = [{ path: where, follow: args.follow && state !== 'link' && state !== 'hard' && state !== 'absent', ...(listing ? { listing } : {}) }];
    if (args.recurse && state !== undefined && state !== 'directory') throw new ModuleError("recurse option requires state to be 'directory'", { path: where });
    if (args.src !== undefined && state !== undefined && state !== 'link' && state !== 'hard') throw new ModuleError("src option requires state to be 'link' or 'hard'", { path: where });
    const wantsTree = args.recurse && (state ?? 'directory') === 'directory';
    const probed = await ctx.gather(fileTreeFact, { paths: requests, ...(wantsTree ? { tree: { dir: where, follow: args.follow } } : {}) });
    const facts = probed.paths[0];
    if (!facts) throw new ModuleError(`no facts about ${where}`);
    const finalState: FileState = state ?? defaultState(facts.stat, args.recurse);
    const srcFacts = await probeSource(ctx, args, finalState, facts);
    const warnings = finalState === 'absent' ? [] : await accountWarnings(ctx, args);
    try {
      return await planState(ctx, args, { where, finalState, facts, srcFacts, tree: probed.tree, warnings });
    } catch (error) {
      // the warnings stay with a failure, as Ansible's result keeps them
      if (error instanceof ModuleError && warnings.length) throw new ModuleError(error.message, { ...error.result, warnings });
      throw error;
    }
  },
});

/** Ansible's warning for an owner or group the host does not have (yet: a real run may create it first). */
async function accountWarnings(ctx: HostContext, args: FileArgs): Promise<string[]> {
  const warnings: string[] = [];
  const check = async (db: 'passwd' | 'group', name: string | undefined) => {
    if (name === undefined || (await ctx.gather(accountFact, { db, name }))) return;
    const what = db === 'passwd' ? 'user' : 'group';
    const id = /^\d+$/.test(name) ? `${what} with ${db === 'passwd' ? 'uid' : 'gid'} ${name}` : `${what} ${name}`;
    warnings.push(`failed to look up ${id}: the host has no such ${what}; a task before this one may create it in a real run`);
  };
  await check('passwd', args.owner);
  await check('group', args.group);
  return warnings;
}

interface Probed {
  where: string;
  finalState: FileState;
  facts: PathFacts;
  srcFacts: PathFacts | undefined;
  tree: TreeEntry[];
  warnings: string[];
}

async function planState(ctx: HostContext, args: FileArgs, probed: Probed): Promise<Plan> {
    const { where, finalState, facts, srcFacts, warnings } = probed;
    const times = {
      modification: timeWanted(args.modification_time, args.modification_time_format, finalState),
      access: timeWanted(args.access_time, args.access_time_format, finalState),
    };
    const mode = resolveMode(args.mode, finalState === 'link' || finalState === 'hard' ? (srcFacts?.stat ?? facts.stat) : facts.stat, finalState === 'directory');
    const change = planFileState(
      {
        path: where,
        state: finalState,
        src: args.src ?? (finalState === 'link' && args.follow && srcFacts?.stat ? facts.linkTarget : undefined),
        force: args.force,
        recurse: args.recurse,
        follow: args.follow,
        mode,
        modeSpec: typeof args.mode === 'string' ? args.mode : undefined,
        owner: args.owner,
        group: args.group,
        times,
        now: Date.now() / 1000,
      },
      facts,
      { src: srcFacts, tree: probed.tree, runId: ctx.runId, warn: (msg) => warnings.push(msg) },
    );
    const flags = await planFlags(ctx, args, finalState, facts.realPath, facts.stat !== null);
    // flags change first on a path that exists (an immutable file is made writable before a touch), last on one the task creates
    const existed = facts.stat !== null;
    change.steps = existed ? [...flags.steps, ...change.steps] : [...change.steps, ...flags.steps];
    change.undo = existed ? [...change.undo, ...flags.undo] : [...flags.undo, ...change.undo];
    change.diff = [...change.diff, ...flags.diff];
    const shown = finalState === 'directory' || finalState === 'file' || finalState === 'touch' ? facts.realPath : where;
    const diff = ansibleDiff(shown, finalState, facts, change.record, flags);
    // Ansible's path info: what the path is once the module ran (read again after a change)
    const result: Record<string, unknown> = { path: shown, state: resultState(finalState, facts) };
    if (finalState !== 'absent' && facts.stat) {
      Object.assign(result, pathInfo(facts.stat, finalState === 'link' ? 'link' : String(result.state)));
      if (mode !== undefined && finalState !== 'link') result.mode = ansibleMode(mode);
      if (args.owner !== undefined) result.owner = args.owner;
      if (args.group !== undefined) result.group = args.group;
    }
    if (args.src !== undefined) result.src = args.src;
    if (finalState === 'link' || finalState === 'hard') result.dest = where;
    const warned = warnings.length ? { warnings } : {};
    if (!change.steps.length) return { changed: false, result: { ...result, ...(diff ? { diff } : {}) }, ...warned };
    return {
      changed: true,
      diff: change.diff,
      steps: change.steps,
      undo: change.undo,
      ...(change.cleanup.length ? { cleanup: change.cleanup } : {}),
      writes: change.writes ?? [facts.realPath],
      effects: [fileEffect(where, finalState, { ...args, mode }, args.src)],
      result: { ...result, ...(diff ? { diff } : {}) },
      afterApply: async () => {
        if (finalState === 'absent') return {};
        const again = (await ctx.gather(fileTreeFact, { paths: [{ path: shown }] }, { fresh: true })).paths[0];
        return again?.stat ? pathInfo(again.stat, prevState(again.stat)) : { state: 'absent' };
      },
      ...warned,
    };
}

/** The file module's mode argument takes symbolic modes too. */
function withSymbolicMode(schema: ArgSchema): ArgSchema {
  const mode = schema.mode as ArgSpec;
  return { ...schema, mode: { ...mode, type: 'symbolic_mode', description: `${mode.description ?? ''} Or symbolic, as chmod reads it: 'u+x', 'g=rw,o-rwx', 'o=rwXt'.` } };
}

/** A symbolic mode applied to the bits the path has (a path still to be made: 0644, a folder 0755). */
function resolveMode(mode: number | string | undefined, stat: PathFacts['stat'], directory: boolean): number | undefined {
  if (typeof mode !== 'string') return mode;
  const isDir = stat ? stat.type === 'directory' : directory;
  return applySymbolicMode(mode, stat?.mode ?? (isDir ? 0o755 : 0o644), isDir);
}

/** The source of a link as the link will resolve it: beside the link for a symlink, as given for a hard link. */
async function probeSource(ctx: HostContext, args: FileArgs, state: FileState, facts: PathFacts): Promise<PathFacts | undefined> {
  if (state !== 'link' && state !== 'hard') return undefined;
  let src = args.src;
  if (src === undefined && state === 'link' && facts.linkTarget !== undefined) src = facts.linkTarget;
  if (src === undefined) return undefined;
  const base = state === 'hard' ? '' : facts.stat?.type === 'directory' ? facts.path : path.dirname(facts.path);
  const at = path.isAbsolute(src) || state === 'hard' ? src : path.join(base, src);
  const probed = await ctx.gather(fileTreeFact, { paths: [{ path: at, follow: true }] });
  return probed.paths[0];
}

/** What the module's time arguments ask for: kept, now, or a timestamp read with the format (local time). */
function timeWanted(value: string | undefined, format: string, state: FileState): TimeWant {
  if (value === undefined) return state === 'touch' ? 'now' : 'preserve';
  if (value === 'now' || value === 'preserve') return value;
  try {
    return localTimestamp(value, format);
  } catch (error) {
    throw new ModuleError(`Error while obtaining timestamp for time ${value} using format ${format}: ${(error as Error).message}`);
  }
}

/** What Ansible's results say of a path that exists. */
function pathInfo(stat: PathStat, state: string): Record<string, unknown> {
  return { state, uid: stat.uid, gid: stat.gid, owner: stat.owner, group: stat.group, mode: ansibleMode(stat.mode), size: stat.size };
}

/** The state Ansible reports once the module ran: what the path is. */
function resultState(state: FileState, facts: PathFacts): string {
  if (state === 'absent' || state === 'directory' || state === 'link' || state === 'hard') return state;
  return facts.stat && facts.stat.nlink > 1 ? 'hard' : 'file';
}

/** Ansible's diff of the file module: the path, the state when it changes, and what else changes. */
function ansibleDiff(
  shown: string,
  state: FileState,
  facts: PathFacts,
  record: FileRecord | undefined,
  flags: { diff: unknown[] },
): { before: Record<string, unknown>; after: Record<string, unknown> } | undefined {
  const prev = prevState(facts.stat);
  if (state === 'absent' && prev === 'absent') return undefined;
  const before: Record<string, unknown> = { path: shown };
  const after: Record<string, unknown> = { path: shown };
  if (prev !== state) {
    before.state = prev;
    after.state = state;
    if (state === 'absent' && prev === 'directory') before.path_content = facts.listing ?? { directories: [], files: [] };
  }
  Object.assign(before, record?.before);
  Object.assign(after, record?.after);
  if (flags.diff.length) {
    before.attributes = facts.lsattr;
    after.attributes = true;
  }
  return { before, after };
}

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

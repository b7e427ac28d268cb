/**
 * `file`: directories, links, empty files, removal, and the mode/owner of
 * what is there. One probe answers everything the decision needs (the path,
 * a link's source, the differing entries of a tree for `recurse`).
 */
import path from 'node:path';
import { ModuleError } from '../errors.js';
import { fileTreeFact, type TreeEntry } from '../facts/file-tree.js';
import { accountFact } from '../facts/users.js';
import { ask } from '../facts/gather.js';
import type { FactsRequest } from '../facts/paths.js';
import type { PlannedEffect } from '../facts/planned.js';
import { ansibleMode, defaultState, pathInfo, planFileState, prevState, type FileRecord, type FileState, type TimeWant } from './file-states.js';
import type { PathFacts, PathStat } from '../facts/paths.js';
import { localTimestamp } from '../common/strptime.js';
import { defineModule, type ArgSchema, type ArgSpec, type HostContext, type Plan } from './types.js';
import { applySymbolicMode } from '../shell/mode.js';
import { attributeArgs, sameOwner } from './kit/attributes.js';
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
    // One round trip for what the decision needs: the path as it is and followed, a link's source,
    // the folder's descendants for recurse, the accounts named. Only a folder given where a file
    // is meant, or a link made inside a folder, needs a second look.
    let probe = await probePaths(ctx, args, args.path);
    let where = args.path;
    // a folder given where a file, touch or hard link is asked: the path inside it named as src is
    if (probe.own.stat?.type === 'directory' && args.state !== 'link' && args.state !== 'absent' && args.state !== 'directory' && args.src !== undefined) {
      where = path.join(args.path, path.basename(args.src));
      probe = await probePaths(ctx, args, where);
    }
    const state: FileState = args.state ?? defaultState(probe.own.stat, args.recurse);
    if (args.recurse && state !== 'directory') throw new ModuleError("recurse option requires state to be 'directory'", { path: where });
    if (args.src !== undefined && state !== 'link' && state !== 'hard') throw new ModuleError("src option requires state to be 'link' or 'hard'", { path: where });
    const facts = args.follow && (state === 'file' || state === 'directory' || state === 'touch') ? probe.followed : probe.own;
    const finalState = state;
    const srcFacts = await probeSource(ctx, args, state, probe);
    const probed = { tree: probe.tree };
    const accounts = finalState === 'absent' ? {} : await knownAccounts(ctx, args, (srcFacts ?? facts).stat);
    const warnings = accountWarnings(args, accounts);
    try {
      return await planState(ctx, args, { where, finalState, facts, srcFacts, tree: probed.tree, warnings, accounts });
    } catch (error) {
      // the warnings stay with a failure, as Ansible's result keeps them
      if (error instanceof ModuleError && warnings.length) throw new ModuleError(error.message, { ...error.result, warnings });
      throw error;
    }
  },
});

/** What one look at the host gives the file module. */
interface PathProbe {
  /** the path itself, a link not followed (its listing where the state needs one) */
  own: PathFacts;
  /** the path followed to the end of its links */
  followed: PathFacts;
  /** a link's source where `src` is given: beside the link for a symlink, as given for a hard link */
  src: PathFacts | undefined;
  tree: TreeEntry[];
}

async function probePaths(ctx: HostContext, args: FileArgs, where: string): Promise<PathProbe> {
  // a folder's listing only where it matters: reading it would update its access time
  const listing = args.state === 'absent' || args.state === 'link';
  const follow = args.follow && args.state !== 'link' && args.state !== 'hard' && args.state !== 'absent';
  const requests: FactsRequest[] = [{ path: where, ...(follow ? { follow } : {}), ...(listing ? { listing } : {}) }];
  const srcAt = sourcePath(args, where, false);
  if (srcAt !== undefined) requests.push({ path: srcAt, follow: true });
  const wantsTree = args.recurse && (args.state ?? 'directory') === 'directory';
  const probed = await ctx.gather(fileTreeFact, { paths: requests, ...(wantsTree ? { tree: { dir: where, follow: args.follow } } : {}) });
  const [first, src] = probed.paths;
  if (!first) throw new ModuleError(`no facts about ${where}`);
  let own = first;
  // a followed link, and no state to say what to do with it: the link itself decides (state=link), a second look
  if (first.realPath !== where && args.state === undefined) own = (await ctx.gather(fileTreeFact, { paths: [{ path: where }] })).paths[0] ?? first;
  return { own, followed: first, src, tree: probed.tree };
}

/**
 * Whether the owner and group named exist, asked only when the path does
 * not have them already (the one case where a chown would run): the rest
 * of the time the file module's plan stays one round trip.
 */
async function knownAccounts(ctx: HostContext, args: FileArgs, stat: PathStat | null): Promise<Accounts> {
  const asks: [key: 'owner' | 'group', db: 'passwd' | 'group', name: string][] = [];
  if (args.owner !== undefined && !sameOwner(args.owner, stat?.owner ?? '', stat?.uid)) asks.push(['owner', 'passwd', args.owner]);
  if (args.group !== undefined && !sameOwner(args.group, stat?.group ?? '', stat?.gid)) asks.push(['group', 'group', args.group]);
  if (!asks.length) return {};
  const found = await ctx.gatherAll(asks.map(([, db, name]) => ask(accountFact, { db, name })));
  return Object.fromEntries(asks.map(([key], i) => [key, found[i] ?? null]));
}

/** The owner and group asked for that the path does not have yet: found (name and id), or null where the host has none. */
type Accounts = { owner?: { name: string; id: number } | null; group?: { name: string; id: number } | null };

/** Where a link's source is: a symlink's relative source from the link's folder (the path itself when it is a folder), a hard link's as given. */
function sourcePath(args: FileArgs, where: string, whereIsDir: boolean, src = args.src): string | undefined {
  if (src === undefined || (args.state !== 'link' && args.state !== 'hard')) return undefined;
  if (args.state === 'hard' || path.isAbsolute(src)) return src;
  return path.join(whereIsDir ? where : path.dirname(where), src);
}

/** Ansible's warning for an owner or group the host does not have (yet: a real run may create it first). */
function accountWarnings(args: FileArgs, accounts: Accounts): string[] {
  const warnings: string[] = [];
  const warn = (what: 'user' | 'group', name: string | undefined, found: Accounts['owner']) => {
    if (name === undefined || found !== null) return;
    const id = /^\d+$/.test(name) ? `${what} with ${what === 'user' ? 'uid' : 'gid'} ${name}` : `${what} ${name}`;
    warnings.push(`failed to look up ${id}: the host has no such ${what}; a task before this one may create it in a real run`);
  };
  warn('user', args.owner, accounts.owner);
  warn('group', args.group, accounts.group);
  return warnings;
}

interface Probed {
  where: string;
  finalState: FileState;
  facts: PathFacts;
  srcFacts: PathFacts | undefined;
  tree: TreeEntry[];
  warnings: string[];
  accounts: Accounts;
}

async function planState(ctx: HostContext, args: FileArgs, probed: Probed): Promise<Plan> {
    const { where, finalState, facts, srcFacts, warnings, accounts } = probed;
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
    if (finalState !== 'absent') {
      // a path still to be made: what creating it gives (umask 022), as far as the plan knows
      const made = finalState === 'directory' ? { mode: '0755' } : finalState === 'touch' ? { mode: '0644', size: 0 } : {};
      Object.assign(result, facts.stat ? pathInfo(facts.stat, finalState === 'link' ? 'link' : String(result.state)) : made);
      if (mode !== undefined && finalState !== 'link') result.mode = ansibleMode(mode);
      // the owner and group the path will have: as found on the host, or given as an id
      const owner = accountAfter(args.owner, accounts.owner);
      const group = accountAfter(args.group, accounts.group);
      if (owner.name !== undefined) result.owner = owner.name;
      if (owner.id !== undefined) result.uid = owner.id;
      if (group.name !== undefined) result.group = group.name;
      if (group.id !== undefined) result.gid = group.id;
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
      // a link's target is written too when the task sets its attributes or times (a plain link leaves it be)
      writes: change.writes ?? [facts.realPath, ...(srcFacts?.stat && srcFacts.realPath !== facts.realPath && setsTargetAttributes(args) ? [srcFacts.realPath] : [])],
      effects: [fileEffect(where, finalState, { ...args, mode }, args.src)],
      result: { ...result, ...(diff ? { diff } : {}) },
      ...warned,
    };
}

/** Whether the task sets what a link's target carries (mode, owner, group, attributes, times). */
function setsTargetAttributes(args: FileArgs): boolean {
  return [args.mode, args.owner, args.group, args.attributes, args.modification_time, args.access_time].some((v) => v !== undefined && v !== 'preserve');
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

/** The source of a link as the link will resolve it, looked at again only when the first look could not know where it is. */
async function probeSource(ctx: HostContext, args: FileArgs, state: FileState, probe: PathProbe): Promise<PathFacts | undefined> {
  if (state !== 'link' && state !== 'hard') return undefined;
  const own = probe.own;
  const isDir = own.stat?.type === 'directory';
  // an existing link without src: its own source, when following
  const src = args.src ?? (state === 'link' && args.follow ? own.linkTarget : undefined);
  if (src === undefined) return undefined;
  if (args.src !== undefined && args.state === state && !(isDir && state === 'link' && !path.isAbsolute(src))) return probe.src;
  const at = sourcePath({ ...args, state }, own.path, isDir, src) ?? src;
  return (await ctx.gather(fileTreeFact, { paths: [{ path: at, follow: true }] })).paths[0];
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

/** An owner or group the path will have: unchanged (nothing to say), the account found, else the id given. */
function accountAfter(given: string | undefined, found: Accounts['owner']): { name?: string; id?: number } {
  if (given === undefined || found === undefined) return {};
  if (found && found.id >= 0) return { name: found.name, id: found.id };
  return /^\d+$/.test(given) ? { name: given, id: Number(given) } : { name: given };
}

/** What Ansible's results say of a path that exists. */

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

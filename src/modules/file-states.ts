/**
 * The `file` module's decisions, one pure function per state: facts about
 * the path in, diff + steps + undo out. The module file only probes.
 */
import path from 'node:path';
import { ModuleError } from '../errors.js';
import type { TreeEntry } from '../facts/file-tree.js';
import { sh } from '../shell/quote.js';
import { applySymbolicMode } from '../shell/mode.js';
import type { PathFacts, PathStat } from '../facts/paths.js';
import { applyAttributesCommands, applyAttributesSteps, attributeChanges, chmodCommand, chownCommand, describeWanted, formatMode, resetAttributesCommand, sameOwner, type Attributes } from './kit/attributes.js';
import { guardRemoval, removeCreatedStep } from './kit/backup.js';
import { createDirsSteps, missingDirs } from './kit/content.js';
import type { Diff, Step } from './types.js';

export type FileState = 'file' | 'directory' | 'absent' | 'link' | 'touch' | 'hard';

export interface FileWant extends Attributes {
  path: string;
  state: FileState;
  src?: string | undefined;
  force: boolean;
  recurse: boolean;
  /** a symbolic mode as given (`mode` is what it gives the path itself): recurse applies it to each path below */
  modeSpec?: string | undefined;
  /** link: the attributes go to what the link leads to */
  follow?: boolean;
  /** the times to set: kept, now, or seconds since the epoch */
  times?: { modification: TimeWant; access: TimeWant };
  /** the controller's clock, seconds: what `now` will be, for the diff */
  now?: number;
}

export type TimeWant = 'now' | 'preserve' | number;

/** Ansible's diff of the file module, beyond `path` and `state`: mode, owner, group, src, mtime, atime before and after. */
export interface FileRecord {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

/** A descendant whose attributes differ, from `find -printf '%m|%u|%g|%p\0'`. */
export type { TreeEntry } from '../facts/file-tree.js';

export interface FileChange {
  diff: Diff[];
  steps: Step[];
  undo: Step[];
  cleanup: Step[];
  /** the paths the steps change, when not just the path itself (created parents) */
  writes?: string[];
  /** what Ansible's diff records beyond path and state */
  record?: FileRecord;
}

export function describeStat(stat: PathStat | null, linkTarget?: string): string {
  if (!stat) return 'absent';
  if (stat.type === 'link') return `link -> ${linkTarget ?? '?'}`;
  const type = stat.type === 'other' ? stat.kind : stat.type;
  return `${type} ${formatMode(stat.mode)} ${stat.owner}:${stat.group}`;
}

const none = (): FileChange => ({ diff: [], steps: [], undo: [], cleanup: [] });

/** A mode as Ansible's results and diffs print it: '0644', '01777'. */
export function ansibleMode(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}

/**
 * What Ansible's file-handling modules add to a result about the path they
 * left: ids, owner, group, mode, size and state (`state`: what the module
 * names it, else read from the path).
 */
export function pathInfo(stat: PathStat | null, state?: string): Record<string, unknown> {
  if (!stat) return { state: 'absent' };
  const found = stat.type === 'directory' ? 'directory' : stat.type === 'link' ? 'link' : stat.nlink > 1 ? 'hard' : 'file';
  return { uid: stat.uid, gid: stat.gid, owner: stat.owner, group: stat.group, mode: ansibleMode(stat.mode), size: stat.size, state: state ?? found };
}

/** An owner or group as Ansible's diff records it: the id, a number where the wanted one was given as one. */
const idOf = (want: string): string | number => (/^\d+$/.test(want) ? Number(want) : want);

/** The mode, owner and group entries of Ansible's diff for what `attributeChanges` changes. */
function attributesRecord(stat: PathStat, want: FileWant): FileRecord {
  const record: FileRecord = { before: {}, after: {} };
  const mode = stat.mode & 0o7777;
  if (want.mode !== undefined && stat.type !== 'link' && want.mode !== mode) {
    record.before.mode = ansibleMode(mode);
    record.after.mode = ansibleMode(want.mode);
  }
  if (!sameOwner(want.owner, stat.owner, stat.uid)) {
    record.before.owner = stat.uid;
    record.after.owner = idOf(want.owner as string);
  }
  if (!sameOwner(want.group, stat.group, stat.gid)) {
    record.before.group = stat.gid;
    record.after.group = idOf(want.group as string);
  }
  return record;
}

function merge(...records: (FileRecord | undefined)[]): FileRecord {
  const out: FileRecord = { before: {}, after: {} };
  for (const r of records) {
    if (!r) continue;
    Object.assign(out.before, r.before);
    Object.assign(out.after, r.after);
  }
  return out;
}

/** The attributes of an existing path, with Ansible's record of them; undo in the order to run it. */
function existingAttributes(target: string, stat: PathStat, want: FileWant): FileChange {
  const change = { ...none(), ...attributeChanges(target, stat, want), record: attributesRecord(stat, want) };
  change.undo.reverse();
  return change;
}

const stamp = (t: number) => `@${t}`;

/**
 * The times of `target` as the file module sets them: nothing when both are
 * kept, `touch` when both are now (always a change), else each one that
 * differs. `stat` null: a path the steps create, whose times are now already.
 */
export function planTimes(target: string, stat: PathStat | null, want: FileWant): FileChange {
  const m = want.times?.modification ?? 'preserve';
  const a = want.times?.access ?? 'preserve';
  if (m === 'preserve' && a === 'preserve') return none();
  const steps: Step[] = [];
  if (!stat) {
    if (typeof m === 'number') steps.push({ kind: 'exec', command: sh`touch -c -m -d ${stamp(m)} -- ${target}`, description: `set the modification time of ${target}` });
    if (typeof a === 'number') steps.push({ kind: 'exec', command: sh`touch -c -a -d ${stamp(a)} -- ${target}`, description: `set the access time of ${target}` });
    return { ...none(), steps };
  }
  const now = want.now ?? Date.now() / 1000;
  const record: FileRecord = { before: {}, after: {} };
  if (m === 'now' && a === 'now') {
    steps.push({ kind: 'exec', command: sh`touch -c -- ${target}`, description: `touch ${target}` });
    Object.assign(record.before, { mtime: stat.mtime, atime: stat.atime });
    Object.assign(record.after, { mtime: now, atime: now });
  } else {
    const mtime = m === 'preserve' ? stat.mtime : m === 'now' ? now : m;
    const atime = a === 'preserve' ? stat.atime : a === 'now' ? now : a;
    if (mtime === stat.mtime && atime === stat.atime) return none();
    if (mtime !== stat.mtime) {
      const at = m === 'now' ? '' : sh` -d ${stamp(mtime)}`;
      steps.push({ kind: 'exec', command: `touch -c -m${at} ${sh`-- ${target}`}`, description: `set the modification time of ${target}` });
      record.before.mtime = stat.mtime;
      record.after.mtime = mtime;
    }
    if (atime !== stat.atime) {
      const at = a === 'now' ? '' : sh` -d ${stamp(atime)}`;
      steps.push({ kind: 'exec', command: `touch -c -a${at} ${sh`-- ${target}`}`, description: `set the access time of ${target}` });
      record.before.atime = stat.atime;
      record.after.atime = atime;
    }
  }
  const back = sh`touch -c -m -d ${stat.mtimeText} -- ${target} && touch -c -a -d ${stat.atimeText} -- ${target}`;
  const diff: Diff[] = [];
  if ('mtime' in record.after) diff.push({ subject: target, before: `mtime ${stat.mtimeText}`, after: `mtime ${m === 'now' ? 'now' : String(record.after.mtime)}`, kind: 'summary' });
  // a plain touch (both now) says it once
  if ('atime' in record.after && !(m === 'now' && a === 'now')) diff.push({ subject: target, before: `atime ${stat.atimeText}`, after: `atime ${a === 'now' ? 'now' : String(record.after.atime)}`, kind: 'summary' });
  return { diff, steps, undo: [{ kind: 'exec', command: back, description: `set the times of ${target} back` }], cleanup: [], record };
}

/** Two changes of one path, one after the other: steps in order, undo newest first. */
function then(first: FileChange, second: FileChange): FileChange {
  return {
    diff: [...first.diff, ...second.diff],
    steps: [...first.steps, ...second.steps],
    undo: [...second.undo, ...first.undo],
    cleanup: [...first.cleanup, ...second.cleanup],
    ...(first.writes ? { writes: first.writes } : {}),
    record: merge(first.record, second.record),
  };
}

function requireParent(facts: PathFacts): void {
  const parent = path.dirname(facts.realPath);
  if (facts.ancestor !== undefined && facts.ancestor !== parent) {
    throw new ModuleError(`the parent directory ${parent} of ${facts.path} does not exist`);
  }
}

function planDirectory(want: FileWant, facts: PathFacts, tree: TreeEntry[]): FileChange {
  const { stat } = facts;
  const target = facts.realPath;
  if (!stat) {
    const dirs = missingDirs(target, facts.ancestor ?? '/');
    const created = createDirsSteps(dirs, undefined);
    return then(
      {
        diff: [{ subject: want.path, before: 'absent', after: describeWanted('directory', want), kind: 'summary' }],
        steps: [...created.steps, ...applyAttributesSteps(dirs, want)],
        undo: created.undo,
        cleanup: [],
        writes: created.writes,
      },
      planTimes(target, null, want),
    );
  }
  if (stat.type !== 'directory') throw new ModuleError(`${want.path} already exists as a ${prevState(stat)}`);
  const change = existingAttributes(target, stat, want);
  if (want.recurse) {
    const below = treeChanges(want, tree);
    change.steps.push(...below.steps);
    change.undo.unshift(...below.undo);
    change.diff.push(...below.diff);
  }
  return then(change, planTimes(target, stat, want));
}

/**
 * recurse: each descendant gets the mode (a symbolic one applied to its own
 * bits), owner and group; a link keeps its mode (Linux has none to set) and
 * gets its own owner. Chunks of commands, each undone by setting back what
 * the paths had.
 */
function treeChanges(want: FileWant, tree: TreeEntry[]): { steps: Step[]; undo: Step[]; diff: Diff[] } {
  const forward: string[] = [];
  const back: string[] = [];
  for (const e of tree) {
    const link = e.type === 'l';
    const mode = link ? undefined : want.modeSpec !== undefined ? applySymbolicMode(want.modeSpec, e.mode, e.type === 'd') : want.mode;
    const modeDiffers = mode !== undefined && mode !== (e.mode & 0o7777);
    const ownerDiffers = !sameOwner(want.owner, e.owner, e.uid);
    const groupDiffers = !sameOwner(want.group, e.group, e.gid);
    if (!modeDiffers && !ownerDiffers && !groupDiffers) continue;
    const cmds: string[] = [];
    if (ownerDiffers || groupDiffers) cmds.push(chownCommand(e.path, ownerDiffers ? want.owner : undefined, groupDiffers ? want.group : undefined));
    if (modeDiffers) cmds.push(chmodCommand(e.path, mode));
    forward.push(cmds.join(' && '));
    back.push(link ? chownCommand(e.path, e.owner, e.group) : resetAttributesCommand(e.path, e));
  }
  if (!forward.length) return { steps: [], undo: [], diff: [] };
  const chunks = (lines: string[]) => Array.from({ length: Math.ceil(lines.length / 200) }, (_, i) => lines.slice(i * 200, i * 200 + 200).join(' && '));
  return {
    steps: chunks(forward).map((command) => ({ kind: 'exec' as const, command, description: `set the attributes of ${forward.length} paths under ${want.path}` })),
    undo: chunks(back).reverse().map((command) => ({ kind: 'exec' as const, command, description: `restore the attributes of ${back.length} paths under ${want.path}` })),
    diff: [{ subject: `${want.path}/*`, before: `${forward.length} paths differ`, after: describeWanted('all', want), kind: 'summary' }],
  };
}

function planExisting(want: FileWant, facts: PathFacts): FileChange {
  const { stat } = facts;
  if (!stat) throw new ModuleError(`file (${want.path}) is absent, cannot continue`, { path: want.path, state: 'absent' });
  if (stat.type !== 'file' && stat.type !== 'other') throw new ModuleError(`file (${want.path}) is ${prevState(stat)}, cannot continue`, { path: want.path, state: prevState(stat) });
  return then(existingAttributes(facts.realPath, stat, want), planTimes(facts.realPath, stat, want));
}

function planTouch(want: FileWant, facts: PathFacts): FileChange {
  const { stat } = facts;
  const target = facts.realPath;
  if (!stat) {
    requireParent(facts);
    return then(
      {
        diff: [{ subject: want.path, before: 'absent', after: describeWanted('file', want), kind: 'summary' }],
        // one step: a file whose attributes cannot be set (a chown without the right) is removed again, as Ansible does
        steps: [{ kind: 'exec', command: createWithAttributes(target, want), description: `create ${want.path}` }],
        undo: [removeCreatedStep([target])],
        cleanup: [],
      },
      planTimes(target, null, want),
    );
  }
  // Touching an existing path changes its times (unless both are preserved); undo sets them back.
  return then(existingAttributes(target, stat, want), planTimes(target, stat, want));
}

/** `touch` then the attributes, the new file removed again when they fail. */
function createWithAttributes(target: string, want: FileWant): string {
  const attrs = applyAttributesCommands([target], want);
  if (!attrs.length) return sh`touch -- ${target}`;
  return `${sh`touch -- ${target}`} && { ${attrs.join(' && ')} || { rc=$?; ${sh`rm -f -- ${target}`}; exit $rc; }; }`;
}

function planAbsent(want: FileWant, facts: PathFacts, runId: string): FileChange {
  if (!facts.stat) return none();
  const removal = guardRemoval(runId, [want.path]);
  return {
    diff: [{ subject: want.path, before: describeStat(facts.stat, facts.linkTarget), after: 'absent', kind: 'summary' }],
    steps: removal.steps,
    undo: removal.undo,
    cleanup: removal.cleanup,
  };
}

/** The state Ansible names a path by: link, directory, hard (a file with more than one name), file, absent. */
export function prevState(stat: PathStat | null): string {
  if (!stat) return 'absent';
  if (stat.type === 'link') return 'link';
  if (stat.type === 'directory') return 'directory';
  return stat.nlink > 1 ? 'hard' : 'file';
}

/**
 * state=link. `srcFacts` describes the source as the link will resolve it
 * (`absrc`: relative to the link's folder), followed to the end.
 */
function planSymlink(want: FileWant, facts: PathFacts, srcFacts: PathFacts | undefined, runId: string, warn: (msg: string) => void): FileChange {
  const src = want.src;
  const { stat } = facts;
  const prev = prevState(stat);
  if (!want.force && src !== undefined && !srcFacts?.stat) {
    throw new ModuleError(`src file does not exist, use "force=yes" if you really want to create the link: ${srcFacts?.path ?? src}`, { path: want.path, src });
  }
  if (prev === 'directory') {
    if (!want.force) throw new ModuleError(`refusing to convert from directory to symlink for ${want.path}`, { path: want.path });
    if (!facts.listing || facts.listing.directories.length + facts.listing.files.length > 0) throw new ModuleError(`the directory ${want.path} is not empty, refusing to convert it`, { path: want.path });
  } else if ((prev === 'file' || prev === 'hard') && !want.force) {
    throw new ModuleError(`refusing to convert from ${prev} to symlink for ${want.path}`, { path: want.path });
  }
  let change = none();
  const record: FileRecord = { before: {}, after: {} };
  if (prev !== 'link') {
    if (src === undefined) throw new ModuleError('src is required for creating new symlinks');
    const makeLink: Step = { kind: 'exec', command: sh`ln -s -- ${src} ${want.path}`, description: `link ${want.path} -> ${src}` };
    const diff: Diff[] = [{ subject: want.path, before: describeStat(stat, facts.linkTarget), after: `link -> ${src}`, kind: 'summary' }];
    if (!stat) {
      requireParent(facts);
      change = { diff, steps: [makeLink], undo: [removeCreatedStep([want.path])], cleanup: [] };
    } else {
      const removal = guardRemoval(runId, [want.path]);
      change = { diff, steps: [...removal.steps, makeLink], undo: removal.undo, cleanup: removal.cleanup };
    }
  } else if (src !== undefined && facts.linkTarget !== src) {
    const old = facts.linkTarget ?? '';
    record.before.src = old;
    record.after.src = src;
    change = {
      diff: [{ subject: want.path, before: `link -> ${old}`, after: `link -> ${src}`, kind: 'summary' }],
      steps: [{ kind: 'exec', command: sh`ln -sfn -- ${src} ${want.path}`, description: `point ${want.path} to ${src}` }],
      undo: [{ kind: 'exec', command: sh`ln -sfn -- ${old} ${want.path}`, description: `point ${want.path} back to ${old}` }],
      cleanup: [],
    };
  }
  change.record = record;
  // the attributes go to what the link leads to (follow), else to the link itself
  if (want.follow) {
    if (!srcFacts?.stat) {
      if (src !== undefined || prev === 'link') warn('Cannot set fs attributes on a non-existent symlink target. follow should be set to False to avoid this.');
      return change;
    }
    return then(change, then(existingAttributes(srcFacts.realPath, srcFacts.stat, want), planTimes(srcFacts.realPath, srcFacts.stat, want)));
  }
  if (stat?.type === 'link') return then(change, existingAttributes(want.path, stat, want));
  return then(change, { ...none(), steps: applyAttributesSteps([want.path], want, { link: true }) });
}

/** state=hard: `srcFacts` describes `src` as given. */
function planHardLink(want: FileWant, facts: PathFacts, srcFacts: PathFacts | undefined, runId: string): FileChange {
  const src = want.src;
  const { stat } = facts;
  const prev = prevState(stat);
  if (prev !== 'hard' && src === undefined) throw new ModuleError('src is required for creating new hardlinks');
  if (src !== undefined && !srcFacts?.stat) throw new ModuleError('src does not exist', { dest: want.path, src });
  const sameInode = stat !== null && srcFacts?.stat != null && stat.inode === srcFacts.stat.inode && stat.dev === srcFacts.stat.dev;
  const record: FileRecord = { before: {}, after: {} };
  let replace = false;
  if (prev === 'absent') replace = true;
  else if (sameInode) replace = false;
  else if (prev === 'link') {
    if (facts.linkTarget !== src) {
      record.before.src = facts.linkTarget;
      record.after.src = src;
      replace = true;
    }
  } else if (prev === 'hard') {
    if (src !== undefined && !sameInode) {
      if (!want.force) throw new ModuleError('Cannot link, different hard link exists at destination', { dest: want.path, src });
      replace = true;
    }
  } else if (prev === 'file') {
    if (!want.force) throw new ModuleError('Cannot link, file exists at destination', { dest: want.path, src });
    replace = true;
  } else if (prev === 'directory') {
    if (sameInode) return none();
    if (!want.force) throw new ModuleError('Cannot link: different hard link exists at destination', { dest: want.path, src });
    replace = true;
  }
  let change: FileChange = { ...none(), record };
  if (replace && src !== undefined) {
    const makeLink: Step = { kind: 'exec', command: sh`ln -- ${src} ${want.path}`, description: `hard link ${want.path} to ${src}` };
    const diff: Diff[] = [{ subject: want.path, before: describeStat(stat, facts.linkTarget), after: `hard link to ${src}`, kind: 'summary' }];
    if (!stat) {
      requireParent(facts);
      change = { diff, steps: [makeLink], undo: [removeCreatedStep([want.path])], cleanup: [], record };
    } else {
      const removal = guardRemoval(runId, [want.path]);
      change = { diff, steps: [...removal.steps, makeLink], undo: removal.undo, cleanup: removal.cleanup, record };
    }
  }
  // the link is the source's inode: its attributes and times are the source's
  const now = replace ? srcFacts?.stat : stat;
  const where = replace ? (srcFacts?.realPath ?? want.path) : facts.realPath;
  if (!now) return change;
  return then(change, then(existingAttributes(where, now, want), planTimes(where, now, want)));
}

/** Ansible's default state: what is there now, else a file (a directory with recurse). */
export function defaultState(stat: PathStat | null, recurse: boolean): FileState {
  if (!stat) return recurse ? 'directory' : 'file';
  return stat.type === 'directory' ? 'directory' : stat.type === 'link' ? 'link' : 'file';
}

export function planFileState(want: FileWant, facts: PathFacts, extra: { src?: PathFacts | undefined; tree: TreeEntry[]; runId: string; warn?: (msg: string) => void }): FileChange {
  switch (want.state) {
    case 'directory':
      return planDirectory(want, facts, extra.tree);
    case 'file':
      return planExisting(want, facts);
    case 'touch':
      return planTouch(want, facts);
    case 'absent':
      return planAbsent(want, facts, extra.runId);
    case 'link':
      return planSymlink(want, facts, extra.src, extra.runId, extra.warn ?? (() => undefined));
    case 'hard':
      return planHardLink(want, facts, extra.src, extra.runId);
  }
}

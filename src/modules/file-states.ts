/**
 * The `file` module's decisions, one pure function per state: facts about
 * the path in, diff + steps + undo out. The module file only probes.
 */
import path from 'node:path';
import { ModuleError } from '../errors.js';
import type { TreeEntry } from '../facts/file-tree.js';
import { sh } from '../shell/quote.js';
import type { PathFacts, PathStat } from '../facts/paths.js';
import { applyAttributesSteps, attributeChanges, describeWanted, formatMode, resetAttributesCommand, type Attributes } from './kit/attributes.js';
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
  /** state=touch: which times a touch of an existing file sets */
  times?: { modification: 'now' | 'preserve'; access: 'now' | 'preserve' };
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
}

export function describeStat(stat: PathStat | null, linkTarget?: string): string {
  if (!stat) return 'absent';
  if (stat.type === 'link') return `link -> ${linkTarget ?? '?'}`;
  const type = stat.type === 'other' ? stat.kind : stat.type;
  return `${type} ${formatMode(stat.mode)} ${stat.owner}:${stat.group}`;
}

const none = (): FileChange => ({ diff: [], steps: [], undo: [], cleanup: [] });

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
    return {
      diff: [{ subject: want.path, before: 'absent', after: describeWanted('directory', want), kind: 'summary' }],
      steps: [...created.steps, ...applyAttributesSteps(dirs, want)],
      undo: created.undo,
      cleanup: [],
      writes: created.writes,
    };
  }
  if (stat.type !== 'directory') throw new ModuleError(`${want.path} exists and is a ${stat.kind}, not a directory`);
  const top = attributeChanges(target, stat, want);
  const change: FileChange = { diff: top.diff, steps: top.steps, undo: top.undo.reverse(), cleanup: [] };
  if (want.recurse && tree.length) {
    // chmod -R/chown -R reach the descendants too: put back each one that differed.
    change.steps = applyAttributesSteps([target], want, { recurse: true });
    change.diff.push({ subject: `${want.path}/*`, before: `${tree.length} paths differ`, after: describeWanted('all', want), kind: 'summary' });
    const restore = tree.map((e) => resetAttributesCommand(e.path, e));
    change.undo.push({ kind: 'exec', command: restore.join('; '), description: `restore attributes of ${tree.length} paths under ${want.path}` });
  }
  return change;
}

function planExisting(want: FileWant, facts: PathFacts): FileChange {
  const { stat } = facts;
  if (!stat) throw new ModuleError(`file (${want.path}) is absent, cannot continue`);
  if (stat.type !== 'file' && stat.type !== 'other') throw new ModuleError(`file (${want.path}) is a ${stat.kind}, cannot continue`);
  const change = { ...none(), ...attributeChanges(facts.realPath, stat, want) };
  change.undo.reverse();
  return change;
}

function planTouch(want: FileWant, facts: PathFacts): FileChange {
  const { stat } = facts;
  const target = facts.realPath;
  if (!stat) {
    requireParent(facts);
    return {
      diff: [{ subject: want.path, before: 'absent', after: describeWanted('file', want), kind: 'summary' }],
      steps: [{ kind: 'exec', command: sh`touch -- ${target}`, description: `create ${want.path}` }, ...applyAttributesSteps([target], want)],
      undo: [removeCreatedStep([target])],
      cleanup: [],
    };
  }
  // Touching an existing path always changes its times (unless both are preserved); undo sets them back.
  const attrs = attributeChanges(target, stat, want);
  const m = want.times?.modification !== 'preserve';
  const a = want.times?.access !== 'preserve';
  if (!m && !a) return { ...attrs, undo: attrs.undo.reverse(), cleanup: [] };
  const which = m && a ? '' : m ? ' -m' : ' -a';
  const times = sh`touch -c -m -d ${stat.mtimeText} -- ${target} && touch -c -a -d ${stat.atimeText} -- ${target}`;
  return {
    diff: [
      m
        ? { subject: want.path, before: `mtime ${stat.mtimeText}`, after: 'mtime now', kind: 'summary' as const }
        : { subject: want.path, before: `atime ${stat.atimeText}`, after: 'atime now', kind: 'summary' as const },
      ...attrs.diff,
    ],
    steps: [{ kind: 'exec', command: `touch -c${which} ${sh`-- ${target}`}`, description: `touch ${want.path}` }, ...attrs.steps],
    undo: [...attrs.undo.reverse(), { kind: 'exec', command: times, description: `set the times of ${want.path} back` }],
    cleanup: [],
  };
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

/** link and hard: `srcFacts` describes the link's source (relative to the link's folder for symlinks). */
function planLink(want: FileWant, facts: PathFacts, srcFacts: PathFacts | undefined, runId: string): FileChange {
  const src = want.src;
  if (src === undefined) throw new ModuleError(`src is required for state=${want.state}`);
  const hard = want.state === 'hard';
  const { stat } = facts;
  if (!srcFacts?.stat && (hard || !want.force)) {
    throw new ModuleError(`src file does not exist, use "force=yes" if you really want to create the link: ${srcFacts?.path ?? src}`);
  }
  const same = hard
    ? stat !== null && srcFacts?.stat !== null && stat.inode === srcFacts?.stat?.inode && stat.dev === srcFacts.stat.dev
    : stat?.type === 'link' && facts.linkTarget === src;
  if (same && stat) {
    const change = { ...none(), ...attributeChanges(want.path, stat, want) };
    change.undo.reverse();
    return change;
  }
  const makeLink: Step = hard
    ? { kind: 'exec', command: sh`ln -- ${src} ${want.path}`, description: `hard link ${want.path} to ${src}` }
    : { kind: 'exec', command: sh`ln -s -- ${src} ${want.path}`, description: `link ${want.path} -> ${src}` };
  const after = hard ? `hard link to ${src}` : `link -> ${src}`;
  const diff: Diff[] = [{ subject: want.path, before: describeStat(stat, facts.linkTarget), after, kind: 'summary' }];
  if (!stat) {
    requireParent(facts);
    return { diff, steps: [makeLink, ...applyAttributesSteps([want.path], want, { link: !hard })], undo: [removeCreatedStep([want.path])], cleanup: [] };
  }
  if (stat.type === 'link' && !hard) {
    const old = facts.linkTarget ?? '';
    return {
      diff,
      steps: [{ kind: 'exec', command: sh`ln -sfn -- ${src} ${want.path}`, description: `point ${want.path} to ${src}` }, ...applyAttributesSteps([want.path], want, { link: true })],
      undo: [{ kind: 'exec', command: sh`ln -sfn -- ${old} ${want.path}`, description: `point ${want.path} back to ${old}` }],
      cleanup: [],
    };
  }
  if (!want.force) throw new ModuleError(`refusing to convert ${want.path} from ${stat.kind} to a ${hard ? 'hard link' : 'symlink'} (use force=yes)`);
  const removal = guardRemoval(runId, [want.path]);
  return {
    diff,
    steps: [...removal.steps, makeLink, ...applyAttributesSteps([want.path], want, { link: !hard })],
    undo: removal.undo,
    cleanup: removal.cleanup,
  };
}

/** Ansible's default state: what is there now, else a file (a directory with recurse). */
export function defaultState(stat: PathStat | null, recurse: boolean): FileState {
  if (!stat) return recurse ? 'directory' : 'file';
  return stat.type === 'directory' ? 'directory' : stat.type === 'link' ? 'link' : 'file';
}

export function planFileState(want: FileWant, facts: PathFacts, extra: { src?: PathFacts | undefined; tree: TreeEntry[]; runId: string }): FileChange {
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
    case 'hard':
      return planLink(want, facts, extra.src, extra.runId);
  }
}

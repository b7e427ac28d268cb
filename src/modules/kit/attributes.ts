/**
 * The one file-attributes helper: mode, owner and group of a path, as every
 * module that writes files plans them. What differs (the diff the user
 * sees), the commands that change it, the commands that set it back, and
 * the argument schema that documents them.
 */
import { formatMode } from '../../shell/mode.js';
import { sh } from '../../shell/quote.js';
import type { ArgSchema, Diff, Step } from '../types.js';

export { formatMode };

export interface Attributes {
  mode?: number | undefined;
  owner?: string | undefined;
  group?: string | undefined;
}

/** What a path has now: the paths fact's stat, the connection's stat, or a module's own reading. */
export interface CurrentAttributes {
  /** a link's own mode is always 0777 on Linux and cannot change */
  type?: string;
  mode: number;
  owner: string;
  group: string;
  uid?: number;
  gid?: number;
}

/**
 * The mode, owner and group arguments, one wording for every module that
 * writes files. `of` names what they apply to; `keepExisting`: a rewritten
 * file keeps the old one's attributes unless told otherwise.
 */
export function attributeArgs(options: { of?: string; keepExisting?: boolean; ownerAliases?: readonly string[] } = {}): ArgSchema {
  const of = options.of ? ` of ${options.of}` : '';
  const keep = options.keepExisting;
  return {
    mode: {
      type: 'mode',
      description: `Permission bits${of}, as octal: '0644' (quote it in YAML) or 0644.${keep ? " Default: the existing file's, else 0644." : ''}`,
    },
    owner: {
      type: 'str',
      ...(options.ownerAliases ? { aliases: options.ownerAliases } : {}),
      description: `The owning user${of}, by name or uid.${keep ? " Default: the existing file's, else the connecting user." : ''}`,
    },
    group: { type: 'str', description: `The owning group${of}, by name or gid.${keep ? " Default: the existing file's." : ''}` },
  };
}

/** `want` is unset, the name, or the id. */
export function sameOwner(want: string | undefined, name: string, id: number | undefined): boolean {
  return want === undefined || want === name || (id !== undefined && want === String(id));
}

const ownerSpec = (owner: string | undefined, group: string | undefined): string =>
  `${owner ?? ''}${group !== undefined ? `:${group}` : ''}`;

/** `chmod` as a command line; modes are written in octal like `0644`. */
export function chmodCommand(paths: string | readonly string[], mode: number, options: { recurse?: boolean } = {}): string {
  return `chmod ${options.recurse ? '-R ' : ''}${sh`${formatMode(mode)}`} -- ${sh`${typeof paths === 'string' ? [paths] : [...paths]}`}`;
}

/** `chown` as a command line: -h (a link's own owner, never its target's), or -R. */
export function chownCommand(
  paths: string | readonly string[],
  owner: string | undefined,
  group: string | undefined,
  options: { recurse?: boolean } = {},
): string {
  return `chown ${options.recurse ? '-R' : '-h'} ${sh`${ownerSpec(owner, group)}`} -- ${sh`${typeof paths === 'string' ? [paths] : [...paths]}`}`;
}

export function chmodStep(path: string, mode: number, options: { recurse?: boolean } = {}): Step {
  return { kind: 'exec', command: chmodCommand(path, mode, options), description: `chmod ${options.recurse ? '-R ' : ''}${formatMode(mode)} ${path}` };
}

export function chownStep(path: string, owner: string | undefined, group: string | undefined, options: { recurse?: boolean } = {}): Step {
  return { kind: 'exec', command: chownCommand(path, owner, group, options), description: `chown ${ownerSpec(owner, group)} ${path}` };
}

/** The commands that give a path exactly these attributes back (undo of a change, one line). */
export function resetAttributesCommand(path: string, was: { mode: number; owner: string; group: string }): string {
  return `${chmodCommand(path, was.mode & 0o7777)} && ${chownCommand(path, was.owner, was.group)}`;
}

/**
 * Diffs, steps and their undo for the attributes of an existing path. The
 * undo is in the order of the steps; a caller undoing it reverses it.
 */
export function attributeChanges(
  target: string,
  current: CurrentAttributes,
  want: Attributes,
  options: { recurse?: boolean } = {},
): { diff: Diff[]; steps: Step[]; undo: Step[] } {
  const diff: Diff[] = [];
  const steps: Step[] = [];
  const undo: Step[] = [];
  const mode = current.mode & 0o7777;
  // Linux has no lchmod: a link's own mode is always 0777 and cannot change.
  if (want.mode !== undefined && current.type !== 'link' && want.mode !== mode) {
    diff.push({ subject: target, before: `mode ${formatMode(mode)}`, after: `mode ${formatMode(want.mode)}`, kind: 'summary' });
    steps.push(chmodStep(target, want.mode, options));
    undo.push(chmodStep(target, mode));
  }
  const ownerDiffers = !sameOwner(want.owner, current.owner, current.uid);
  const groupDiffers = !sameOwner(want.group, current.group, current.gid);
  if (ownerDiffers || groupDiffers) {
    diff.push({
      subject: target,
      before: `owner ${current.owner}:${current.group}`,
      after: `owner ${want.owner ?? current.owner}:${want.group ?? current.group}`,
      kind: 'summary',
    });
    steps.push(chownStep(target, ownerDiffers ? want.owner : undefined, groupDiffers ? want.group : undefined, options));
    undo.push(chownStep(target, current.owner, current.group));
  }
  return { diff, steps, undo };
}

/** Commands that give new paths (or whole trees, with recurse) the wanted attributes; a link keeps its mode. */
export function applyAttributesCommands(paths: readonly string[], want: Attributes, options: { link?: boolean; recurse?: boolean } = {}): string[] {
  const out: string[] = [];
  if (want.owner !== undefined || want.group !== undefined) out.push(chownCommand(paths, want.owner, want.group, options));
  if (want.mode !== undefined && !options.link) out.push(chmodCommand(paths, want.mode, options));
  return out;
}

/** The same as steps, mode first, for paths a plan creates. */
export function applyAttributesSteps(paths: readonly string[], want: Attributes, options: { link?: boolean; recurse?: boolean } = {}): Step[] {
  const steps: Step[] = [];
  const flag = options.recurse ? '-R ' : '';
  if (want.mode !== undefined && !options.link) {
    steps.push({ kind: 'exec', command: chmodCommand(paths, want.mode, options), description: `chmod ${flag}${formatMode(want.mode)} ${paths.join(' ')}` });
  }
  if (want.owner !== undefined || want.group !== undefined) {
    steps.push({ kind: 'exec', command: chownCommand(paths, want.owner, want.group, options), description: `chown ${options.recurse ? '-R' : '-h'} ${ownerSpec(want.owner, want.group)} ${paths.join(' ')}` });
  }
  return steps;
}

/** `directory 0755 etcd:etcd`: what a path will be, for a diff's after side. */
export function describeWanted(type: string, want: Attributes): string {
  const owner = want.owner || want.group ? ` ${want.owner ?? ''}${want.group ? `:${want.group}` : ''}` : '';
  return `${type}${want.mode !== undefined ? ` ${formatMode(want.mode)}` : ''}${owner}`;
}

/** The attributes a rewritten file gets: the wanted ones, else what the old file had. */
export function mergedAttributes(want: Attributes, current: CurrentAttributes | null | undefined, defaultMode?: number): Attributes {
  return {
    mode: want.mode ?? (current ? current.mode & 0o7777 : defaultMode),
    owner: want.owner ?? current?.owner,
    group: want.group ?? current?.group,
  };
}

/** The attributes of a `put` step: only those that are set. */
export function putAttributes(attrs: Attributes): { mode?: number; owner?: string; group?: string } {
  return {
    ...(attrs.mode !== undefined ? { mode: attrs.mode } : {}),
    ...(attrs.owner ? { owner: attrs.owner } : {}),
    ...(attrs.group ? { group: attrs.group } : {}),
  };
}

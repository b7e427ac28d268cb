/**
 * unarchive's decision and its steps: which members differ from what is in
 * `dest`, and the commands that extract into a scratch folder inside
 * `dest` and move only those members into place, after backing up the
 * files they replace, so undo is exact.
 */
import path from 'node:path';
import { raw, sh } from '../shell/quote.js';
import { applyAttributesCommands, formatMode, resetAttributesCommand, type Attributes } from './kit/attributes.js';
import { backupStep, dropBackupsStep, removeCreatedStep, restoreStep } from './kit/backup.js';
import { humanSize, shortSha } from './get-url-checksum.js';
import type { Compression } from './tar-reader.js';
import type { Diff, Step } from './types.js';
import type { DestEntry, Member } from './unarchive-members.js';

export type { Attributes } from './kit/attributes.js';

export type Change =
  | { action: 'create'; member: Member }
  | { action: 'replace'; member: Member; before: DestEntry }
  | { action: 'attrs'; member: Member; mode: number; owner: string; group: string };

/** Scratch folders inside dest: this, the pid of the shell that extracts, `-` and six random characters. */
export const SCRATCH_PREFIX = '.ezplay-unarchive-';

/**
 * Removes scratch folders whose shell is gone: left by an extraction killed
 * outright (no EXIT trap), e.g. a host that lost power.
 */
function sweepScratch(dest: string): string[] {
  return [
    sh`for d in ${dest}/${raw(SCRATCH_PREFIX)}*; do`,
    `  p=\${d##*/${SCRATCH_PREFIX}}; p=\${p%%-*}`,
    `  case $p in ''|*[!0-9]*) continue ;; esac`,
    `  [ -d "/proc/$p" ] || rm -rf -- "$d"`,
    'done',
  ];
}

const octal = formatMode;

/** Every folder above the members: probed too, so folders tar would create are known and undone. */
export function withParents(members: readonly Member[]): Member[] {
  const seen = new Set(members.map((m) => m.path));
  const out: Member[] = [];
  for (const m of members) {
    const parts = m.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!seen.has(dir)) {
        seen.add(dir);
        out.push({ path: dir, type: 'dir' });
      }
    }
    out.push(m);
  }
  return out;
}

/** Throws for a member that cannot be written over what is there (a file where a folder is). */
export function compareMembers(members: readonly Member[], dest: Map<string, DestEntry>, want: Attributes): Change[] {
  const changes: Change[] = [];
  for (const member of members) {
    if (member.type === 'other') continue;
    const have = dest.get(member.path) ?? { kind: 'absent' };
    if (have.kind === 'absent') {
      changes.push({ action: 'create', member });
      continue;
    }
    if (member.type === 'dir') {
      if (have.kind !== 'dir') throw new Error(`${member.path} exists in dest and is not a directory`);
    } else if (have.kind === 'dir') {
      throw new Error(`${member.path} is a directory in dest, the archive has a ${member.type} there`);
    } else if (member.type === 'symlink') {
      if (have.kind !== 'symlink' || have.target !== member.linkTarget) changes.push({ action: 'replace', member, before: have });
      continue;
    } else if (have.kind !== 'file' || !member.sha256 || have.sha256 !== member.sha256) {
      changes.push({ action: 'replace', member, before: have });
      continue;
    }
    if (have.kind === 'file' || have.kind === 'dir') {
      const differs =
        (want.mode !== undefined && want.mode !== have.mode) ||
        (want.owner !== undefined && want.owner !== have.owner) ||
        (want.group !== undefined && want.group !== have.group);
      if (differs) changes.push({ action: 'attrs', member, mode: have.mode, owner: have.owner, group: have.group });
    }
  }
  return changes;
}

/** Sorted by path, so the report does not depend on the order the archive was written in. */
export function describeChanges(dest: string, changes: readonly Change[], want: Attributes): Diff[] {
  const sorted = [...changes].sort((a, b) => (a.member.path < b.member.path ? -1 : a.member.path > b.member.path ? 1 : 0));
  return sorted.map((c) => {
    const subject = path.posix.join(dest, c.member.path);
    if (c.action === 'attrs') {
      const before = `mode ${octal(c.mode)} ${c.owner}:${c.group}`;
      const after = `mode ${octal(want.mode ?? c.mode)} ${want.owner ?? c.owner}:${want.group ?? c.group}`;
      return { subject, kind: 'summary', before, after };
    }
    return { subject, kind: 'summary', before: c.action === 'create' ? 'absent' : describeDest(c.before), after: describeMember(c.member) };
  });
}

function describeMember(m: Member): string {
  if (m.type === 'dir') return 'directory';
  if (m.type === 'symlink') return `link to ${m.linkTarget ?? '?'}`;
  const size = m.size !== undefined ? ` (${humanSize(m.size)})` : '';
  return m.sha256 ? `sha256 ${shortSha(m.sha256)}${size}` : `file${size}`;
}

function describeDest(d: DestEntry): string {
  if (d.kind === 'file') return `sha256 ${shortSha(d.sha256)}`;
  if (d.kind === 'symlink') return `link to ${d.target}`;
  return d.kind;
}

export interface ExtractPlan {
  /** the archive on the host, or `stream`: a controller file fed to tar's stdin */
  archive: string | { stream: string; compression: Compression };
  dest: string;
  tarOptions: readonly string[];
  include: readonly string[];
  want: Attributes;
  runId: string;
}

/** Steps to back up, extract and move into place; and the undo that takes all of it back. */
export function extractSteps(p: ExtractPlan, changes: readonly Change[]): { steps: Step[]; undo: Step[]; cleanup: Step[]; writes: string[] } {
  const abs = (rel: string) => path.posix.join(p.dest, rel);
  const replaced = changes
    .filter((c) => c.action === 'replace')
    .map((c) => abs(c.member.path));
  const created = changes.filter((c) => c.action === 'create');
  const attrsOnly = changes.filter((c): c is Extract<Change, { action: 'attrs' }> => c.action === 'attrs');

  const lines = [
    'set -e',
    ...sweepScratch(p.dest),
    sh`x=$(mktemp -d ${`${p.dest}/${SCRATCH_PREFIX}`}"$$"-XXXXXX)`,
    // A signal exits through the EXIT trap too, so an interrupted extraction leaves nothing behind.
    `trap 'rm -rf "$x"' EXIT`,
    `trap 'exit 129' HUP INT TERM PIPE`,
  ];
  const streamed = typeof p.archive === 'string' ? undefined : p.archive;
  const from = streamed ? ['-f', '-', ...(streamed.compression === 'gzip' ? ['-z'] : [])] : ['-f', p.archive as string];
  lines.push(sh`tar -x ${from} -C "$x" ${[...p.tarOptions]}` + (p.include.length ? sh` -- ${[...p.include]}` : ''));
  for (const c of changes) {
    const target = abs(c.member.path);
    if (c.member.type === 'dir') {
      if (c.action === 'create') lines.push(sh`mkdir -p ${target}`);
    } else if (c.action !== 'attrs') {
      lines.push(sh`mkdir -p ${path.posix.dirname(target)} && mv -f -T "$x"/${c.member.path} ${target}`);
    }
    lines.push(...attributeCommands(target, c.member.type === 'symlink', p.want));
  }
  const steps: Step[] = [];
  if (replaced.length) steps.push(backupStep(p.runId, replaced));
  steps.push({
    kind: 'exec',
    command: lines.join('\n'),
    description: streamed ? `extract ${streamed.stream} (streamed) into ${p.dest}` : `extract ${p.archive as string} into ${p.dest}`,
    ...(streamed ? { stdinFile: streamed.stream } : {}),
  });

  const undo: Step[] = [];
  for (const c of attrsOnly) {
    const target = abs(c.member.path);
    undo.push({ kind: 'exec', command: resetAttributesCommand(target, c), description: `reset mode and owner of ${target}` });
  }
  if (replaced.length) undo.push(restoreStep(p.runId, replaced));
  const files = created.filter((c) => c.member.type !== 'dir').map((c) => abs(c.member.path));
  const dirs = created.filter((c) => c.member.type === 'dir').map((c) => abs(c.member.path));
  if (files.length || dirs.length) undo.push(removeCreatedStep(files, dirs));
  const writes = changes.map((c) => abs(c.member.path));
  return { steps, undo, cleanup: replaced.length ? [dropBackupsStep(p.runId, replaced)] : [], writes };
}

function attributeCommands(target: string, isLink: boolean, want: Attributes): string[] {
  // chmod follows links: a link's own mode means nothing on Linux.
  return applyAttributesCommands([target], want, { link: isLink });
}

/**
 * The one atomic-content helper: "make this file hold these bytes, with
 * these attributes", shared by copy, template, lineinfile, blockinfile,
 * replace, sysctl and copy's trees (they differ only in how they compute the
 * bytes), and the commands that fill a temporary file beside the target and
 * rename it into place for modules whose bytes come from the host itself
 * (copy with remote_src, streamed copies, downloads).
 *
 * The replaced file is kept in the run's backups (./backup.ts), never
 * beside it.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ModuleError } from '../../errors.js';
import { quoteArgs, sh } from '../../shell/quote.js';
import { pathsFact, type PathFacts } from '../../facts/paths.js';
import { shlexSplit } from '../../shell/shlex.js';
import type { Diff, HostContext, Plan, Step } from '../types.js';
import { attributeChanges, chmodCommand, chownCommand, formatMode, mergedAttributes, putAttributes, type Attributes } from './attributes.js';
import { guardWrites, removeCreatedTreeStep } from './backup.js';

export type { Attributes } from './attributes.js';

/** Content above this size is summarised by checksums instead of shown. */
export const MAX_DIFF_BYTES = 256 * 1024;

export interface ContentRequest {
  /** the file to write, as the task names it */
  dest: string;
  content: Buffer;
  attributes: Attributes;
  /** Ansible's `backup`: keep the old file as `dest.<time>~` */
  backup: boolean;
  /** false: leave an existing file alone */
  force: boolean;
  /** a command with `%s`, run on the new file before it replaces dest */
  validate?: string | undefined;
  /** the content is secret whatever it looks like (no_log) */
  secret?: boolean;
  /** create missing parent directories (copy to `dir/`), with this mode */
  createParents?: { mode?: number | undefined } | undefined;
  /** false: a dest that is a symlink is replaced by the file (Ansible's `follow: no`) rather than written through */
  follow?: boolean;
}

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
export const sha1 = (b: Buffer | string): string => createHash('sha1').update(b).digest('hex');
/** the `md5sum` Ansible's copy and template put in a changed result */
export const md5 = (b: Buffer | string): string => createHash('md5').update(b).digest('hex');

export function looksLikePrivateKey(b: Buffer | string | null | undefined): boolean {
  return b ? /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(b.toString()) : false;
}

/** Text we can show as a unified diff: UTF-8, no NUL bytes, not huge. */
export function isShowableText(b: Buffer): boolean {
  if (b.length > MAX_DIFF_BYTES || b.includes(0)) return false;
  return Buffer.from(b.toString('utf8'), 'utf8').equals(b);
}

/**
 * The diff of a file's content: text when both sides are showable, else
 * checksums. `before` is null for a new file, 'unread' when it was too big
 * to fetch (then `beforeSum` names it).
 */
export function contentDiff(subject: string, before: Buffer | null | 'unread', after: Buffer, beforeSum?: string): Diff {
  const old = before === 'unread' ? null : before;
  const secret = looksLikePrivateKey(old) || looksLikePrivateKey(after);
  if (before !== 'unread' && (old === null || isShowableText(old)) && isShowableText(after)) {
    return { subject, before: old?.toString('utf8') ?? '', after: after.toString('utf8'), kind: 'content', secret };
  }
  const short = (sum: string) => `sha256 ${sum.slice(0, 12)}…`;
  const from = old ? short(sha256(old)) : before === 'unread' ? short(beforeSum ?? '?') : 'absent';
  return { subject, before: from, after: short(sha256(after)), kind: 'summary', secret };
}

/** Ansible's backup name: `dest.<YYYY-MM-DD@HH:MM:SS>~`. */
export function userBackupName(dest: string, now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
  return `${dest}.${date}@${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}~`;
}

/** The directories `mkdir -p dir` creates below an existing `ancestor`, top first. */
export function missingDirs(dir: string, ancestor: string): string[] {
  const out: string[] = [];
  for (let d = dir; d !== ancestor && d !== path.dirname(d); d = path.dirname(d)) out.unshift(d);
  return out;
}

/** Steps that create `dirs` (top first) with a mode; undo removes the top one. */
export function createDirsSteps(dirs: string[], mode: number | undefined): { steps: Step[]; undo: Step[]; writes: string[] } {
  const top = dirs[0];
  if (top === undefined) return { steps: [], undo: [], writes: [] };
  const last = dirs[dirs.length - 1] as string;
  const steps: Step[] = [{ kind: 'exec', command: sh`mkdir -p -- ${last}`, description: `create directory ${last}` }];
  if (mode !== undefined) {
    steps.push({ kind: 'exec', command: chmodCommand(dirs, mode), description: `chmod ${formatMode(mode)} ${dirs.join(' ')}` });
  }
  return { steps, undo: [removeCreatedTreeStep(top)], writes: [top] };
}

/** The hidden temporary name beside `target` that new bytes are written to before the rename. */
export function tempBeside(target: string, runId: string): string {
  return path.posix.join(path.posix.dirname(target), `.${path.posix.basename(target)}.ezplay-new-${runId}`);
}

/** Removes a temporary file a killed step may have left (in undo and cleanup). */
export function removeTempStep(tmp: string): Step {
  return { kind: 'exec', command: sh`rm -f -- ${tmp}`, description: `remove ${tmp}` };
}

/**
 * One command that fills `tmp` (with `fill`, a command writing it), gives
 * it its attributes, and renames it onto `target`: the target is never half
 * written, and a failure removes the temporary file.
 */
export function installCommand(fill: string, tmp: string, target: string, attrs: Attributes): string {
  const parts = [fill];
  if (attrs.mode !== undefined) parts.push(chmodCommand(tmp, attrs.mode));
  if (attrs.owner || attrs.group) parts.push(chownCommand(tmp, attrs.owner || undefined, attrs.group || undefined));
  parts.push(sh`mv -f -- ${tmp} ${target}`);
  return `${parts.join(' && ')} || { ${sh`rm -f -- ${tmp}`}; false; }`;
}

/** Ansible's `backup: yes`: a copy the user asked for, kept as `dest.<time>~`; undo removes it. */
export function userBackupSteps(target: string): { name: string; step: Step; undo: Step } {
  const name = userBackupName(target);
  return {
    name,
    step: { kind: 'exec', command: sh`cp -p -- ${target} ${name}`, description: `keep a backup ${name}` },
    undo: { kind: 'exec', command: sh`rm -f -- ${name}`, description: `remove backup ${name}` },
  };
}

function validateCommand(validate: string, file: string): string {
  if (!validate.includes('%s')) throw new ModuleError(`validate must contain %s: ${validate}`);
  return quoteArgs(shlexSplit(validate).map((word) => word.split('%s').join(file)));
}

/**
 * What comes before writing a file at `facts.realPath`: the missing parent
 * folders (when `createParents` allows them, else an error), the run's
 * backup (whose `cleanup` the plan carries), and the user's own `backup`
 * copy (named in `result.backup_file`).
 * Undo runs newest first, so the folders' removal comes last.
 */
export function prepareWrite(
  runId: string,
  facts: PathFacts,
  options: { createParents?: { mode?: number | undefined } | undefined; backup?: boolean | undefined },
  result: Record<string, unknown>,
): { steps: Step[]; undo: Step[]; cleanup: Step[]; writes: string[] } {
  const { stat } = facts;
  const target = facts.realPath;
  const steps: Step[] = [];
  const undo: Step[] = [];
  const writes: string[] = [];
  if (!stat) {
    const parent = path.posix.dirname(target);
    if (facts.ancestor !== undefined && facts.ancestor !== parent) {
      if (!options.createParents) throw new ModuleError(`Destination directory ${parent} does not exist`);
      const dirs = createDirsSteps(missingDirs(parent, facts.ancestor), options.createParents.mode);
      steps.push(...dirs.steps);
      undo.push(...dirs.undo);
      writes.push(...dirs.writes);
    }
  }
  const guard = guardWrites(runId, [{ path: target, existed: stat !== null }]);
  steps.push(...guard.steps);
  undo.unshift(...guard.undo);
  writes.push(...guard.writes);
  if (stat && options.backup) {
    const kept = userBackupSteps(target);
    steps.push(kept.step);
    undo.unshift(kept.undo);
    writes.push(kept.name);
    result.backup_file = kept.name;
  }
  return { steps, undo, cleanup: guard.cleanup, writes };
}

/** Plans writing `request.content` to `request.dest`, given the probe's facts about dest. */
export async function planContent(ctx: HostContext, request: ContentRequest, facts: PathFacts): Promise<Plan> {
  const { stat } = facts;
  const target = facts.realPath;
  if (stat?.type === 'directory') throw new ModuleError(`${request.dest} is a directory`);
  const want = request.attributes;
  const newSum = sha256(request.content);
  const result: Record<string, unknown> = {
    dest: request.dest,
    checksum: sha1(request.content),
    sha256: newSum,
    size: request.content.length,
    state: 'file',
  };
  if (stat && !request.force) return { changed: false, result: { ...result, msg: 'file already exists' } };
  const beforeSum = facts.content ? sha256(facts.content) : facts.checksum;
  if (stat && beforeSum === newSum) {
    const attrs = attributeChanges(target, stat, want);
    const summary = { ...result, mode: formatMode(want.mode ?? stat.mode), owner: want.owner ?? stat.owner, group: want.group ?? stat.group, uid: stat.uid, gid: stat.gid };
    if (!attrs.steps.length) return { changed: false, result: summary };
    return { changed: true, diff: attrs.diff, steps: attrs.steps, undo: attrs.undo.reverse(), writes: [target], result: summary };
  }

  const { steps, undo, cleanup, writes } = prepareWrite(ctx.runId, facts, { createParents: request.createParents, backup: request.backup }, result);

  const secret = request.secret || looksLikePrivateKey(request.content);
  const text = request.content.toString('utf8');
  const putContent = Buffer.from(text, 'utf8').equals(request.content) ? { text } : { base64: request.content.toString('base64') };
  const attrs = mergedAttributes(want, stat);
  const putAttrs = putAttributes(attrs);
  if (request.validate) {
    const tmp = tempBeside(target, ctx.runId);
    const check = validateCommand(request.validate, tmp);
    steps.push(
      { kind: 'put', dest: tmp, content: putContent, description: `upload ${request.dest} for validation`, ...putAttrs, secret },
      {
        kind: 'exec',
        command: `if ! ${check}; then ${sh`rm -f -- ${tmp}`}; echo 'validation failed' >&2; false; fi`,
        description: `validate ${request.dest}`,
      },
      { kind: 'exec', command: sh`mv -f -- ${tmp} ${target}`, description: `move ${request.dest} into place` },
    );
    undo.unshift(removeTempStep(tmp));
  } else {
    // an owner not asked for is the old file's where the writer may give it (the connection keeps it), as Ansible's atomic move does
    const kept = putAttributes({ mode: attrs.mode, owner: want.owner, group: want.group });
    steps.push({ kind: 'put', dest: target, content: putContent, description: `write ${request.dest}`, ...kept, secret });
  }

  const before = stat ? (facts.content ?? (stat.size <= MAX_DIFF_BYTES ? await ctx.readFile(target) : null) ?? 'unread') : null;
  const diff: Diff[] = [contentDiff(request.dest, before, request.content, facts.checksum)];
  if (request.secret) (diff[0] as Diff).secret = true;
  if (stat) diff.push(...attributeChanges(target, stat, want).diff);
  if (attrs.mode !== undefined) result.mode = formatMode(attrs.mode);
  if (attrs.owner) result.owner = attrs.owner;
  if (attrs.group) result.group = attrs.group;
  return { changed: true, diff, steps, undo, ...(cleanup.length ? { cleanup } : {}), writes, result };
}

/**
 * Plans content for a task's `dest` as copy and template read it: `dest/`
 * or an existing directory means "inside it, named `name`", and `dest/`
 * creates missing folders (`request.createParents`). Costs one probe
 * when dest is a file path (the usual case), two when it is a directory.
 */
export async function planContentAt(
  ctx: HostContext,
  dest: string,
  name: string | undefined,
  request: Omit<ContentRequest, 'dest'>,
): Promise<Plan> {
  const probe = (p: string) => ctx.gather(pathsFact, [{ path: p, follow: true, checksum: 'sha256' }]);
  const inside = (dir: string) => {
    if (name === undefined) throw new ModuleError(`can not use content with a dir as dest: ${dest}`);
    return path.posix.join(dir, path.basename(name));
  };
  if (dest.endsWith('/')) {
    const file = inside(dest);
    const [facts] = await probe(file);
    return planContent(ctx, { ...request, dest: file, createParents: request.createParents ?? {} }, facts as PathFacts);
  }
  let [facts] = await probe(dest);
  let file = dest;
  if (facts?.stat?.type === 'directory') {
    file = inside(facts.realPath);
    [facts] = await probe(file);
  }
  if (request.follow === false && facts && facts.realPath !== facts.path) {
    // follow: no replaces the link itself with the file, which takes the attributes of what the link pointed to
    // (Ansible's atomic move reads them through the link); the link is kept in the run's backups for undo
    const link: PathFacts = { path: file, realPath: file, stat: facts.stat };
    return planContent(ctx, { ...request, dest: file, createParents: undefined }, link);
  }
  // Only `dest/` asks for missing folders; a missing parent of a file path is an error, as in Ansible.
  return planContent(ctx, { ...request, dest: file, createParents: undefined }, facts as PathFacts);
}

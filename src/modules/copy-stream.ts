/**
 * `copy` of a large controller file: hashed and sent as a stream, never held
 * in memory. The bytes are streamed into a temporary file beside dest on
 * the host (`.name.ezplay-new-<runId>`, removed by undo and on failure),
 * which is renamed into place, so dest is never half written.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { ModuleError } from '../errors.js';
import { sh } from '../shell/quote.js';
import { pathsFact, type PathFacts } from '../facts/paths.js';
import { attributeChanges, createDirsSteps, missingDirs, userBackupName, type Attributes } from './file-plans.js';
import type { HostContext, Plan, Step } from './types.js';
import { backupStep, dropBackupStep, formatMode, removeStep, restoreStep } from './undo.js';

/** Files above this size are streamed; smaller ones get text diffs and inline uploads. */
export const STREAM_ABOVE_BYTES = 4 << 20;

export async function hashFile(file: string, algorithm: 'sha256' | 'sha1'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface StreamedCopy {
  /** the file on the controller */
  local: string;
  size: number;
  dest: string;
  attributes: Attributes;
  force: boolean;
  /** keep the replaced file as Ansible's `dest.<date>~` */
  backup: boolean;
  directoryMode: number | undefined;
}

async function destFacts(ctx: HostContext, dest: string, name: string): Promise<{ file: string; facts: PathFacts; dirDest: boolean }> {
  const probe = async (p: string) => (await ctx.gather(pathsFact, [{ path: p, follow: true, checksum: 'sha256' }]))[0] as PathFacts;
  if (dest.endsWith('/')) {
    const file = path.posix.join(dest, name);
    return { file, facts: await probe(file), dirDest: true };
  }
  const facts = await probe(dest);
  if (facts.stat?.type !== 'directory') return { file: dest, facts, dirDest: false };
  const file = path.posix.join(facts.realPath, name);
  return { file, facts: await probe(file), dirDest: false };
}

export async function planStreamedCopy(ctx: HostContext, request: StreamedCopy): Promise<Plan> {
  const { file, facts, dirDest } = await destFacts(ctx, request.dest, path.basename(request.local));
  const { stat } = facts;
  const target = facts.realPath;
  if (stat?.type === 'directory') throw new ModuleError(`${file} is a directory`);
  const sum = await hashFile(request.local, 'sha256');
  const result: Record<string, unknown> = { dest: file, sha256: sum, size: request.size, state: 'file' };
  if (stat && !request.force) return { changed: false, result: { ...result, msg: 'file already exists' } };
  const want = request.attributes;
  if (stat && facts.checksum === sum) {
    const attrs = attributeChanges(target, stat, want);
    if (!attrs.steps.length) return { changed: false, result };
    return { changed: true, diff: attrs.diff, steps: attrs.steps, undo: attrs.undo.reverse(), result };
  }
  const steps: Step[] = [];
  const undo: Step[] = [];
  if (!stat) {
    const parent = path.posix.dirname(target);
    if (facts.ancestor !== undefined && facts.ancestor !== parent) {
      if (!dirDest) throw new ModuleError(`Destination directory ${parent} does not exist`);
      const dirs = createDirsSteps(missingDirs(parent, facts.ancestor), request.directoryMode);
      steps.push(...dirs.steps);
      undo.push(...dirs.undo);
    }
    undo.unshift(removeStep(target));
  } else {
    steps.push(backupStep(target, ctx.runId));
    undo.unshift(restoreStep(target, ctx.runId, true));
    if (request.backup) {
      const name = userBackupName(target);
      steps.push({ kind: 'exec', command: sh`cp -p -- ${target} ${name}`, description: `keep a backup ${name}` });
      undo.unshift({ kind: 'exec', command: sh`rm -f -- ${name}`, description: `remove backup ${name}` });
      result.backup_file = name;
    }
  }
  const tmp = path.posix.join(path.posix.dirname(target), `.${path.posix.basename(target)}.ezplay-new-${ctx.runId}`);
  const mode = want.mode ?? stat?.mode ?? 0o644;
  const owner = want.owner ?? stat?.owner;
  const group = want.group ?? stat?.group;
  // umask 077: the bytes are private until they have their mode and owner
  const parts = [sh`umask 077 && cat > ${tmp}`, sh`chmod ${formatMode(mode)} -- ${tmp}`];
  if (owner || group) parts.push(sh`chown -- ${`${owner ?? ''}${group ? `:${group}` : ''}`} ${tmp}`);
  parts.push(sh`mv -f -- ${tmp} ${target}`);
  steps.push({
    kind: 'exec',
    command: `${parts.join(' && ')} || { ${sh`rm -f -- ${tmp}`}; false; }`,
    stdinFile: request.local,
    description: `write ${file} (${request.size} bytes, streamed)`,
  });
  undo.unshift({ kind: 'exec', command: sh`rm -f -- ${tmp}`, description: `remove ${tmp}` });
  const short = (s: string | undefined) => (s ? `sha256 ${s.slice(0, 12)}…` : 'absent');
  return {
    changed: true,
    diff: [{ subject: file, before: stat ? short(facts.checksum) : 'absent', after: short(sum), kind: 'summary' }],
    steps,
    undo,
    // a killed stream leaves its temporary file: removed by undo, or when the run is pruned
    cleanup: [{ kind: 'exec', command: sh`rm -f -- ${tmp}`, description: `remove ${tmp}` }, ...(stat ? [dropBackupStep(target, ctx.runId)] : [])],
    result: { ...result, mode: formatMode(mode), ...(owner ? { owner } : {}), ...(group ? { group } : {}) },
  };
}

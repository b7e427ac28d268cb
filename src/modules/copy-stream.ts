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
import { attributeChanges, formatMode, mergedAttributes, type Attributes } from './kit/attributes.js';
import { installCommand, prepareWrite, removeTempStep, tempBeside } from './kit/content.js';
import type { HostContext, Plan } from './types.js';

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
    return { changed: true, diff: attrs.diff, steps: attrs.steps, undo: attrs.undo.reverse(), writes: [target], result };
  }
  // dest ending in / makes its missing folders, as Ansible does
  const { steps, undo, cleanup, writes } = prepareWrite(ctx.runId, facts, { createParents: dirDest ? { mode: request.directoryMode } : undefined, backup: request.backup }, result);
  const tmp = tempBeside(target, ctx.runId);
  const attrs = mergedAttributes(want, stat, 0o644);
  const mode = attrs.mode as number;
  const { owner, group } = attrs;
  // umask 077: the bytes are private until they have their mode and owner
  steps.push({
    kind: 'exec',
    command: installCommand(sh`umask 077 && cat > ${tmp}`, tmp, target, attrs),
    stdinFile: request.local,
    description: `write ${file} (${request.size} bytes, streamed)`,
  });
  undo.unshift(removeTempStep(tmp));
  const short = (s: string | undefined) => (s ? `sha256 ${s.slice(0, 12)}…` : 'absent');
  return {
    changed: true,
    diff: [{ subject: file, before: stat ? short(facts.checksum) : 'absent', after: short(sum), kind: 'summary' }],
    steps,
    undo,
    // a killed stream leaves its temporary file: removed by undo, or when the run is pruned
    cleanup: [removeTempStep(tmp), ...cleanup],
    writes,
    result: { ...result, mode: formatMode(mode), ...(owner ? { owner } : {}), ...(group ? { group } : {}) },
  };
}

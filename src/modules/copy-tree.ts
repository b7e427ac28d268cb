/**
 * copy with a directory as `src`: every file of the tree is planned like a
 * single copy, all of them after one probe. As in Ansible, `src: dir`
 * lands as `dest/dir/...`, `src: dir/` copies the contents into dest.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { sealedPlan, vaultFileBytes } from './kit/vault-file.js';
import { isVaultText } from '../vault/index.js';
import path from 'node:path';
import { pathsFact } from '../facts/paths.js';
import { planContent, type Attributes } from './kit/content.js';
import type { Diff, HostContext, Plan, Step } from './types.js';

/** Regular files under `dir`, as sorted relative paths. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const child = rel ? `${rel}/${name}` : name;
      const st = statSync(path.join(dir, child));
      if (st.isDirectory()) walk(child);
      else if (st.isFile()) out.push(child);
    }
  };
  walk('');
  return out;
}

export interface TreeCopy {
  src: string;
  localDir: string;
  dest: string;
  attributes: Attributes;
  directoryMode?: number | undefined;
  backup: boolean;
  force: boolean;
  /** decrypt the files that are Ansible Vaults (copy's `decrypt`) */
  decrypt?: boolean;
}

export async function planCopyTree(ctx: HostContext, request: TreeCopy): Promise<Plan> {
  const base = request.src.endsWith('/') ? request.dest : path.posix.join(request.dest, path.basename(request.localDir));
  const files = listTree(request.localDir);
  const facts = await ctx.gather(
    pathsFact,
    files.map((rel) => ({ path: path.posix.join(base, rel), follow: true, checksum: 'sha256' as const })),
  );
  const diff: Diff[] = [];
  const steps: Step[] = [];
  const undo: Step[] = [];
  const cleanup: Step[] = [];
  const writes: string[] = [];
  for (const [i, rel] of files.entries()) {
    const local = path.join(request.localDir, rel);
    const bytes = readFileSync(local);
    const fromVault = request.decrypt === true && isVaultText(bytes);
    const planned = await planContent(
      ctx,
      {
        dest: path.posix.join(base, rel),
        content: fromVault ? vaultFileBytes(bytes, local) : bytes,
        attributes: request.attributes,
        backup: request.backup,
        force: request.force,
        createParents: { mode: request.directoryMode },
      },
      facts[i] as (typeof facts)[number],
    );
    const plan = fromVault ? sealedPlan(planned) : planned;
    if (!plan.changed) continue;
    diff.push(...(plan.diff ?? []));
    steps.push(...(plan.steps ?? []));
    // Newest first: the last file's undo runs before the first file's.
    undo.unshift(...(plan.undo ?? []));
    cleanup.push(...(plan.cleanup ?? []));
    writes.push(...(plan.writes ?? []));
  }
  const result = { dest: base, src: request.src, files: files.length };
  if (!steps.length) return { changed: false, result };
  return { changed: true, diff, steps, undo, ...(cleanup.length ? { cleanup } : {}), writes, result };
}

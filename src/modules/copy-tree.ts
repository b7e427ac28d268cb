/**
 * copy with a directory as `src`: the tree is walked on the controller as
 * Ansible walks it (`src: dir` lands as `dest/dir/...`, `src: dir/` copies
 * the contents into dest), then planned in Ansible's order: the folders
 * (with `directory_mode`, on folders already there too), every file like a
 * single copy, then the links, all after one probe.
 *
 * Links inside the tree: with `local_follow` (the default) a link to a file
 * is copied as that file and a link to a folder outside the way down is
 * walked as a folder; a link that cannot be followed (broken, a loop, a
 * folder it sits in) is made again as a link. Without `local_follow` every
 * link is made again as a link, pointing where it points.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathsFact, type PathFacts } from '../facts/paths.js';
import { planFileState } from './file-states.js';
import { createDirsSteps, missingDirs, planContent, type Attributes } from './kit/content.js';
import { isVaultText } from '../vault/index.js';
import { sealedPlan, vaultFileBytes } from './kit/vault-file.js';
import type { Diff, HostContext, Plan, Step } from './types.js';

export interface LocalTree {
  /** the file to read on the controller, and where it goes below dest */
  files: Array<{ local: string; rel: string }>;
  /** the folders below dest, parents before children */
  directories: string[];
  /** links made again on the host: where each points, and where it goes */
  symlinks: Array<{ target: string; rel: string }>;
}

const key = (st: { dev: number; ino: number }) => `${st.dev}:${st.ino}`;

function statOr(p: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

/** Walks `top` as Ansible's copy action does; `trailingSlash`: the contents only, not the folder itself. */
export function walkLocalTree(top: string, trailingSlash: boolean, localFollow: boolean): LocalTree {
  const tree: LocalTree = { files: [], directories: [], symlinks: [] };
  const prefix = trailingSlash ? '' : `${path.basename(top)}/`;
  if (!trailingSlash && !localFollow && lstatSync(top).isSymbolicLink()) {
    tree.symlinks.push({ target: readlinkSync(top), rel: path.basename(top) });
    return tree;
  }
  const recurse = (dir: string, relBase: string, parents: ReadonlySet<string>) => {
    const names = readdirSync(dir).sort();
    const folders: string[] = [];
    for (const name of names) {
      const full = path.join(dir, name);
      const rel = relBase + name;
      const lst = lstatSync(full);
      // a link to a folder counts as a folder, as Python's os.walk sorts them
      if (statOr(full)?.isDirectory()) {
        folders.push(name);
        continue;
      }
      if (!lst.isSymbolicLink()) {
        tree.files.push({ local: full, rel });
        continue;
      }
      let real: string | undefined;
      try {
        real = realpathSync(full);
      } catch {
        real = undefined;
      }
      if (localFollow && real !== undefined && statOr(real)?.isFile()) tree.files.push({ local: real, rel });
      else tree.symlinks.push({ target: readlinkSync(full), rel });
    }
    for (const name of folders) {
      const full = path.join(dir, name);
      const rel = relBase + name;
      if (!lstatSync(full).isSymbolicLink()) {
        tree.directories.push(rel);
        recurse(full, `${rel}/`, parents);
        continue;
      }
      const real = realpathSync(full);
      const target = statSync(real);
      if (!localFollow || parents.has(key(target))) {
        tree.symlinks.push({ target: readlinkSync(full), rel });
        continue;
      }
      // the folders between this link and the part of the tree already known: a link back into them is a loop
      const between = new Set<string>();
      for (let up = path.dirname(full); up !== path.dirname(up); up = path.dirname(up)) {
        const k = key(statSync(up));
        if (parents.has(k)) break;
        between.add(k);
      }
      if (between.has(key(target))) {
        tree.symlinks.push({ target: readlinkSync(full), rel });
        continue;
      }
      tree.directories.push(rel);
      recurse(real, `${rel}/`, new Set([...parents, ...between]));
    }
  };
  recurse(top, prefix, new Set([key(statSync(top))]));
  return tree;
}

export interface TreeCopy {
  src: string;
  localDir: string;
  dest: string;
  attributes: Attributes;
  directoryMode?: number | undefined;
  backup: boolean;
  force: boolean;
  localFollow: boolean;
  /** decrypt the files that are Ansible Vaults (copy's `decrypt`), with the run's vault secrets */
  decrypt?: boolean;
  /** mode=preserve: each file gets the mode it has on the controller */
  preserveMode?: boolean;
}

export async function planCopyTree(ctx: HostContext, request: TreeCopy): Promise<Plan> {
  const tree = walkLocalTree(request.localDir, request.src.endsWith('/'), request.localFollow);
  const base = request.dest;
  const at = (rel: string) => path.posix.join(base, rel);
  // the folder the tree lands in: dest, and for `src: dir` dest/dir
  const top = request.src.endsWith('/') ? [] : [path.posix.basename(request.localDir)];
  const folders = [...top.filter((d) => !tree.symlinks.some((s) => s.rel === d)), ...tree.directories];
  const requests = [
    { path: base, follow: true },
    ...folders.map((rel) => ({ path: at(rel), follow: true })),
    ...tree.files.map((f) => ({ path: at(f.rel), follow: false, checksum: 'sha256' as const })),
    ...tree.symlinks.map((s) => ({ path: at(s.rel), follow: false })),
  ];
  const facts = (await ctx.gather(pathsFact, requests)) as PathFacts[];
  const destFacts = facts[0] as PathFacts;
  const folderFacts = facts.slice(1, 1 + folders.length);
  const fileFacts = facts.slice(1 + folders.length, 1 + folders.length + tree.files.length);
  const linkFacts = facts.slice(1 + folders.length + tree.files.length);

  const diff: Diff[] = [];
  const steps: Step[] = [];
  const undo: Step[] = [];
  const cleanup: Step[] = [];
  const writes: string[] = [];
  const add = (part: { diff?: Diff[] | undefined; steps?: Step[] | undefined; undo?: Step[] | undefined; cleanup?: Step[] | undefined; writes?: string[] | undefined }, path: string) => {
    if (!part.steps?.length) return;
    diff.push(...(part.diff ?? []));
    steps.push(...part.steps);
    // newest first: the last part's undo runs before the first part's
    undo.unshift(...(part.undo ?? []));
    cleanup.push(...(part.cleanup ?? []));
    writes.push(...(part.writes ?? [path]));
  };
  // folders the steps make exist from then on: what is inside one is not "in a missing folder"
  const made = new Set<string>();
  const parentKnown = (f: PathFacts): PathFacts => {
    const parent = path.posix.dirname(path.posix.normalize(f.realPath));
    return !f.stat && made.has(parent) ? { ...f, ancestor: parent } : f;
  };
  if (!destFacts.stat) {
    const created = createDirsSteps(missingDirs(destFacts.realPath, destFacts.ancestor ?? '/'), request.directoryMode);
    add({ ...created, diff: [{ subject: base, before: 'absent', after: 'directory', kind: 'summary' }] }, base);
  }
  made.add(path.posix.normalize(destFacts.realPath).replace(/(.)\/+$/, '$1'));
  const owner = { owner: request.attributes.owner, group: request.attributes.group };
  for (const [i, rel] of folders.entries()) {
    const f = parentKnown(folderFacts[i] as PathFacts);
    const change = planFileState(
      { path: at(rel), state: 'directory', force: false, recurse: false, mode: request.directoryMode, ...owner },
      f,
      { tree: [], runId: ctx.runId },
    );
    add(change, f.realPath);
    made.add(path.posix.normalize(f.realPath).replace(/(.)\/+$/, '$1'));
  }
  for (const [i, file] of tree.files.entries()) {
    const bytes = readFileSync(file.local);
    const fromVault = request.decrypt === true && isVaultText(bytes);
    const content = fromVault ? vaultFileBytes(bytes, file.local) : bytes;
    const planned = await planContent(
      ctx,
      {
        dest: at(file.rel),
        content,
        attributes: request.preserveMode ? { ...request.attributes, mode: statSync(file.local).mode & 0o7777 } : request.attributes,
        backup: request.backup,
        force: request.force,
      },
      parentKnown(fileFacts[i] as PathFacts),
    );
    add(fromVault ? sealedPlan(planned) : planned, at(file.rel));
  }
  for (const [i, link] of tree.symlinks.entries()) {
    const change = planFileState(
      { path: at(link.rel), state: 'link', src: link.target, force: true, recurse: false, ...owner },
      parentKnown(linkFacts[i] as PathFacts),
      { tree: [], runId: ctx.runId },
    );
    add(change, at(link.rel));
  }
  const result = { dest: base.endsWith('/') ? base : `${base}/`, src: request.src, files: tree.files.length };
  if (!steps.length) return { changed: false, result };
  return { changed: true, diff, steps, undo, ...(cleanup.length ? { cleanup } : {}), writes, result };
}

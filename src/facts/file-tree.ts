/**
 * What the file module reads in one command: the paths (the one stat probe)
 * and, with recurse, the descendants of a folder whose attributes differ.
 */
import { sh } from '../shell/quote.js';
import { pathFactsCommand, parsePathFacts, plannedPathFacts, type FactsRequest, type PathFacts } from './paths.js';
import { defineFact, FactError } from './types.js';

export interface TreeEntry {
  /** find's %y: f, d, l (a link; with follow, one whose target is missing), ... */
  type: string;
  mode: number;
  owner: string;
  group: string;
  uid: number;
  gid: number;
  path: string;
}

const TREE_MARK = '@@tree';

export interface FileTreeRequest {
  paths: FactsRequest[];
  /** with recurse: the folder whose descendants the module sets; `follow` walks into linked folders and reports link targets */
  tree?: { dir: string; follow: boolean };
}

export const fileTreeFact = defineFact<FileTreeRequest, { paths: PathFacts[]; tree: TreeEntry[] }>({
  name: 'file_tree',
  command: (r) => pathFactsCommand(r.paths) + (r.tree ? `; echo ${TREE_MARK}; ${treeCommand(r.tree.dir, r.tree.follow)}` : ''),
  parse(out, r) {
    if (out.rc !== 0) throw new FactError(`probing ${r.paths[0]?.path ?? ''}: ${out.stderr.trim()}`, out.rc);
    const [factsText = '', treeText = ''] = out.stdout.split(`\n${TREE_MARK}\n`);
    return { paths: parsePathFacts(r.paths, factsText), tree: r.tree ? parseTree(treeText) : [] };
  },
  planned: (value, state, r) => ({ ...value, paths: value.paths.map((f, i) => plannedPathFacts(f, r.paths[i] as FactsRequest, state)) }),
});

/** Every descendant of a directory with its type and attributes; with `follow`, through links (what they lead to). */
export function treeCommand(dir: string, follow: boolean): string {
  return `if [ -d ${sh`${dir}`} ]; then find ${follow ? '-L' : '-P'} ${sh`${dir}`} -mindepth 1 -printf '%y|%m|%u|%g|%U|%G|%p\\0' 2>/dev/null; true; fi`;
}

export function parseTree(text: string): TreeEntry[] {
  return text
    .split('\0')
    .filter((r) => r.includes('|'))
    .map((record) => {
      const [type = '', mode = '0', owner = '', group = '', uid = '0', gid = '0', ...rest] = record.replace(/^\n/, '').split('|');
      return { type, mode: parseInt(mode, 8), owner, group, uid: Number(uid), gid: Number(gid), path: rest.join('|') };
    });
}

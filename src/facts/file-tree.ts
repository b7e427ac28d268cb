/**
 * What the file module reads in one command: the paths (the one stat probe)
 * and, with recurse, the descendants of a folder whose attributes differ.
 */
import { sh } from '../shell/quote.js';
import { formatMode } from '../shell/mode.js';
import { pathFactsCommand, parsePathFacts, plannedPathFacts, type FactsRequest, type PathFacts } from './paths.js';
import { defineFact, FactError } from './types.js';

export interface TreeEntry {
  mode: number;
  owner: string;
  group: string;
  path: string;
}

interface Attributes {
  mode?: number | undefined;
  owner?: string | undefined;
  group?: string | undefined;
}

const TREE_MARK = '@@tree';

export interface FileTreeRequest {
  paths: FactsRequest[];
  /** with recurse: the folder and the attributes its descendants should have */
  tree?: { dir: string; want: Attributes };
}

export const fileTreeFact = defineFact<FileTreeRequest, { paths: PathFacts[]; tree: TreeEntry[] }>({
  name: 'file_tree',
  command: (r) => pathFactsCommand(r.paths) + (r.tree ? `; echo ${TREE_MARK}; ${treeCommand(r.tree.dir, r.tree.want)}` : ''),
  parse(out, r) {
    if (out.rc !== 0) throw new FactError(`probing ${r.paths[0]?.path ?? ''}: ${out.stderr.trim()}`, out.rc);
    const [factsText = '', treeText = ''] = out.stdout.split(`\n${TREE_MARK}\n`);
    return { paths: parsePathFacts(r.paths, factsText), tree: r.tree ? parseTree(treeText) : [] };
  },
  planned: (value, state, r) => ({ ...value, paths: value.paths.map((f, i) => plannedPathFacts(f, r.paths[i] as FactsRequest, state)) }),
});

/** Lists descendants of a directory whose attributes differ from `want` (for recurse). */
export function treeCommand(dir: string, want: Attributes): string {
  const tests: string[] = [];
  if (want.mode !== undefined) tests.push(sh`! -perm ${formatMode(want.mode)}`);
  if (want.owner !== undefined) tests.push(sh`! -user ${want.owner}`);
  if (want.group !== undefined) tests.push(sh`! -group ${want.group}`);
  if (!tests.length) return 'true';
  return `if [ -d ${sh`${dir}`} ]; then find -H ${sh`${dir}`} -mindepth 1 ! -type l \\( ${tests.join(' -o ')} \\) -printf '%m|%u|%g|%p\\0'; fi`;
}

export function parseTree(text: string): TreeEntry[] {
  return text
    .split('\0')
    .filter((r) => r.includes('|'))
    .map((record) => {
      const [mode = '0', owner = '', group = '', ...rest] = record.replace(/^\n/, '').split('|');
      return { mode: parseInt(mode, 8), owner, group, path: rest.join('|') };
    });
}

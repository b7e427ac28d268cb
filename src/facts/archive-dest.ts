/**
 * What an archive's members would land on under its destination folder: one
 * line per member path (type, sha256, mode, owner), read in one command
 * together with unarchive's guards (`creates`, a missing destination).
 */
import { sh } from '../shell/quote.js';
import { defineFact, FactError } from './types.js';

export type DestEntry =
  | { kind: 'absent' }
  | { kind: 'file'; sha256: string; mode: number; owner: string; group: string }
  | { kind: 'dir'; mode: number; owner: string; group: string }
  | { kind: 'symlink'; target: string }
  | { kind: 'other' };

/** Reads relative paths on stdin, one per line, and describes each under `dest`. */
export function destProbeCommand(dest: string): string {
  return [
    sh`cd ${dest} || exit 3`,
    'while IFS= read -r p; do',
    '  if [ -L "$p" ]; then printf \'L\\t%s\\t%s\\n\' "$(readlink -- "$p")" "$p"',
    '  elif [ -f "$p" ]; then printf \'F\\t%s\\t%s\\t%s\\n\' "$(sha256sum < "$p" | cut -c1-64)" "$(stat -c \'%a %U %G\' -- "$p")" "$p"',
    '  elif [ -d "$p" ]; then printf \'D\\t-\\t%s\\t%s\\n\' "$(stat -c \'%a %U %G\' -- "$p")" "$p"',
    '  elif [ -e "$p" ]; then printf \'O\\t-\\t-\\t%s\\n\' "$p"',
    '  else printf \'A\\t-\\t-\\t%s\\n\' "$p"; fi',
    'done',
  ].join('\n');
}

export function parseDestProbe(stdout: string): Map<string, DestEntry> {
  const out = new Map<string, DestEntry>();
  for (const line of stdout.split('\n')) {
    const [kind, a = '', b = '', ...rest] = line.split('\t');
    const path = kind === 'L' ? [b, ...rest].join('\t') : rest.join('\t');
    const [mode = '0', owner = '', group = ''] = b.split(' ');
    if (kind === 'L') out.set(path, { kind: 'symlink', target: a });
    else if (kind === 'F') out.set(path, { kind: 'file', sha256: a, mode: parseInt(mode, 8), owner, group });
    else if (kind === 'D') out.set(path, { kind: 'dir', mode: parseInt(mode, 8), owner, group });
    else if (kind === 'O') out.set(path, { kind: 'other' });
    else if (kind === 'A') out.set(path, { kind: 'absent' });
  }
  return out;
}

export interface ArchiveDestRequest {
  dest: string;
  /** unarchive's `creates`: when it exists, nothing is read */
  creates?: string | undefined;
  /** member paths relative to dest */
  paths: string[];
}

export interface ArchiveDest {
  /** `creates` exists */
  created: boolean;
  /** the destination folder does not exist */
  noDest: boolean;
  entries: Map<string, DestEntry>;
}

export const archiveDestFact = defineFact<ArchiveDestRequest, ArchiveDest>({
  name: 'archive_dest',
  command(r) {
    const bad = r.paths.find((p) => p.includes('\n'));
    if (bad) throw new FactError(`archive member name with a newline is not supported: ${JSON.stringify(bad)}`);
    return [
      r.creates ? sh`if [ -e ${r.creates} ]; then echo @creates; exit 0; fi` : '',
      sh`[ -d ${r.dest} ] || { echo @nodest; exit 0; }`,
      'echo @dest',
      // the paths go through a pipe: a builtin printf has no argument limit
      `${r.paths.length ? sh`printf '%s\n' ${r.paths}` : 'true'} | {\n${destProbeCommand(r.dest)}\n}`,
    ]
      .filter(Boolean)
      .join('\n');
  },
  parse(out, r) {
    if (/^@creates$/m.test(out.stdout)) return { created: true, noDest: false, entries: new Map() };
    if (/^@nodest$/m.test(out.stdout)) return { created: false, noDest: true, entries: new Map() };
    if (out.rc !== 0) throw new FactError(`cannot inspect ${r.dest}: ${out.stderr.trim()}`, out.rc);
    return { created: false, noDest: false, entries: parseDestProbe(out.stdout.split(/^@dest$/m)[1] ?? '') };
  },
  planned(value, state, r) {
    if (r.creates) {
      const c = state.path(r.creates);
      if (c && c.type !== 'absent') return { created: true, noDest: false, entries: new Map() };
    }
    const dest = state.path(r.dest);
    if (dest?.type === 'absent') return { created: false, noDest: true, entries: new Map() };
    const noDest = value.noDest && dest?.type !== 'directory';
    if (noDest || value.created) return { ...value, noDest };
    const entries = new Map(value.entries);
    for (const p of value.noDest ? r.paths : []) entries.set(p, { kind: 'absent' });
    return { created: false, noDest: false, entries };
  },
});

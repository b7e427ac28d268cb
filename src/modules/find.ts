/**
 * `find`: files under folders on the host by name, type, age and size.
 * One read-only probe (`find -printf`), a pure parser and a pure filter;
 * never changes the host.
 */
import { ModuleError } from '../errors.js';
import { quote } from '../shell/quote.js';
import { pythonRegex } from './line-edits.js';
import { defineModule } from './types.js';

export interface FindArgs {
  paths: string[];
  patterns: string[];
  excludes: string[];
  use_regex: boolean;
  file_type: 'file' | 'directory' | 'link' | 'any';
  recurse: boolean;
  depth?: number;
  hidden: boolean;
  follow: boolean;
  age?: string;
  age_stamp: 'atime' | 'ctime' | 'mtime';
  size?: string;
}

export interface FoundFile {
  path: string;
  type: 'file' | 'directory' | 'link' | 'other';
  size: number;
  mode: string;
  uid: number;
  gid: number;
  atime: number;
  mtime: number;
  ctime: number;
}

const TYPES: Record<string, FoundFile['type']> = { f: 'file', d: 'directory', l: 'link' };

/** The probe: one tab-separated line per entry below each path. */
export function findCommand(args: Pick<FindArgs, 'paths' | 'recurse' | 'depth' | 'follow'>): string {
  const depth = args.recurse ? (args.depth !== undefined ? ` -maxdepth ${args.depth}` : '') : ' -maxdepth 1';
  const follow = args.follow ? ' -L' : '';
  return args.paths
    .map((p) => `find${follow} ${quote(p)} -mindepth 1${depth} -printf '%p\\t%y\\t%s\\t%m\\t%U\\t%G\\t%A@\\t%T@\\t%C@\\n' 2>/dev/null`)
    .join('; ')
    .concat('; true');
}

export function parseFind(stdout: string): FoundFile[] {
  const out: FoundFile[] = [];
  for (const line of stdout.split('\n')) {
    const f = line.split('\t');
    if (f.length !== 9) continue;
    const [path, y, size, mode, uid, gid, a, m, c] = f as [string, string, string, string, string, string, string, string, string];
    out.push({ path, type: TYPES[y] ?? 'other', size: Number(size), mode: mode.padStart(4, '0'), uid: Number(uid), gid: Number(gid), atime: Number(a), mtime: Number(m), ctime: Number(c) });
  }
  return out;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800, b: 1, k: 1024, g: 1024 ** 3, t: 1024 ** 4 };

/** `-2d`, `1w`, `10k`, `-1m`: a signed amount in seconds or bytes (`m` is minutes for age, MiB for size). */
export function parseAmount(value: string, kind: 'age' | 'size'): number {
  const m = /^(-?\d+)([a-zA-Z]?)$/.exec(value.trim());
  if (!m) throw new ModuleError(`find: ${kind} '${value}' is not a number with an optional unit`);
  const unit = (m[2] || (kind === 'age' ? 's' : 'b')).toLowerCase();
  const factor = unit === 'm' && kind === 'size' ? 1024 ** 2 : UNITS[unit];
  if (factor === undefined) throw new ModuleError(`find: ${kind} '${value}' has an unknown unit '${unit}'`);
  return Number(m[1]) * factor;
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`);
}

/** Ansible's selection: name patterns (any) minus excludes, type, hidden, age and size. */
export function selectFiles(files: readonly FoundFile[], args: FindArgs, now: number): FoundFile[] {
  const compile = (p: string) => (args.use_regex ? new RegExp(`^(?:${pythonRegex(p).source})`) : glob(p));
  const patterns = args.patterns.map(compile);
  const excludes = args.excludes.map(compile);
  const age = args.age !== undefined ? parseAmount(args.age, 'age') : undefined;
  const size = args.size !== undefined ? parseAmount(args.size, 'size') : undefined;
  return files.filter((f) => {
    const base = f.path.slice(f.path.lastIndexOf('/') + 1);
    if (!args.hidden && base.startsWith('.')) return false;
    if (patterns.length && !patterns.some((re) => re.test(base))) return false;
    if (excludes.some((re) => re.test(base))) return false;
    if (args.file_type !== 'any' && f.type !== args.file_type) return false;
    if (age !== undefined) {
      const elapsed = now - f[args.age_stamp];
      if (age >= 0 ? elapsed < age : elapsed > -age) return false;
    }
    if (size !== undefined && f.type === 'file' && (size >= 0 ? f.size < size : f.size > -size)) return false;
    return true;
  });
}

export const findFilesModule = defineModule<FindArgs>({
  name: 'find',
  summary: 'List files by name, type, age and size',
  description:
    'Looks under `paths` (one level, or all with `recurse`) and registers `files` (path, mode, size, uid, gid, times, isdir, islnk, isreg) ' +
    'and `matched`. Patterns are shell globs on the file name (any of them), or Python regular expressions with `use_regex`. ' +
    'Never changes the host.',
  args: {
    paths: { type: 'list', elements: 'path', required: true, aliases: ['name', 'path'], description: 'The folders to look in.' },
    patterns: { type: 'list', elements: 'str', default: [], aliases: ['pattern'], description: 'File name patterns; a file matching any is kept.' },
    excludes: { type: 'list', elements: 'str', default: [], aliases: ['exclude'], description: 'File name patterns to leave out.' },
    use_regex: { type: 'bool', default: false, description: 'Patterns are Python regular expressions (matched from the start of the name).' },
    file_type: { type: 'str', default: 'file', choices: ['file', 'directory', 'link', 'any'], description: 'The kind of entry to list.' },
    recurse: { type: 'bool', default: false, description: 'Look in sub-folders too.' },
    depth: { type: 'int', description: 'With recurse: how many levels down to look.' },
    hidden: { type: 'bool', default: false, description: 'Include names starting with a dot.' },
    follow: { type: 'bool', default: false, description: 'Follow symbolic links to folders.' },
    age: { type: 'str', description: 'At least this old (`2d`, `1w`, `30m`, seconds by default); negative: at most this old.' },
    age_stamp: { type: 'str', default: 'mtime', choices: ['atime', 'ctime', 'mtime'], description: 'Which time `age` looks at.' },
    size: { type: 'str', description: 'Files at least this big (`10k`, `1m`, `2g`, bytes by default); negative: at most this big.' },
  },
  async plan(ctx, args) {
    const res = await ctx.probe(findCommand(args));
    if (res.rc !== 0) throw new ModuleError(`find: ${res.stderr.trim()}`);
    const all = parseFind(res.stdout);
    const files = selectFiles(all, args, Date.now() / 1000).map((f) => ({
      path: f.path,
      mode: f.mode,
      size: f.size,
      uid: f.uid,
      gid: f.gid,
      atime: f.atime,
      mtime: f.mtime,
      ctime: f.ctime,
      isdir: f.type === 'directory',
      islnk: f.type === 'link',
      isreg: f.type === 'file',
    }));
    return { changed: false, result: { files, matched: files.length, examined: all.length, skipped_paths: {} } };
  },
});

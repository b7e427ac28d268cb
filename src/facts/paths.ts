/**
 * Everything a file module needs to know about some paths, in one probe: the
 * no-op case of copy, template, lineinfile and file costs one round trip.
 * A command builder plus a pure parser, so the parser is tested from
 * captured output.
 */
import { createHash } from 'node:crypto';
import { sh } from '../shell/quote.js';
import type { FileStat } from '../connection/types.js';
import type { PlannedPath, PlannedState } from './planned.js';
import { defineFact, FactError } from './types.js';

export type ChecksumAlgorithm = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export interface FactsRequest {
  path: string;
  /** resolve a symlink to its final target first (modules that write through links) */
  follow?: boolean;
  /** checksum of a regular file's content */
  checksum?: ChecksumAlgorithm | false;
  /** the file's bytes (lineinfile, blockinfile) */
  content?: boolean;
  /** whether the probing user may read, write, execute it (stat) */
  access?: boolean;
  /** what `file -b --mime` says of it (stat's get_mime) */
  mime?: boolean;
  /** what `lsattr -d` says of it, where the file system has attributes (stat's get_attributes) */
  attributes?: boolean;
  /** a directory's descendants, each with its type (the file module's removal diff, a link replacing an empty folder) */
  listing?: boolean;
}

export interface PathStat {
  /** GNU stat's %F: 'regular file', 'directory', 'symbolic link', ... */
  kind: string;
  type: FileStat['type'];
  mode: number;
  owner: string;
  group: string;
  size: number;
  uid: number;
  gid: number;
  inode: number;
  dev: number;
  nlink: number;
  /** seconds since the epoch */
  atime: number;
  mtime: number;
  ctime: number;
  /** full-precision times as `touch -d` reads them, to put times back exactly */
  atimeText: string;
  mtimeText: string;
}

export interface PathFacts {
  /** the path as asked */
  path: string;
  /** the path after following a symlink (when asked to follow), else `path` */
  realPath: string;
  stat: PathStat | null;
  linkTarget?: string;
  checksum?: string;
  /** 'r', 'w', 'x' letters the probing user has */
  access?: string;
  content?: Buffer;
  /** `file -b --mime` output ('' where `file` is missing) */
  mime?: string;
  /** `lsattr -d` output, where it had something to say */
  lsattr?: string;
  /** when absent: the nearest existing directory above it */
  ancestor?: string;
  /** with `listing`, for a directory: what is below it, folders and the rest apart */
  listing?: { directories: string[]; files: string[] };
}

// times with their nanoseconds, as Python's float st_mtime carries them
const STAT_FORMAT = 'stat:%F|%a|%U|%G|%s|%u|%g|%i|%d|%h|%.9X|%.9Y|%.9Z|%x|%y';

function oneCommand(request: FactsRequest, index: number): string {
  const parts = [sh`echo @@ ${index}; p=${request.path}`];
  if (request.follow) {
    parts.push(`if [ -L "$p" ]; then r=$(readlink -f -- "$p") && p=$r; printf 'real:%s\\n' "$p"; fi`);
  }
  const present = [`stat -c '${STAT_FORMAT}' -- "$p"`, `if [ -L "$p" ]; then printf 'link:%s\\n' "$(readlink -- "$p")"; fi`];
  if (request.checksum) {
    const tool = `${request.checksum}sum`;
    present.push(`if [ -f "$p" ]; then printf 'sum:%s\\n' "$(${tool} < "$p" | cut -d' ' -f1)"; fi`);
  }
  if (request.access) {
    present.push(`printf access:; [ -r "$p" ] && printf r; [ -w "$p" ] && printf w; [ -x "$p" ] && printf x; echo`);
  }
  if (request.mime) present.push(`printf 'mime:%s\\n' "$(file -b --mime -- "$p" 2>/dev/null)"`);
  if (request.listing) present.push(`if [ -d "$p" ] && [ ! -L "$p" ]; then echo listing:; find "$p" -mindepth 1 -printf 'entry:%y:%p\\n'; fi`);
  if (request.attributes) present.push(`if a=$(lsattr -d -- "$p" 2>/dev/null); then printf 'attr:%s\\n' "$a"; fi`);
  // the bytes come last: every line after `content:` is theirs
  if (request.content) present.push(`if [ -f "$p" ]; then echo content:; base64 < "$p"; fi`);
  const absent = `echo absent; a=$p; while [ ! -d "$a" ]; do a=$(dirname -- "$a"); done; printf 'ancestor:%s\\n' "$a"`;
  parts.push(`if [ -e "$p" ] || [ -L "$p" ]; then ${present.join('; ')}; else ${absent}; fi`);
  // A subshell keeps `p` out of a persistent shell the connection may reuse.
  return `( ${parts.join('; ')} )`;
}

/** One shell command that reports on every requested path. */
export function pathFactsCommand(requests: readonly FactsRequest[]): string {
  return requests.map(oneCommand).join('; ');
}

function typeOf(kind: string): FileStat['type'] {
  if (kind === 'regular file' || kind === 'regular empty file') return 'file';
  if (kind === 'directory') return 'directory';
  if (kind === 'symbolic link') return 'link';
  return 'other';
}

export function parseStatLine(line: string): PathStat {
  const f = line.split('|');
  const num = (i: number) => Number(f[i] ?? 0);
  const kind = f[0] ?? '';
  return {
    kind,
    type: typeOf(kind),
    mode: parseInt(f[1] ?? '0', 8),
    owner: f[2] ?? '',
    group: f[3] ?? '',
    size: num(4),
    uid: num(5),
    gid: num(6),
    inode: num(7),
    dev: num(8),
    nlink: num(9),
    atime: num(10),
    mtime: num(11),
    ctime: num(12),
    atimeText: f[13] ?? '',
    mtimeText: f[14] ?? '',
  };
}

/** Parses the output of pathFactsCommand for the same requests, in order. */
export function parsePathFacts(requests: readonly FactsRequest[], stdout: string): PathFacts[] {
  const sections = new Map<number, string[]>();
  let current: string[] | undefined;
  for (const line of stdout.split('\n')) {
    const head = /^@@ (\d+)$/.exec(line);
    if (head) {
      current = [];
      sections.set(Number(head[1]), current);
    } else current?.push(line);
  }
  return requests.map((request, index) => {
    const facts: PathFacts = { path: request.path, realPath: request.path, stat: null };
    const lines = sections.get(index);
    if (!lines) throw new Error(`no facts for ${request.path} in the probe's output`);
    let base64: string[] | undefined;
    for (const line of lines) {
      if (base64) base64.push(line);
      else if (line.startsWith('real:')) facts.realPath = line.slice(5);
      else if (line.startsWith('stat:')) facts.stat = parseStatLine(line.slice(5));
      else if (line.startsWith('link:')) facts.linkTarget = line.slice(5);
      else if (line.startsWith('sum:')) facts.checksum = line.slice(4);
      else if (line.startsWith('access:')) facts.access = line.slice(7);
      else if (line.startsWith('mime:')) facts.mime = line.slice(5);
      else if (line.startsWith('attr:')) facts.lsattr = line.slice(5);
      else if (line.startsWith('ancestor:')) facts.ancestor = line.slice(9);
      else if (line === 'listing:') facts.listing = { directories: [], files: [] };
      else if (line.startsWith('entry:') && facts.listing) {
        const entry = line.slice(8);
        (line[6] === 'd' ? facts.listing.directories : facts.listing.files).push(entry);
      }
      else if (line === 'content:') base64 = [];
    }
    if (base64) facts.content = Buffer.from(base64.join(''), 'base64');
    return facts;
  });
}

/**
 * The one stat probe: type, mode, owner, size, times and, as asked, a
 * checksum, the bytes and the access bits of each path, or for a missing one
 * the nearest folder above it. Every module that looks at files asks it.
 */
export const pathsFact = defineFact<readonly FactsRequest[], PathFacts[]>({
  name: 'paths',
  command: (requests) => pathFactsCommand(requests),
  parse(out, requests) {
    if (out.rc !== 0) throw new FactError(`probing ${requests.map((r) => r.path).join(', ')}: ${out.stderr.trim()}`, out.rc);
    return parsePathFacts(requests, out.stdout);
  },
  planned: (facts, state, requests) => facts.map((f, i) => plannedPathFacts(f, requests[i] as FactsRequest, state)),
});

/** One path's facts as they would be once the planned steps had run. */
export function plannedPathFacts(facts: PathFacts, request: FactsRequest, state: PlannedState): PathFacts {
  const planned = state.path(facts.realPath) ?? state.path(request.path);
  if (!planned) {
    if (facts.stat) return facts;
    const ancestor = state.ancestor(facts.realPath, facts.ancestor);
    return ancestor === undefined ? facts : { ...facts, ancestor };
  }
  if (planned.type === 'absent') {
    const { stat: _s, checksum: _c, content: _b, linkTarget: _l, access: _a, ...rest } = facts;
    // a path that exists has its folder above it
    const existing = facts.stat ? facts.realPath.replace(/\/[^/]*$/, '') || '/' : facts.ancestor;
    return { ...rest, stat: null, ancestor: state.ancestor(facts.realPath, existing) ?? '/' };
  }
  const out: PathFacts = { path: facts.path, realPath: facts.realPath, stat: plannedStat(planned, facts.stat) };
  if (planned.type === 'link' && planned.target !== undefined) out.linkTarget = planned.target;
  const content = planned.type === 'file' ? (planned.content ?? (facts.stat?.type === 'file' ? facts.content : undefined)) : undefined;
  if (request.checksum && planned.type === 'file') {
    const sum = planned.content ? createHash(request.checksum).update(planned.content).digest('hex') : facts.stat?.type === 'file' && !('content' in planned) ? facts.checksum : undefined;
    if (sum !== undefined) out.checksum = sum;
  }
  if (request.content && content) out.content = content;
  if (request.access) out.access = facts.access ?? 'rwx';
  return out;
}

function plannedStat(p: PlannedPath, was: PathStat | null): PathStat {
  const kind = p.type === 'directory' ? 'directory' : p.type === 'link' ? 'symbolic link' : 'regular file';
  const same = was && was.type === p.type ? was : undefined;
  const now = Math.floor(Date.now() / 1000);
  return {
    kind,
    type: p.type === 'absent' ? 'other' : p.type,
    mode: p.mode ?? same?.mode ?? (p.type === 'directory' ? 0o755 : 0o644),
    owner: p.owner ?? same?.owner ?? 'root',
    group: p.group ?? same?.group ?? 'root',
    size: p.content?.length ?? same?.size ?? 0,
    uid: same?.uid ?? 0,
    gid: same?.gid ?? 0,
    inode: same?.inode ?? 0,
    dev: same?.dev ?? 0,
    nlink: same?.nlink ?? 1,
    atime: same?.atime ?? now,
    mtime: same?.mtime ?? now,
    ctime: same?.ctime ?? now,
    atimeText: same?.atimeText ?? '',
    mtimeText: same?.mtimeText ?? '',
  };
}

/** The short stat the connection layer speaks of (HostContext.stat). */
export function fileStatOf(facts: PathFacts): FileStat | null {
  const s = facts.stat;
  if (!s) return null;
  const stat: FileStat = { exists: true, type: s.type, mode: s.mode, owner: s.owner, group: s.group, size: s.size };
  if (s.type === 'link' && facts.linkTarget !== undefined) stat.target = facts.linkTarget;
  return stat;
}

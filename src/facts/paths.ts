/**
 * Everything a file module needs to know about some paths, in one probe: the
 * no-op case of copy, template, lineinfile and file costs one round trip.
 * A command builder plus a pure parser, so the parser is tested from
 * captured output.
 */
import { ModuleError } from '../errors.js';
import { sh } from '../shell/quote.js';
import type { FileStat } from '../connection/types.js';

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
  /** when absent: the nearest existing directory above it */
  ancestor?: string;
}

const STAT_FORMAT = 'stat:%F|%a|%U|%G|%s|%u|%g|%i|%d|%h|%X|%Y|%Z|%x|%y';

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
      else if (line.startsWith('ancestor:')) facts.ancestor = line.slice(9);
      else if (line === 'content:') base64 = [];
    }
    if (base64) facts.content = Buffer.from(base64.join(''), 'base64');
    return facts;
  });
}

/** Runs the probe through `probe` (ctx.probe) and parses it. */
export async function probePaths(
  probe: (command: string) => Promise<{ rc: number; stdout: string; stderr: string }>,
  requests: readonly FactsRequest[],
): Promise<PathFacts[]> {
  const res = await probe(pathFactsCommand(requests));
  if (res.rc !== 0) throw new ModuleError(`probing ${requests.map((r) => r.path).join(', ')}: ${res.stderr.trim()}`, { rc: res.rc });
  return parsePathFacts(requests, res.stdout);
}

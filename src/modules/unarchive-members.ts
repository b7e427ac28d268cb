/**
 * What an archive puts where: selecting members as GNU tar does (include,
 * exclude, --strip-components), the host-side listing of a remote archive,
 * the probe of the files already in `dest`, and the comparison of the two.
 * Commands with pure parsers, so all of it is tested from captured output.
 */
import { raw, sh } from '../shell/quote.js';
import type { TarEntry, TarEntryType } from './tar-reader.js';

export interface Member {
  /** relative to dest, after --strip-components, without `./` or a trailing `/` */
  path: string;
  type: TarEntryType;
  sha256?: string;
  size?: number;
  linkTarget?: string;
}

export interface Selection {
  strip: number;
  include: readonly string[];
  exclude: readonly string[];
}

const trimSlashes = (s: string) => s.replace(/\/+$/, '');

/** GNU tar's member arguments: the exact name, or a folder and all below it. */
function included(name: string, include: readonly string[]): boolean {
  if (!include.length) return true;
  const n = trimSlashes(name);
  return include.some((i) => n === trimSlashes(i) || n.startsWith(`${trimSlashes(i)}/`));
}

/** GNU tar's --exclude: a wildcard that may match any run of whole components. */
function excluded(name: string, exclude: readonly string[]): boolean {
  if (!exclude.length) return false;
  const parts = trimSlashes(name).split('/');
  const patterns = exclude.map(globToRegExp);
  for (let i = 0; i < parts.length; i++) {
    for (let j = i + 1; j <= parts.length; j++) {
      const run = parts.slice(i, j).join('/');
      if (patterns.some((p) => p.test(run))) return true;
    }
  }
  return false;
}

function globToRegExp(glob: string): RegExp {
  let out = '';
  for (const ch of trimSlashes(glob)) {
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else out += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

export function stripName(name: string, strip: number): string | undefined {
  const parts = name.split('/');
  if (parts[parts.length - 1] === '') parts.pop();
  const kept = parts.slice(strip).filter((p, i) => !(i === 0 && p === '.') && p !== '');
  return kept.length && parts.length > strip ? kept.join('/') : undefined;
}

/** The members a `tar -x` with these options would write, in archive order. */
export function selectMembers(entries: readonly TarEntry[], sel: Selection): Member[] {
  const missing = sel.include.filter((i) => !entries.some((e) => included(e.name, [i])));
  if (missing.length) throw new Error(`not found in archive: ${missing.join(', ')}`);
  const out = new Map<string, Member>();
  for (const e of entries) {
    if (!included(e.name, sel.include) || excluded(e.name, sel.exclude)) continue;
    const path = stripName(e.name, sel.strip);
    if (path === undefined || path.split('/').includes('..')) continue;
    const member: Member = { path, type: e.type };
    if (e.sha256) member.sha256 = e.sha256;
    if (e.type === 'file') member.size = e.size;
    if (e.linkTarget !== undefined) member.linkTarget = e.linkTarget;
    out.set(path, member); // a later entry of the same name wins, as on extraction
  }
  return [...out.values()];
}

// ------------------------------------------------------- remote archives

const HASH_COMMAND = 'printf "%s\\t%s\\n" "$(sha256sum | cut -c1-64)" "$TAR_FILENAME"';

/**
 * Lists a remote archive with the same options as the extraction will use:
 * `tar -tv` for names and types, then a pass with `--to-command` that hashes
 * each regular file without writing anything (GNU tar).
 */
export function remoteListCommand(archive: string, tarOptions: readonly string[], include: readonly string[]): string {
  const opts = sh`${[...tarOptions]}`;
  const members = include.length ? sh` -- ${[...include]}` : '';
  return [
    sh`[ -f ${archive} ] || { echo @nosrc; exit 0; }`,
    'echo @list',
    sh`LC_ALL=C tar -tvf ${archive} ` + raw(opts).text + members + ' || echo "@fail $?"',
    'echo @hash',
    sh`tar -xf ${archive} ${`--to-command=${HASH_COMMAND}`} ` + raw(opts).text + members + ' || echo "@fail $?"',
  ].join('\n');
}

export type RemoteListing = { kind: 'nosrc' } | { kind: 'failed'; detail: string } | { kind: 'ok'; members: Member[] };

/** `tar -t` prints names as stored, while `--to-command` sees them stripped: both end up stripped. */
export function parseRemoteListing(stdout: string, stderr = '', strip = 0): RemoteListing {
  if (/^@nosrc$/m.test(stdout)) return { kind: 'nosrc' };
  if (/^@fail /m.test(stdout)) return { kind: 'failed', detail: stderr.trim() || stdout.trim() };
  const [, listPart = '', hashPart = ''] = stdout.split(/^@(?:list|hash)$/m);
  const hashes = new Map<string, string>();
  for (const line of hashPart.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab === 64) hashes.set(clean(line.slice(65)), line.slice(0, 64));
  }
  const members = new Map<string, Member>();
  for (const line of listPart.split('\n')) {
    const m = /^(\S)\S*\s+\S+\s+(\S+)\s+\S+\s+\S+\s(.*)$/.exec(line);
    if (!m) continue;
    const [, flag = '', size = '0', rest = ''] = m;
    const member = listedMember(flag, rest.replace(/\\\\/g, '\\'), Number(size), hashes, strip);
    if (member && member.path !== '' && member.path !== '.') members.set(member.path, member);
  }
  return { kind: 'ok', members: [...members.values()] };
}

function listedMember(flag: string, rest: string, size: number, hashes: Map<string, string>, strip: number): Member | undefined {
  const clean = (name: string) => stripName(name, strip) ?? '';
  if (flag === 'l') {
    const [name = '', target = ''] = rest.split(' -> ');
    return { path: clean(name), type: 'symlink', linkTarget: target };
  }
  if (flag === 'h' || rest.includes(' link to ')) {
    const [name = '', target = ''] = rest.split(' link to ');
    const sha = hashes.get(clean(target));
    return { path: clean(name), type: 'hardlink', linkTarget: target, ...(sha ? { sha256: sha } : {}) };
  }
  if (flag === 'd') return { path: clean(rest), type: 'dir' };
  if (flag === '-') {
    const sha = hashes.get(clean(rest));
    return { path: clean(rest), type: 'file', size, ...(sha ? { sha256: sha } : {}) };
  }
  return { path: clean(rest), type: 'other' };
}

const clean = (name: string) => trimSlashes(name).replace(/^\.\//, '');

// ------------------------------------------------------------- dest side

export { destProbeCommand, parseDestProbe, type DestEntry } from '../facts/archive-dest.js';

/**
 * Ansible host patterns, the text of `hosts:` and `--limit`: `etcd`,
 * `etcd:kube_master` (union), `etcd:&kube_master` (intersection),
 * `all:!kube_node` (exclusion), `192.168.1.*`, `~node0[1-3]`, `etcd[0]`.
 */
import { InventoryError } from '../errors.js';

/** The names Ansible answers with an implicit local host when the inventory lacks them. */
export const LOCALHOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/**
 * Splits a pattern into its parts as Ansible does: on ',' when there is
 * one, else on ':' outside brackets, except that an IPv6 address stays whole.
 */
export function splitPattern(pattern: string | readonly string[]): string[] {
  if (typeof pattern !== 'string') return pattern.flatMap((p) => splitPattern(p));
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (/^[!&]?(?:[0-9a-fA-F]*:){2,}[0-9a-fA-F.]*$/.test(pattern.trim())) parts = [pattern];
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/**
 * Unions first, then intersections, then exclusions, whatever order they
 * were written in; a pattern made only of `&`/`!` parts starts from 'all'.
 */
export function orderPatternParts(parts: readonly string[]): string[] {
  const regular = parts.filter((p) => p[0] !== '&' && p[0] !== '!');
  const intersections = parts.filter((p) => p[0] === '&');
  const exclusions = parts.filter((p) => p[0] === '!');
  const ordered = [...regular, ...intersections, ...exclusions];
  if (regular.length === 0 && ordered.length > 0) ordered.unshift('all');
  return ordered;
}

/** True for parts that may match many names, which Ansible also tries against host names. */
export function isWildcard(part: string): boolean {
  return part.startsWith('~') || /[.?*[]/.test(part);
}

/** A name test for one part: `~regex` (anchored at the start, as Python's re.match) or a glob. */
export function nameMatcher(part: string): (name: string) => boolean {
  if (part.startsWith('~')) {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${part.slice(1)})`);
    } catch (err) {
      throw new InventoryError(`invalid regular expression in host pattern '${part}'`, undefined, { cause: err });
    }
    return (name) => re.test(name);
  }
  if (!/[?*[]/.test(part)) return (name) => name === part;
  const re = new RegExp(`^${globToRegExp(part)}$`, 's');
  return (name) => re.test(name);
}

/** Python's fnmatch.translate: `*`, `?`, `[seq]` and `[!seq]`; an unclosed `[` is literal. */
function globToRegExp(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) {
        out += '\\[';
        continue;
      }
      let set = glob.slice(i + 1, j).replace(/\\/g, '\\\\');
      if (set.startsWith('!')) set = `^${set.slice(1)}`;
      else if (set.startsWith('^') || set.startsWith('[')) set = `\\${set}`;
      out += `[${set}]`;
      i = j;
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}

export interface Subscript {
  start: number;
  /** inclusive, as Ansible's `etcd[0:1]` is the first two hosts; absent for `[n:]` */
  end?: number;
  range: boolean;
}

/** `etcd[0]`, `etcd[-1]`, `etcd[0:1]`, `etcd[1:]`; none for `~regex` parts. */
export function splitSubscript(part: string): { expr: string; subscript?: Subscript } {
  if (part.startsWith('~')) return { expr: part };
  const m = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/.exec(part);
  if (!m) return { expr: part };
  if (m[2] !== undefined) return { expr: m[1]!, subscript: { start: Number(m[2]), range: false } };
  const subscript: Subscript = { start: Number(m[3]), range: true };
  if (m[5] !== '') subscript.end = Number(m[5]);
  return { expr: m[1]!, subscript };
}

export function applySubscript(hosts: string[], subscript: Subscript | undefined, part: string): string[] {
  // Ansible subscripts only a pattern that matched hosts: an empty group stays empty, and the play is skipped
  if (!subscript || hosts.length === 0) return hosts;
  if (!subscript.range) {
    const index = subscript.start < 0 ? hosts.length + subscript.start : subscript.start;
    const host = hosts[index];
    if (host === undefined) throw new InventoryError(`no hosts matched the subscripted pattern '${part}'`);
    return [host];
  }
  const end = subscript.end === undefined ? hosts.length : subscript.end + 1;
  return hosts.slice(subscript.start, end);
}

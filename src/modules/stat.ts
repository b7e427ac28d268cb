/**
 * `stat`: facts about a path in Ansible's `stat` shape, for `when:`
 * conditions. Never changes anything; one probe.
 */
import { ModuleError } from '../errors.js';
import { pathsFact, type ChecksumAlgorithm, type FactsRequest, type PathFacts } from '../facts/paths.js';
import { defineModule } from './types.js';
import { formatMode } from '../shell/mode.js';

export interface StatArgs {
  path: string;
  follow: boolean;
  get_checksum: boolean;
  get_attributes: boolean;
  get_mime: boolean;
  checksum_algorithm: ChecksumAlgorithm;
}

/** The `stat` dictionary Ansible registers, from the probe's facts. */
export function ansibleStat(facts: PathFacts): Record<string, unknown> {
  const s = facts.stat;
  if (!s) return { exists: false };
  const bit = (mask: number) => (s.mode & mask) !== 0;
  const out: Record<string, unknown> = {
    exists: true,
    path: facts.path,
    mode: formatMode(s.mode & 0o7777),
    isdir: s.type === 'directory',
    isreg: s.type === 'file',
    islnk: s.type === 'link',
    ischr: s.kind === 'character special file',
    isblk: s.kind === 'block special file',
    isfifo: s.kind === 'fifo',
    issock: s.kind === 'socket',
    uid: s.uid,
    gid: s.gid,
    pw_name: s.owner,
    gr_name: s.group,
    size: s.size,
    inode: s.inode,
    dev: s.dev,
    nlink: s.nlink,
    atime: s.atime,
    mtime: s.mtime,
    ctime: s.ctime,
    wusr: bit(0o200),
    rusr: bit(0o400),
    xusr: bit(0o100),
    wgrp: bit(0o20),
    rgrp: bit(0o40),
    xgrp: bit(0o10),
    woth: bit(0o2),
    roth: bit(0o4),
    xoth: bit(0o1),
    isuid: bit(0o4000),
    isgid: bit(0o2000),
  };
  if (facts.access !== undefined) {
    out.readable = facts.access.includes('r');
    out.writeable = facts.access.includes('w');
    out.executable = facts.access.includes('x');
  }
  if (s.type === 'link') {
    out.lnk_target = facts.linkTarget ?? '';
    out.lnk_source = facts.linkTarget ?? '';
  }
  if (facts.checksum !== undefined) out.checksum = facts.checksum;
  return out;
}

export const statModule = defineModule<StatArgs>({
  name: 'stat',
  summary: 'Read facts about a path (exists, type, mode, owner, checksum)',
  description:
    'Registers `stat` with Ansible\'s fields: exists, path, mode (a string such as "0644"), isdir, isreg, islnk, ' +
    'pw_name, gr_name, uid, gid, size, times, permission bits, readable/writeable/executable, lnk_target for links, ' +
    'and checksum for regular files. Never reports a change.',
  args: {
    path: { type: 'path', required: true, aliases: ['dest', 'name'], description: 'The path to look at.' },
    follow: { type: 'bool', default: false, description: 'Describe the target of a symlink instead of the link.' },
    get_checksum: { type: 'bool', default: true, description: 'Compute the checksum of a regular file.' },
    get_attributes: {
      type: 'bool',
      default: true,
      description: 'Also register `attributes` and `attr_flags` from `lsattr`, where the file system has them (read in the same probe).',
    },
    get_mime: {
      type: 'bool',
      default: true,
      description: 'Also register `mimetype` and `charset` from `file --mime` (`unknown` where `file` is missing; read in the same probe).',
    },
    checksum_algorithm: {
      type: 'str',
      default: 'sha1',
      aliases: ['checksum', 'checksum_algo'],
      choices: ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'],
      description: 'The checksum algorithm (sha1, as Ansible, unless told otherwise).',
    },
  },
  async plan(ctx, args) {
    const request: FactsRequest = {
      path: args.path,
      follow: args.follow,
      checksum: args.get_checksum ? args.checksum_algorithm : false,
      access: true,
      mime: args.get_mime,
      attributes: args.get_attributes,
    };
    const [facts] = await ctx.gather(pathsFact, [request]);
    if (!facts) throw new ModuleError(`stat ${args.path}: no answer`);
    // With follow, Ansible reports the path asked for, with the target's attributes.
    const stat = ansibleStat({ ...facts, path: args.path });
    // lsattr has nothing to say about some file systems (tmpfs, overlay): no attributes then, as Ansible
    if (args.get_attributes && facts.lsattr !== undefined) Object.assign(stat, parseLsattr(facts.lsattr));
    if (args.get_mime && facts.stat) Object.assign(stat, parseMime(facts.mime ?? ''));
    return { changed: false, result: { stat } };
  },
});

const ATTRIBUTE_NAMES: Record<string, string> = {
  a: 'append', A: 'noatime', c: 'compressed', C: 'nocow', d: 'nodump', D: 'dirsync', e: 'extents', E: 'encrypted',
  F: 'casefold', i: 'immutable', I: 'indexed', j: 'journalled', m: 'dontcompress', N: 'inline_data', P: 'projinherit',
  s: 'securedeletion', S: 'synchronous', t: 'notail', T: 'topdir', u: 'undelete', V: 'verity', x: 'dax',
};

/** `lsattr -d` output (`--------------e------- /path`) as Ansible's attr_flags and attributes. */
export function parseLsattr(stdout: string): { attr_flags: string; attributes: string[] } {
  const flags = (stdout.trim().split(/\s+/)[0] ?? '').replaceAll('-', '');
  return { attr_flags: flags, attributes: [...flags].map((f) => ATTRIBUTE_NAMES[f] ?? f) };
}

/** `file -b --mime` output (`text/plain; charset=us-ascii`) as Ansible's mimetype and charset; `unknown` when there is none. */
export function parseMime(stdout: string): { mimetype: string; charset: string } {
  const [type, ...params] = stdout.trim().split(';').map((p) => p.trim());
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length);
  return { mimetype: type || 'unknown', charset: charset || 'unknown' };
}

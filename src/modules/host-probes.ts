/**
 * Facts about files, each a command plus a pure parser, so parsers are
 * tested from captured output.
 */
import { sh } from '../shell/quote.js';
import type { FileStat } from '../connection/types.js';

/** One line `type|mode|owner|group|size|target`, or `absent`. GNU stat. */
export function statCommand(path: string): string {
  return sh`if [ -e ${path} ] || [ -L ${path} ]; then stat -c '%F|%a|%U|%G|%s' -- ${path}; readlink -- ${path} || true; else echo absent; fi`;
}

export function parseStat(stdout: string): FileStat | null {
  const [line = '', target = ''] = stdout.split('\n');
  if (line.trim() === 'absent' || line.trim() === '') return null;
  const [kind = '', mode = '0', owner = '', group = '', size = '0'] = line.split('|');
  const type: FileStat['type'] =
    kind === 'regular file' || kind === 'regular empty file'
      ? 'file'
      : kind === 'directory'
        ? 'directory'
        : kind === 'symbolic link'
          ? 'link'
          : 'other';
  const stat: FileStat = { exists: true, type, mode: parseInt(mode, 8), owner, group, size: Number(size) };
  if (type === 'link') stat.target = target.trim();
  return stat;
}

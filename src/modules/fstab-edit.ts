/** Pure editing of fstab: one entry per mount point, fields separated by blanks, spaces written as \040. */
import type { EditResult } from './line-edits.js';

export interface FstabEntry {
  src: string;
  path: string;
  fstype: string;
  opts: string;
  dump: string;
  passno: string;
}

const escape = (field: string) => field.replace(/\\/g, '\\134').replace(/ /g, '\\040').replace(/\t/g, '\\011');
const unescape = (field: string) => field.replace(/\\(\d{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));

export function fstabLine(e: FstabEntry): string {
  return [e.src, e.path, e.fstype, e.opts, e.dump, e.passno].map(escape).join(' ');
}

/** The entry for `path`, as fstab has it; undefined when none. */
export function findFstabEntry(text: string, path: string): FstabEntry | undefined {
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (line.trim().startsWith('#') || fields.length < 2 || unescape(fields[1] as string) !== path) continue;
    const [src = '', , fstype = '', opts = 'defaults', dump = '0', passno = '0'] = fields.map(unescape);
    return { src, path, fstype, opts, dump, passno };
  }
  return undefined;
}

/** Sets the entry of `entry.path` (kept in place when there is one) or, with undefined, removes it. */
export function editFstab(text: string, path: string, entry: FstabEntry | undefined): EditResult {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const isEntry = (line: string) => {
    const fields = line.trim().split(/\s+/);
    return !line.trim().startsWith('#') && fields.length >= 2 && unescape(fields[1] as string) === path;
  };
  const out: string[] = [];
  let placed = false;
  for (const line of lines) {
    if (!isEntry(line)) out.push(line);
    else if (entry && !placed) {
      const same = JSON.stringify(findFstabEntry(line, path)) === JSON.stringify(entry);
      out.push(same ? line : fstabLine(entry));
      placed = true;
    }
  }
  if (entry && !placed) out.push(fstabLine(entry));
  const next = out.length ? `${out.join('\n')}\n` : '';
  return { text: next, changed: next !== text, msg: '' };
}

/**
 * A minimal reader for ustar, GNU and pax tar archives (gzipped or not), so
 * unarchive can say in check mode exactly which files a controller-side
 * tarball would change, without extracting it anywhere. Pure: bytes in,
 * entries out.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

export type TarEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface TarEntry {
  /** the name as stored in the archive (`./etcd-v3.4/etcd`, `etcd-v3.4/`) */
  name: string;
  type: TarEntryType;
  mode: number;
  size: number;
  /** seconds since the epoch */
  mtime: number;
  /** for symlinks and hardlinks */
  linkTarget?: string;
  /** of the content, for files (and hardlinks, from the file they link to) */
  sha256?: string;
}

const BLOCK = 512;

/** Unpacks gzip when the bytes start with its magic number; rejects other compressions by name. */
export function tarBytes(archive: Buffer): Buffer {
  if (archive[0] === 0x1f && archive[1] === 0x8b) return gunzipSync(archive);
  if (archive.subarray(0, 3).toString('latin1') === 'BZh') throw new Error('bzip2 archives can only be read on the host (remote_src: true)');
  if (archive.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) {
    throw new Error('xz archives can only be read on the host (remote_src: true)');
  }
  if (archive.subarray(0, 4).toString('latin1') === 'PK\u0003\u0004') throw new Error('zip archives are not supported; use a tar archive');
  return archive;
}

export function readTar(archive: Buffer): TarEntry[] {
  const data = tarBytes(archive);
  const entries: TarEntry[] = [];
  const shaByName = new Map<string, string>();
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  let offset = 0;
  while (offset + BLOCK <= data.length) {
    const header = data.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    checkHeader(header, offset);
    const typeflag = String.fromCharCode(header[156] ?? 0);
    const size = pax.size !== undefined ? Number(pax.size) : readNumber(header, 124, 12);
    const body = data.subarray(offset + BLOCK, offset + BLOCK + size);
    if (body.length < size) throw new Error(`tar: entry at byte ${offset} is truncated`);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;

    if (typeflag === 'L') longName = cString(body);
    else if (typeflag === 'K') longLink = cString(body);
    else if (typeflag === 'x') pax = parsePax(body);
    else if (typeflag !== 'g') {
      const magic = cString(header.subarray(257, 263));
      const prefix = magic === 'ustar' ? cString(header.subarray(345, 500)) : '';
      const stored = cString(header.subarray(0, 100));
      const name = pax.path ?? longName ?? (prefix ? `${prefix}/${stored}` : stored);
      const link = pax.linkpath ?? longLink ?? cString(header.subarray(157, 257));
      const entry: TarEntry = {
        name,
        type: entryType(typeflag),
        mode: readNumber(header, 100, 8) & 0o7777,
        size: typeflag === '0' || typeflag === '\0' || typeflag === '7' ? size : 0,
        mtime: pax.mtime !== undefined ? Math.floor(Number(pax.mtime)) : readNumber(header, 136, 12),
      };
      if (entry.type === 'file') {
        entry.sha256 = createHash('sha256').update(body).digest('hex');
        shaByName.set(name, entry.sha256);
      } else if (entry.type === 'symlink' || entry.type === 'hardlink') {
        entry.linkTarget = link;
        const linked = entry.type === 'hardlink' ? shaByName.get(link) : undefined;
        if (linked) entry.sha256 = linked;
      }
      entries.push(entry);
      longName = undefined;
      longLink = undefined;
      pax = {};
    }
  }
  return entries;
}

function entryType(flag: string): TarEntryType {
  if (flag === '0' || flag === '\0' || flag === '7') return 'file';
  if (flag === '5') return 'dir';
  if (flag === '2') return 'symlink';
  if (flag === '1') return 'hardlink';
  return 'other';
}

/** The header checksum: the sum of its bytes with the checksum field read as spaces. */
function checkHeader(header: Buffer, offset: number): void {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
  const stored = readNumber(header, 148, 8);
  if (stored !== sum) throw new Error(`tar: bad header checksum at byte ${offset} (not a tar archive?)`);
}

/** Octal text, or GNU's base-256 for values that do not fit (high bit of the first byte set). */
export function readNumber(header: Buffer, start: number, length: number): number {
  const field = header.subarray(start, start + length);
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = (field[0] ?? 0) & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  const text = cString(field).trim();
  return text ? parseInt(text, 8) : 0;
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8');
}

/** pax records: `<length> <key>=<value>\n`, the length counting the whole record. */
export function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    if (space === -1) break;
    const length = Number(body.subarray(pos, space).toString('latin1'));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = body.subarray(space + 1, pos + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += length;
  }
  return out;
}

/**
 * A minimal reader for ustar, GNU and pax tar archives (gzipped or not), so
 * unarchive can say in check mode exactly which files a controller-side
 * tarball would change, without extracting it anywhere. The bytes are
 * parsed as they stream in: gzip is undone by zlib on the threadpool and
 * each file's sha256 is fed chunk by chunk, so reading a large archive never
 * holds the event loop for long nor the whole archive in memory.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

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

/** What the controller can read: plain tar, or tar inside gzip. */
export type Compression = 'gzip' | 'none';

const BLOCK = 512;
/** GNU long names and pax headers are kept in memory; anything bigger is not a real one. */
const MAX_META_BODY = 1024 * 1024;
const READ_CHUNK = 256 * 1024;

/** The compression the first bytes announce; throws for the ones only the host can read. */
export function compressionOf(head: Buffer): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.subarray(0, 3).toString('latin1') === 'BZh') throw new Error('bzip2 archives can only be read on the host (remote_src: true)');
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) {
    throw new Error('xz archives can only be read on the host (remote_src: true)');
  }
  if (head.subarray(0, 4).toString('latin1') === 'PK\u0003\u0004') throw new Error('zip archives are not supported; use a tar archive');
  return 'none';
}

/** The entry whose body is passing through the parser. */
interface Current {
  offset: number;
  remaining: number;
  padding: number;
  /** what the body is for: a member's hash, a metadata record, or nothing */
  use: { kind: 'hash'; entry: TarEntry; hash: Hash } | { kind: 'meta'; flag: string; parts: Buffer[] } | { kind: 'skip' };
}

/**
 * Parses tar bytes pushed in chunks of any size. `end()` returns the
 * entries in archive order, or throws for a truncated archive.
 */
export class TarParser {
  private readonly entries: TarEntry[] = [];
  private readonly shaByName = new Map<string, string>();
  private longName: string | undefined;
  private longLink: string | undefined;
  private pax: Record<string, string> = {};
  private header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  private current: Current | undefined;
  /** where the next header starts */
  private offset = 0;
  private done = false;

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length && !this.done) {
      const cur = this.current;
      if (!cur) {
        const take = Math.min(BLOCK - this.headerFill, chunk.length - pos);
        chunk.copy(this.header, this.headerFill, pos, pos + take);
        this.headerFill += take;
        pos += take;
        if (this.headerFill === BLOCK) {
          this.headerFill = 0;
          this.onHeader(this.header);
        }
      } else if (cur.remaining > 0) {
        const take = Math.min(cur.remaining, chunk.length - pos);
        const part = chunk.subarray(pos, pos + take);
        if (cur.use.kind === 'hash') cur.use.hash.update(part);
        else if (cur.use.kind === 'meta') cur.use.parts.push(Buffer.from(part));
        cur.remaining -= take;
        pos += take;
        if (cur.remaining === 0) this.onBody(cur);
      } else {
        const take = Math.min(cur.padding, chunk.length - pos);
        cur.padding -= take;
        pos += take;
      }
      if (this.current && this.current.remaining === 0 && this.current.padding === 0) this.current = undefined;
    }
  }

  end(): TarEntry[] {
    const cur = this.current;
    if (cur && cur.remaining > 0) throw new Error(`tar: entry at byte ${cur.offset} is truncated`);
    if (!this.done && this.headerFill > 0) throw new Error(`tar: the archive ends inside a header at byte ${this.offset}`);
    return this.entries;
  }

  private onHeader(header: Buffer): void {
    if (header.every((b) => b === 0)) {
      this.done = true;
      return;
    }
    const offset = this.offset;
    checkHeader(header, offset);
    const typeflag = String.fromCharCode(header[156] ?? 0);
    const size = this.pax.size !== undefined ? Number(this.pax.size) : readNumber(header, 124, 12);
    if (!Number.isSafeInteger(size) || size < 0) throw new Error(`tar: bad size in the header at byte ${offset}`);
    const padding = Math.ceil(size / BLOCK) * BLOCK - size;
    this.offset += BLOCK + size + padding;

    let use: Current['use'] = { kind: 'skip' };
    if (typeflag === 'L' || typeflag === 'K' || typeflag === 'x') {
      if (size > MAX_META_BODY) throw new Error(`tar: metadata entry at byte ${offset} is too large (${size} bytes)`);
      use = { kind: 'meta', flag: typeflag, parts: [] };
    } else if (typeflag !== 'g') {
      const entry = this.entryFrom(header, typeflag, size);
      if (entry.type === 'file') use = { kind: 'hash', entry, hash: createHash('sha256') };
      else this.entries.push(entry);
    }
    const cur: Current = { offset, remaining: size, padding, use };
    if (size === 0) this.onBody(cur);
    this.current = size === 0 && padding === 0 ? undefined : cur;
  }

  private entryFrom(header: Buffer, typeflag: string, size: number): TarEntry {
    const magic = cString(header.subarray(257, 263));
    const prefix = magic === 'ustar' ? cString(header.subarray(345, 500)) : '';
    const stored = cString(header.subarray(0, 100));
    const name = this.pax.path ?? this.longName ?? (prefix ? `${prefix}/${stored}` : stored);
    const link = this.pax.linkpath ?? this.longLink ?? cString(header.subarray(157, 257));
    const entry: TarEntry = {
      name,
      type: entryType(typeflag),
      mode: readNumber(header, 100, 8) & 0o7777,
      size: typeflag === '0' || typeflag === '\0' || typeflag === '7' ? size : 0,
      mtime: this.pax.mtime !== undefined ? Math.floor(Number(this.pax.mtime)) : readNumber(header, 136, 12),
    };
    if (entry.type === 'symlink' || entry.type === 'hardlink') {
      entry.linkTarget = link;
      const linked = entry.type === 'hardlink' ? this.shaByName.get(link) : undefined;
      if (linked) entry.sha256 = linked;
    }
    this.longName = undefined;
    this.longLink = undefined;
    this.pax = {};
    return entry;
  }

  private onBody(cur: Current): void {
    const use = cur.use;
    if (use.kind === 'hash') {
      use.entry.sha256 = use.hash.digest('hex');
      this.shaByName.set(use.entry.name, use.entry.sha256);
      this.entries.push(use.entry);
    } else if (use.kind === 'meta') {
      const body = Buffer.concat(use.parts);
      if (use.flag === 'L') this.longName = cString(body);
      else if (use.flag === 'K') this.longLink = cString(body);
      else this.pax = parsePax(body);
    }
  }
}

/** Feeds a stream of tar bytes (gzipped or not) to a parser; the gunzip runs on the threadpool. */
async function parseStream(source: Readable, compression: Compression): Promise<TarEntry[]> {
  const parser = new TarParser();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      try {
        parser.push(chunk);
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
  if (compression === 'gzip') await pipeline(source, createGunzip({ chunkSize: READ_CHUNK }), sink);
  else await pipeline(source, sink);
  return parser.end();
}

/** Entries of an archive held in memory. */
export function readTar(archive: Buffer): Promise<TarEntry[]> {
  const compression = compressionOf(archive);
  const chunks = Array.from({ length: Math.ceil(archive.length / READ_CHUNK) }, (_, i) =>
    archive.subarray(i * READ_CHUNK, (i + 1) * READ_CHUNK),
  );
  return parseStream(Readable.from(chunks), compression);
}

/** Entries of an archive on the controller, streamed from disk, and how it is compressed. */
export async function readTarFile(file: string): Promise<{ compression: Compression; entries: TarEntry[] }> {
  const handle = await fs.open(file, 'r');
  let head: Buffer;
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(6), 0, 6, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const compression = compressionOf(head);
  const entries = await parseStream(createReadStream(file, { highWaterMark: READ_CHUNK }), compression);
  return { compression, entries };
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

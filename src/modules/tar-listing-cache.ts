/**
 * The member listing of a controller-side archive (names, types, sizes,
 * modes, sha256), kept so that planning the same tarball again does not
 * decompress it again:
 *
 * - in this process: one parse per archive, however many hosts plan with it
 *   at once;
 * - across runs: a JSON file in `<download cache>/tar-listings/`, keyed by
 *   the archive's absolute path, size, mtime and inode, so a changed or
 *   replaced archive is read afresh. An entry that cannot be read or does
 *   not describe that very file is ignored and written again; failing to
 *   write one costs nothing but the next run's time.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { defaultCacheDir } from './download-cache.js';
import { readTarFile, type Compression, type TarEntry, type TarEntryType } from './tar-reader.js';

export interface ArchiveListing {
  compression: Compression;
  entries: TarEntry[];
}

/** Where the listing came from: this process, the disk cache, or reading the archive. */
export type ListingSource = 'memory' | 'disk' | 'archive';

/** Bump when the reader's output changes, so older entries are not trusted. */
const FORMAT = 1;

/** `$EZPLAY_CACHE_DIR/tar-listings`, else beside the downloads in the user's cache. */
export function listingCacheDir(): string {
  return path.join(defaultCacheDir(), 'tar-listings');
}

interface Identity {
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

interface StoredListing extends Identity, ArchiveListing {
  format: number;
}

const identityOf = (file: string, st: Stats): Identity => ({ path: file, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino });

function keyOf(id: Identity): string {
  return createHash('sha256')
    .update(JSON.stringify([FORMAT, id.path, id.size, id.mtimeMs, id.ino]))
    .digest('hex')
    .slice(0, 32);
}

const memo = new Map<string, Promise<ArchiveListing>>();

/** Forgets what this process has read (tests). */
export function clearListingMemo(): void {
  memo.clear();
}

/** The listing of `file`, from memory, the disk cache, or the archive itself. */
export async function archiveListing(file: string, cacheDir = listingCacheDir()): Promise<ArchiveListing & { source: ListingSource }> {
  const abs = path.resolve(file);
  const id = identityOf(abs, await fs.stat(abs));
  const key = keyOf(id);
  const known = memo.get(`${cacheDir}\0${key}`);
  if (known) return { ...(await known), source: 'memory' };
  let source: ListingSource = 'disk';
  const pending = (async () => {
    const cached = await readStored(cacheDir, key, id);
    if (cached) return cached;
    source = 'archive';
    const listing = await readTarFile(abs);
    // A file rewritten while it was read must not be remembered under its old identity.
    const after = await fs.stat(abs).catch(() => undefined);
    if (after && keyOf(identityOf(abs, after)) === key) await writeStored(cacheDir, key, { format: FORMAT, ...id, ...listing });
    return listing;
  })();
  memo.set(`${cacheDir}\0${key}`, pending);
  pending.catch(() => memo.delete(`${cacheDir}\0${key}`));
  return { ...(await pending), source };
}

async function readStored(dir: string, key: string, id: Identity): Promise<ArchiveListing | undefined> {
  let data: unknown;
  try {
    data = JSON.parse(await fs.readFile(path.join(dir, `${key}.json`), 'utf8'));
  } catch {
    return undefined;
  }
  if (!isStored(data)) return undefined;
  if (data.format !== FORMAT || data.path !== id.path || data.size !== id.size || data.mtimeMs !== id.mtimeMs || data.ino !== id.ino) {
    return undefined;
  }
  return { compression: data.compression, entries: data.entries };
}

async function writeStored(dir: string, key: string, stored: StoredListing): Promise<void> {
  const final = path.join(dir, `${key}.json`);
  const tmp = `${final}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    await fs.writeFile(tmp, JSON.stringify(stored), { mode: 0o600 });
    await fs.rename(tmp, final);
  } catch {
    await fs.rm(tmp, { force: true }).catch(() => {});
  }
}

const TYPES = new Set<TarEntryType>(['file', 'dir', 'symlink', 'hardlink', 'other']);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function isEntry(e: unknown): e is TarEntry {
  if (typeof e !== 'object' || e === null) return false;
  const r = e as Record<string, unknown>;
  return (
    typeof r.name === 'string' &&
    TYPES.has(r.type as TarEntryType) &&
    isNumber(r.mode) &&
    isNumber(r.size) &&
    isNumber(r.mtime) &&
    (r.linkTarget === undefined || typeof r.linkTarget === 'string') &&
    (r.sha256 === undefined || (typeof r.sha256 === 'string' && /^[0-9a-f]{64}$/.test(r.sha256))) &&
    (r.type !== 'file' || r.sha256 !== undefined)
  );
}

function isStored(data: unknown): data is StoredListing {
  if (typeof data !== 'object' || data === null) return false;
  const r = data as Record<string, unknown>;
  return (
    isNumber(r.format) &&
    typeof r.path === 'string' &&
    isNumber(r.size) &&
    isNumber(r.mtimeMs) &&
    isNumber(r.ino) &&
    (r.compression === 'gzip' || r.compression === 'none') &&
    Array.isArray(r.entries) &&
    r.entries.every(isEntry)
  );
}

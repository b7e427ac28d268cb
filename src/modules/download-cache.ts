/**
 * The controller's download cache for get_url. Hosts often cannot reach the
 * internet, and a run against 100 hosts should fetch etcd's tarball once,
 * not 100 times: the file lands here at plan time (the cache is not a
 * change to any host) and is pushed to each host by a `put` step.
 *
 * - Keyed by url + expected checksum: `<cache>/<key>-<basename>`.
 * - In one process, concurrent requests for the same key share one promise.
 * - Across processes, each download goes to its own temporary file and is
 *   renamed into place, so two runs never see a half-written file.
 * - An entry is reused across runs only when a checksum was given (and it
 *   still matches); without one, each run downloads afresh, as Ansible does.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { downloadText, downloadTo, type DownloadOptions } from './download-transport.js';

export interface CachedFile {
  path: string;
  sha256: string;
  size: number;
  /** true when the file was already on disk from an earlier run */
  fromCache: boolean;
}

export class ChecksumMismatchError extends Error {
  constructor(
    readonly url: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`checksum mismatch for ${url}: expected sha256 ${expected}, got sha256 ${actual}`);
  }
}

/** `$EZPLAY_CACHE_DIR`, else `$XDG_CACHE_HOME/ezplay/downloads`, else `~/.cache/ezplay/downloads`. */
export function defaultCacheDir(): string {
  if (process.env.EZPLAY_CACHE_DIR) return process.env.EZPLAY_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'ezplay', 'downloads');
}

export function cacheKey(url: string, sha256: string | undefined): string {
  return createHash('sha256').update(`${url}\n${sha256 ?? ''}`).digest('hex').slice(0, 24);
}

export async function sha256File(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(
    createReadStream(file),
    new Writable({
      write(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        done();
      },
    }),
  );
  return { sha256: hash.digest('hex'), size };
}

export class DownloadCache {
  private readonly inFlight = new Map<string, Promise<CachedFile>>();
  private readonly texts = new Map<string, Promise<string>>();
  /** how many network (or file://) transfers this cache has made; for tests and logs */
  downloads = 0;

  constructor(readonly dir: string = defaultCacheDir()) {}

  /** The file for `url`, verified against `sha256` when given. */
  get(url: string, sha256: string | undefined, options: DownloadOptions): Promise<CachedFile> {
    const key = cacheKey(url, sha256);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fill(key, url, sha256, options);
      this.inFlight.set(key, pending);
      // A failure must not stick: the next task may fix the URL or the network.
      pending.catch(() => this.inFlight.delete(key));
    }
    return pending;
  }

  /** A small text document (a checksums file), fetched once per run. */
  text(url: string, options: DownloadOptions): Promise<string> {
    let pending = this.texts.get(url);
    if (!pending) {
      this.downloads += 1;
      pending = downloadText(url, options);
      this.texts.set(url, pending);
      pending.catch(() => this.texts.delete(url));
    }
    return pending;
  }

  private async fill(key: string, url: string, sha256: string | undefined, options: DownloadOptions): Promise<CachedFile> {
    const base = path.posix.basename(new URL(url).pathname) || 'download';
    const final = path.join(this.dir, `${key}-${base}`);
    if (sha256) {
      const existing = await sha256File(final).catch(() => undefined);
      if (existing?.sha256 === sha256) return { path: final, ...existing, fromCache: true };
    }
    await fs.mkdir(this.dir, { recursive: true });
    const tmp = `${final}.part-${process.pid}-${randomBytes(4).toString('hex')}`;
    const hash = createHash('sha256');
    let size = 0;
    const file = createWriteStream(tmp, { mode: 0o644 });
    const tee = new Writable({
      write(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        file.write(chunk, done);
      },
      final(done) {
        file.end(done);
      },
    });
    try {
      this.downloads += 1;
      await downloadTo(url, tee, options);
      const actual = hash.digest('hex');
      if (sha256 && actual !== sha256) throw new ChecksumMismatchError(url, sha256, actual);
      await fs.rename(tmp, final);
      return { path: final, sha256: actual, size, fromCache: false };
    } catch (error) {
      file.destroy();
      await fs.rm(tmp, { force: true });
      throw error;
    }
  }
}

let shared: DownloadCache | undefined;

/** The process-wide cache, so all hosts of a run share downloads. */
export function sharedDownloadCache(): DownloadCache {
  shared ??= new DownloadCache();
  return shared;
}

/** For tests and embedding: use another cache (another folder) from now on. */
export function setSharedDownloadCache(cache: DownloadCache): void {
  shared = cache;
}

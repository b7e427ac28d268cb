/**
 * get_url's `checksum` argument: `sha256:<hex>` or `sha256:<url of a
 * checksums file>`, and the parser for such files (sha256sum's
 * `HEX  name` / `HEX *name` lines, and BSD's `SHA256 (name) = HEX`).
 */
import path from 'node:path';

export type ChecksumSpec = { sha256: string } | { checksumsUrl: string };

const HEX64 = /^[0-9a-f]{64}$/i;

export function parseChecksumArg(value: string): ChecksumSpec {
  const match = /^([a-z0-9]+):(.+)$/i.exec(value.trim());
  if (!match) throw new Error(`checksum '${value}' must look like 'sha256:<hex>' or 'sha256:<url>'`);
  const algorithm = (match[1] ?? '').toLowerCase();
  const rest = (match[2] ?? '').trim();
  if (algorithm !== 'sha256') throw new Error(`checksum algorithm '${algorithm}' is not supported (use sha256)`);
  if (HEX64.test(rest)) return { sha256: rest.toLowerCase() };
  if (/^(https?|file):\/\//i.test(rest)) return { checksumsUrl: rest };
  throw new Error(`checksum '${value}': expected 64 hex digits or an http(s)/file URL after 'sha256:'`);
}

/**
 * The hash for `filename` in a checksums file. A file holding one bare hash
 * (etcd's `*.sha256` files) answers for any name.
 */
export function pickChecksum(text: string, filename: string): string | undefined {
  const entries: Array<{ hash: string; name: string }> = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const bsd = /^SHA256 \((.+)\) = ([0-9a-f]{64})$/i.exec(line);
    if (bsd) {
      entries.push({ hash: bsd[2] as string, name: bsd[1] as string });
      continue;
    }
    const gnu = /^([0-9a-f]{64})(?:\s+\*?(.*))?$/i.exec(line);
    if (gnu) entries.push({ hash: gnu[1] as string, name: (gnu[2] ?? '').trim() });
  }
  const exact = entries.find((e) => e.name === filename || e.name === `./${filename}`);
  const byBase = exact ?? entries.find((e) => e.name && path.posix.basename(e.name) === filename);
  if (byBase) return byBase.hash.toLowerCase();
  const bare = entries.filter((e) => e.name === '');
  if (entries.length === 1 && bare.length === 1) return (bare[0] as { hash: string }).hash.toLowerCase();
  return undefined;
}

/** The last path segment of a URL: the name a checksums file lists it under. */
export function urlBasename(url: string): string {
  return decodeURIComponent(path.posix.basename(new URL(url).pathname));
}

/** 21.3 MB, 812 kB, 40 B: decimal units like etcdctl and curl print. */
export function humanSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 'B';
  for (const u of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = u;
  }
  return `${value.toFixed(1)} ${unit}`;
}

export function shortSha(sha: string): string {
  return `${sha.slice(0, 12)}…`;
}

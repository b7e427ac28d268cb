/**
 * known_hosts files as OpenSSH reads them: plain and hashed (`|1|salt|hash`)
 * host patterns, `[host]:port` for non-standard ports, negation, wildcards and
 * the `@revoked` marker. Pure parsing and matching; reading and appending the
 * files is kept to the two small functions at the end.
 */
import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface KnownHostEntry {
  file: string;
  line: number;
  marker: 'revoked' | 'cert-authority' | undefined;
  /** the host field as written: patterns separated by commas, or one hashed name */
  hosts: string;
  keyType: string;
  /** base64 of the public key blob */
  key: string;
}

export type HostKeyVerdict =
  | { status: 'known'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry }
  /** `entry`: the recorded key of the offered type if any, else the first; `recorded`: every key known for the host */
  | { status: 'changed'; entry: KnownHostEntry; recorded: KnownHostEntry[] }
  | { status: 'unknown' };

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0]?.startsWith('@')) {
      const name = fields.shift();
      if (name === '@revoked') marker = 'revoked';
      else if (name === '@cert-authority') marker = 'cert-authority';
      else return; // an unknown marker: OpenSSH ignores the line too
    }
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key) return;
    entries.push({ file, line: index + 1, marker, hosts, keyType, key });
  });
  return entries;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostKeyName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** OpenSSH's glob: `*` any run, `?` one character; whole-string, case-insensitive. */
function globMatch(pattern: string, text: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(text);
}

function hashedMatch(field: string, name: string): boolean {
  const parts = field.split('|'); // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2] ?? '', 'base64');
  const digest = createHmac('sha1', salt).update(name).digest('base64');
  return digest === parts[3];
}

/** Whether an entry's host field names `name` (already in `[host]:port` form). */
export function hostsFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|')) return hashedMatch(hosts, name);
  let matched = false;
  for (const raw of hosts.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = negated ? raw.slice(1) : raw;
    if (!globMatch(pattern, name)) continue;
    if (negated) return false; // a negated match wins over any positive one
    matched = true;
  }
  return matched;
}

/** known_hosts records `ssh-rsa` for RSA keys whatever signature hash was negotiated. */
export function keyTypeOfBlob(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** SHA256:base64-without-padding, the form `ssh-keygen -l` and ssh print. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export function fingerprintOfEntry(entry: KnownHostEntry): string {
  return fingerprint(Buffer.from(entry.key, 'base64'));
}

/**
 * Judges a presented host key against every entry: revoked beats everything,
 * a recorded identical key is known; a host with recorded keys that offers
 * another one (of the same type or not) has a changed key, as OpenSSH's
 * accept-new judges it: a server now offering RSA where ed25519 was recorded
 * is not a new host. Only a host with no recorded key is unknown.
 */
export function verifyHostKey(entries: KnownHostEntry[], names: string[], blob: Buffer): HostKeyVerdict {
  const keyB64 = blob.toString('base64');
  const keyType = keyTypeOfBlob(blob);
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key === keyB64);
  if (revoked) return { status: 'revoked', entry: revoked };
  const forHost = entries.filter((e) => e.marker === undefined && names.some((n) => hostsFieldMatches(e.hosts, n)));
  const same = forHost.find((e) => e.key === keyB64);
  if (same) return { status: 'known', entry: same };
  if (forHost.length === 0) return { status: 'unknown' };
  const sameType = forHost.find((e) => e.keyType === keyType);
  return { status: 'changed', entry: sameType ?? (forHost[0] as KnownHostEntry), recorded: forHost };
}

/** Key types recorded for these names, so the server is asked for one of them first. */
export function recordedKeyTypes(entries: KnownHostEntry[], names: string[]): string[] {
  const types = entries
    .filter((e) => e.marker === undefined && names.some((n) => hostsFieldMatches(e.hosts, n)))
    .map((e) => e.keyType);
  return [...new Set(types)];
}

export async function readKnownHostsFiles(files: string[]): Promise<KnownHostEntry[]> {
  const all: KnownHostEntry[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue; // a missing known_hosts file simply knows no hosts
    }
    all.push(...parseKnownHosts(text, file));
  }
  return all;
}

/** Appends one plain (unhashed) entry, starting on a fresh line. */
export async function appendKnownHost(file: string, name: string, blob: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  let prefix = '';
  try {
    const existing = await readFile(file, 'utf8');
    if (existing.length > 0 && !existing.endsWith('\n')) prefix = '\n';
  } catch {
    // a new file
  }
  const line = `${prefix}${name} ${keyTypeOfBlob(blob)} ${blob.toString('base64')}\n`;
  await appendFile(file, line, { mode: 0o600 });
}

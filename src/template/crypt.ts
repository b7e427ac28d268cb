/**
 * crypt(3) password hashes as glibc writes them, for `password_hash`:
 * SHA-512 (`$6$`) and SHA-256 (`$5$`) by Ulrich Drepper's public
 * specification, and MD5 (`$1$`) as FreeBSD's md5crypt. Ansible hashes with
 * passlib or Python's crypt module; both give these exact strings, and the
 * rounds are only written when they differ from the default 5000.
 */
import { createHash, randomInt } from 'node:crypto';

const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export type CryptScheme = 'sha512_crypt' | 'sha256_crypt' | 'md5_crypt';

interface SchemeInfo {
  id: string;
  saltSize: number;
  hash?: 'sha256' | 'sha512';
}

export const CRYPT_SCHEMES: Record<CryptScheme, SchemeInfo> = {
  sha512_crypt: { id: '6', saltSize: 16, hash: 'sha512' },
  sha256_crypt: { id: '5', saltSize: 16, hash: 'sha256' },
  md5_crypt: { id: '1', saltSize: 8 },
};

const DEFAULT_ROUNDS = 5000;

/** `value` as `chars` crypt base-64 digits, least significant first. */
function to64(value: number, chars: number): string {
  let out = '';
  for (let i = 0; i < chars; i++) {
    out += ALPHABET[value & 0x3f];
    value >>>= 6;
  }
  return out;
}

function encodeGroups(digest: Buffer, groups: number[][]): string {
  return groups
    .map((g) => {
      const value = g.reduce((acc, index) => acc * 256 + digest[index]!, 0);
      return to64(value, g.length + 1);
    })
    .join('');
}

/** Byte triples of the SHA-crypt output: [k, k+n, k+2n] rotated by k mod 3 (SHA-256 right, SHA-512 left), then the leftovers. */
function shaGroups(size: 32 | 64): number[][] {
  const step = size === 64 ? 21 : 10;
  const groups: number[][] = [];
  for (let k = 0; k < step; k++) {
    const triple = [k, k + step, k + 2 * step];
    const r = size === 64 ? k % 3 : (3 - (k % 3)) % 3;
    groups.push([...triple.slice(r), ...triple.slice(0, r)]);
  }
  groups.push(size === 64 ? [63] : [31, 30]);
  return groups;
}

function repeatTo(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = block[i % block.length]!;
  return out;
}

function shaCrypt(algorithm: 'sha256' | 'sha512', password: Buffer, salt: Buffer, rounds: number): string {
  const h = (...parts: Buffer[]) => {
    const hash = createHash(algorithm);
    for (const p of parts) hash.update(p);
    return hash.digest();
  };
  const size = algorithm === 'sha512' ? 64 : 32;
  const b = h(password, salt, password);
  const a = createHash(algorithm).update(password).update(salt).update(repeatTo(b, password.length));
  for (let n = password.length; n > 0; n >>= 1) a.update(n & 1 ? b : password);
  let c = a.digest();
  const p = repeatTo(h(...Array<Buffer>(password.length).fill(password)), password.length);
  const s = repeatTo(h(...Array<Buffer>(16 + c[0]!).fill(salt)), salt.length);
  for (let i = 0; i < rounds; i++) {
    const round = createHash(algorithm);
    round.update(i & 1 ? p : c);
    if (i % 3) round.update(s);
    if (i % 7) round.update(p);
    round.update(i & 1 ? c : p);
    c = round.digest();
  }
  return encodeGroups(c, shaGroups(size));
}

function md5Crypt(password: Buffer, salt: Buffer): string {
  const magic = Buffer.from('$1$');
  const alt = createHash('md5').update(password).update(salt).update(password).digest();
  const ctx = createHash('md5').update(password).update(magic).update(salt);
  for (let left = password.length; left > 0; left -= 16) ctx.update(alt.subarray(0, Math.min(16, left)));
  for (let n = password.length; n; n >>= 1) ctx.update(n & 1 ? Buffer.from([0]) : password.subarray(0, 1));
  let final = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const round = createHash('md5');
    round.update(i & 1 ? password : final);
    if (i % 3) round.update(salt);
    if (i % 7) round.update(password);
    round.update(i & 1 ? final : password);
    final = round.digest();
  }
  return encodeGroups(final, [[0, 6, 12], [1, 7, 13], [2, 8, 14], [3, 9, 15], [4, 10, 5], [11]]);
}

export function randomSalt(size: number): string {
  let out = '';
  for (let i = 0; i < size; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** `$id$[rounds=N$]salt$hash`. The salt is cut to the scheme's size, as crypt does. */
export function cryptHash(scheme: CryptScheme, password: string, salt: string, rounds?: number): string {
  const info = CRYPT_SCHEMES[scheme];
  const saltText = salt.slice(0, info.saltSize);
  const pw = Buffer.from(password, 'utf8');
  const saltBytes = Buffer.from(saltText, 'utf8');
  if (!info.hash) return `$1$${saltText}$${md5Crypt(pw, saltBytes)}`;
  const explicit = rounds !== undefined && rounds !== DEFAULT_ROUNDS;
  const n = explicit ? Math.min(Math.max(Math.trunc(rounds), 1000), 999999999) : DEFAULT_ROUNDS;
  const digest = shaCrypt(info.hash, pw, saltBytes, n);
  return `$${info.id}$${explicit ? `rounds=${n}$` : ''}${saltText}$${digest}`;
}

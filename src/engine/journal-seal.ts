/**
 * Secrets in the run journal are sealed, never written in clear: the undo of
 * a `no_log` task (its `rollback:` command) and undo steps that carry a
 * file's bytes (a fetched file's old local copy, a replaced private key).
 * They are encrypted with AES-256-GCM under a key made for the run and kept
 * beside the journal in `secret.key` (0600); deleting the key forgets them.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Step } from '../modules/types.js';

const KEY_FILE = 'secret.key';

/** Whether an undo holds something the journal must not keep in clear. */
export function needsSeal(undo: readonly Step[] | undefined, noLog: boolean): boolean {
  if (!undo?.length) return false;
  if (noLog) return true;
  return undo.some((s) => s.secret === true || (s.kind === 'put' && !('localPath' in s.content)));
}

/** The run's key, made on first use (exclusively, so two writers never make two). */
export function runKey(dir: string, create: boolean): Buffer | undefined {
  const file = path.join(dir, KEY_FILE);
  try {
    return readFileSync(file);
  } catch {
    if (!create) return undefined;
  }
  const key = randomBytes(32);
  try {
    writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
    return key;
  } catch {
    return readFileSync(file); // made meanwhile
  }
}

export function seal(key: Buffer, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

export function unseal(key: Buffer, sealed: string): unknown {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'));
}

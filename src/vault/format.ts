/**
 * Ansible Vault's text format, version 1.1 and 1.2 with AES256: what
 * `ansible-vault encrypt` writes and what `!vault` values hold.
 *
 *   $ANSIBLE_VAULT;1.1;AES256            (1.2 adds ";<vault id>")
 *   <hex of: hex(salt) \n hex(hmac) \n hex(ciphertext)>, in lines of 80
 *
 * The keys come from PBKDF2-HMAC-SHA256 of the password over a 32-byte
 * salt, 10000 rounds, 80 bytes: the AES-256 key, the HMAC-SHA256 key and the
 * 16-byte CTR counter block. The plaintext is PKCS#7-padded before AES-CTR;
 * the HMAC covers the ciphertext.
 */
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const VAULT_HEADER = '$ANSIBLE_VAULT';
const ROUNDS = 10000;
const KEY_BYTES = 32;
const IV_BYTES = 16;
const BLOCK = 16;

/** Anything wrong with a vault: a bad envelope, no secret, no secret that decrypts. */
export class VaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VaultError';
  }
}

/** One password and the vault id it was given under (`default` without one). */
export interface VaultSecret {
  id: string;
  password: Buffer;
}

export interface VaultEnvelope {
  version: string;
  cipher: string;
  /** the id in a 1.2 header, else undefined */
  vaultId: string | undefined;
  /** the hex body, line breaks removed */
  body: string;
}

/** Whether text (or bytes) starts as vault data does. */
export function isVaultText(data: string | Buffer): boolean {
  const head = typeof data === 'string' ? data.slice(0, VAULT_HEADER.length) : data.subarray(0, VAULT_HEADER.length).toString('latin1');
  return head === VAULT_HEADER;
}

/** The header and body of vault text; `where` names the file in errors. */
export function parseEnvelope(text: string, where?: string): VaultEnvelope {
  const lines = text.trim().split(/\r?\n/);
  const header = (lines[0] ?? '').trim().split(';').map((part) => part.trim());
  const suffix = where ? ` in ${where}` : '';
  if (header[0] !== VAULT_HEADER || header.length < 3) {
    throw new VaultError(`Vault envelope format error${suffix}: the first line is not a vault header ($ANSIBLE_VAULT;1.1;AES256)`);
  }
  const body = lines
    .slice(1)
    .map((line) => line.trim())
    .join('');
  return { version: header[1] as string, cipher: header[2] as string, vaultId: header.length >= 4 ? header[3] : undefined, body };
}

function unhex(text: string, what: string): Buffer {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new VaultError(`Vault format unhexlify error: ${what} is not even-length hex`);
  return Buffer.from(text, 'hex');
}

function deriveKeys(password: Buffer, salt: Buffer): { key: Buffer; hmacKey: Buffer; iv: Buffer } {
  const material = pbkdf2Sync(password, salt, ROUNDS, 2 * KEY_BYTES + IV_BYTES, 'sha256');
  return { key: material.subarray(0, KEY_BYTES), hmacKey: material.subarray(KEY_BYTES, 2 * KEY_BYTES), iv: material.subarray(2 * KEY_BYTES) };
}

function pad(data: Buffer): Buffer {
  const n = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

function unpad(data: Buffer): Buffer | undefined {
  const n = data.at(-1);
  if (n === undefined || n < 1 || n > BLOCK || n > data.length) return undefined;
  for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) return undefined;
  return data.subarray(0, data.length - n);
}

/**
 * Encrypts bytes to vault text. A vault id other than `default` gives a 1.2
 * header naming it. `salt`: for reproducible output in tests only.
 */
export function encryptVault(plaintext: Buffer | string, password: Buffer | string, options: { vaultId?: string; salt?: Buffer } = {}): string {
  const salt = options.salt ?? randomBytes(32);
  const { key, hmacKey, iv } = deriveKeys(Buffer.from(password), salt);
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  const ciphertext = Buffer.concat([cipher.update(pad(Buffer.from(plaintext))), cipher.final()]);
  const hmac = createHmac('sha256', hmacKey).update(ciphertext).digest('hex');
  const inner = Buffer.from([salt.toString('hex'), hmac, ciphertext.toString('hex')].join('\n'));
  const body = inner.toString('hex');
  const id = options.vaultId && options.vaultId !== 'default' ? options.vaultId : undefined;
  const header = id ? `${VAULT_HEADER};1.2;AES256;${id}` : `${VAULT_HEADER};1.1;AES256`;
  const lines = [header];
  for (let i = 0; i < body.length; i += 80) lines.push(body.slice(i, i + 80));
  return `${lines.join('\n')}\n`;
}

/** The plaintext of one envelope with one password, or undefined when the password is not the one (the HMAC differs). */
function decryptWith(envelope: VaultEnvelope, password: Buffer): Buffer | undefined {
  const inner = unhex(envelope.body, 'the vault body').toString('latin1');
  const first = inner.indexOf('\n');
  const second = first < 0 ? -1 : inner.indexOf('\n', first + 1);
  if (second < 0) throw new VaultError('Vault vaulttext format error: the body does not hold a salt, an HMAC and a ciphertext');
  const salt = unhex(inner.slice(0, first), 'the salt');
  const hmac = unhex(inner.slice(first + 1, second), 'the HMAC');
  const ciphertext = unhex(inner.slice(second + 1), 'the ciphertext');
  const { key, hmacKey, iv } = deriveKeys(password, salt);
  const expected = createHmac('sha256', hmacKey).update(ciphertext).digest();
  if (expected.length !== hmac.length || !timingSafeEqual(expected, hmac)) return undefined;
  const decipher = createDecipheriv('aes-256-ctr', key, iv);
  const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  const plain = unpad(padded);
  if (!plain) throw new VaultError('Vault format error: the decrypted data has no valid padding');
  return plain;
}

/**
 * Decrypts vault text with the first secret that fits: the one whose id the
 * header names first, then the others in the order given, as Ansible tries
 * them. `where` names the file (or value) in errors.
 */
export function decryptVault(text: string | Buffer, secrets: readonly VaultSecret[], where?: string): { plaintext: Buffer; vaultId: string } {
  const data = typeof text === 'string' ? text : text.toString('latin1');
  if (!isVaultText(data)) throw new VaultError(`input is not vault encrypted data${where ? `: ${where} is not a vault encrypted file` : ''}`);
  const envelope = parseEnvelope(data, where);
  if (envelope.cipher !== 'AES256') throw new VaultError(`${envelope.cipher} cipher could not be found`);
  if (!secrets.length) throw new VaultError('Attempting to decrypt but no vault secrets found');
  const ordered = envelope.vaultId
    ? [...secrets.filter((s) => s.id === envelope.vaultId), ...secrets.filter((s) => s.id !== envelope.vaultId)]
    : secrets;
  for (const secret of ordered) {
    const plaintext = decryptWith(envelope, secret.password);
    if (plaintext) return { plaintext, vaultId: secret.id };
  }
  throw new VaultError(`Decryption failed (no vault secrets were found that could decrypt)${where ? ` on ${where}` : ''}`);
}

/**
 * A `!vault` value: the vault text as written, decrypted only where the
 * value is used as text (a template prints it, a module receives it), so a
 * run that never uses it needs no password. Its JSON form is the vault text
 * (as Ansible prints one), never the secret.
 */
import { decryptVault, isVaultText, VaultError } from './format.js';
import { vaultSecrets } from './secrets.js';

const plain = new WeakMap<VaultText, string>();
let reads = 0;

/**
 * How many times any vault value was read as text in this process: a
 * caller compares it before and after rendering to know whether what it
 * rendered used a secret.
 */
export function vaultReads(): number {
  return reads;
}

export class VaultText {
  /** `where`: the file and line it was written at, for errors */
  constructor(
    readonly ciphertext: string,
    readonly where?: string,
  ) {}

  /** Whether the value holds vault data (what the `vault_encrypted` test asks, without decrypting). */
  get encrypted(): boolean {
    return isVaultText(this.ciphertext);
  }

  /** The decrypted text; a VaultError when no secret decrypts it. */
  get text(): string {
    reads++;
    let text = plain.get(this);
    if (text === undefined) {
      if (!this.encrypted) throw new VaultError(`input is not vault encrypted data${this.where ? ` (${this.where})` : ''}`);
      text = decryptVault(this.ciphertext, vaultSecrets(), this.where).plaintext.toString('utf8');
      plain.set(this, text);
    }
    return text;
  }

  toString(): string {
    return this.text;
  }

  toJSON(): { __ansible_vault: string } {
    return { __ansible_vault: this.ciphertext };
  }
}

/** The value with every VaultText inside it decrypted (lists and plain mappings copied where one was found). */
export function revealVaults(value: unknown, depth = 0): unknown {
  if (value instanceof VaultText) return value.text;
  if (depth > 50 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((item, i) => {
      const revealed = revealVaults(item, depth + 1);
      if (revealed !== item) (out ??= [...value])[i] = revealed;
    });
    return out ?? value;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const revealed = revealVaults(v, depth + 1);
    if (revealed !== v) (out ??= { ...(value as Record<string, unknown>) })[k] = revealed;
  }
  return out ?? value;
}

/** Whether a VaultText is anywhere inside the value. */
export function holdsVault(value: unknown, depth = 0): boolean {
  if (value instanceof VaultText) return true;
  if (depth > 50 || typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some((item) => holdsVault(item, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).some((v) => holdsVault(v, depth + 1));
}

export { VaultError };

/** Ansible Vault: the format, the run's secrets, and `!vault` values. */
export { decryptVault, encryptVault, isVaultText, parseEnvelope, VAULT_HEADER, VaultError, type VaultSecret } from './format.js';
export { collectVaultSecrets, parseVaultId, readVaultPasswordFile, useVaultSecrets, vaultSecrets } from './secrets.js';
export { holdsVault, revealVaults, vaultReads, VaultText } from './value.js';

import { closeSync, openSync, readSync } from 'node:fs';
import { decryptVault, isVaultText, VAULT_HEADER, VaultError } from './format.js';
import { vaultSecrets } from './secrets.js';

/**
 * A controller file's bytes as a module uses them (copy's and template's
 * src, the file lookup): decrypted when they are vault text, with the
 * run's secrets; other bytes as they are.
 */
export function decryptFileBytes(data: Buffer, file: string): Buffer {
  if (!isVaultText(data)) return data;
  if (!vaultSecrets().length) throw new VaultError(`A vault password or secret must be specified to decrypt ${file}`);
  return decryptVault(data, vaultSecrets(), file).plaintext;
}

/** Whether a controller file starts as vault data does (reads only its first bytes). */
export function isVaultFile(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(VAULT_HEADER.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && isVaultText(head);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

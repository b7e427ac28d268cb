/** Ansible Vault: the format, the run's secrets, and `!vault` values. */
export { decryptVault, encryptVault, isVaultText, parseEnvelope, VAULT_HEADER, VaultError, type VaultSecret } from './format.js';
export { collectVaultSecrets, parseVaultId, readVaultPasswordFile, useVaultSecrets, vaultSecrets } from './secrets.js';
export { holdsVault, revealVaults, VaultText } from './value.js';

import { decryptVault, isVaultText } from './format.js';
import { vaultSecrets } from './secrets.js';

/** A file's bytes, decrypted when they are vault text (with the run's secrets); other bytes as they are. */
export function decryptIfVault(data: Buffer, where: string): Buffer {
  return isVaultText(data) ? decryptVault(data, vaultSecrets(), where).plaintext : data;
}

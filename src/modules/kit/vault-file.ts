/** Controller files that are Ansible Vaults, as the modules that send them (copy, template) read them. */
import { ModuleError } from '../../errors.js';
import { decryptFileBytes, VaultError } from '../../vault/index.js';

/** A vaulted controller file's plaintext; no secret, or none that fits, fails the task. */
export function vaultFileBytes(bytes: Buffer, local: string): Buffer {
  try {
    return decryptFileBytes(bytes, local);
  } catch (error) {
    if (error instanceof VaultError) throw new ModuleError(error.message);
    throw error;
  }
}

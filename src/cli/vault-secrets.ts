/**
 * The run's vault passwords, from `--vault-id`, `--vault-password-file` and
 * `--ask-vault-pass` (or Ansible's ANSIBLE_VAULT_IDENTITY_LIST,
 * ANSIBLE_VAULT_PASSWORD_FILE and ANSIBLE_ASK_VAULT_PASS when no option
 * names one). They stay in memory; a bad source stops the run before
 * anything is loaded.
 */
import { OptionsError } from '../errors.js';
import { parseBoolean } from '../common/booleans.js';
import { collectVaultSecrets, useVaultSecrets, VaultError } from '../vault/index.js';
import { askSecret } from './ask-secret.js';

export interface VaultFlags {
  askVaultPass?: boolean;
  vaultPasswordFile?: string[];
  vaultId?: string[];
}

export async function useRunVaultSecrets(flags: VaultFlags, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const listed = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const vaultIds = flags.vaultId?.length ? flags.vaultId : listed(env.ANSIBLE_VAULT_IDENTITY_LIST);
  const passwordFiles = flags.vaultPasswordFile?.length ? flags.vaultPasswordFile : listed(env.ANSIBLE_VAULT_PASSWORD_FILE);
  const askVaultPass = flags.askVaultPass || parseBoolean(env.ANSIBLE_ASK_VAULT_PASS ?? '') === true;
  try {
    useVaultSecrets(await collectVaultSecrets({ vaultIds, passwordFiles, askVaultPass }, askSecret));
  } catch (error) {
    if (error instanceof VaultError) throw new OptionsError(error.message);
    throw error;
  }
}

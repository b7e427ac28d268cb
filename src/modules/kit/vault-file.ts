/** Controller files that are Ansible Vaults, as the modules that send them (copy, template) read them. */
import { ModuleError } from '../../errors.js';
import { decryptFileBytes, VaultError } from '../../vault/index.js';
import type { Plan } from '../types.js';

/** A vaulted controller file's plaintext; no secret, or none that fits, fails the task. */
export function vaultFileBytes(bytes: Buffer, local: string): Buffer {
  try {
    return decryptFileBytes(bytes, local);
  } catch (error) {
    if (error instanceof VaultError) throw new ModuleError(error.message);
    throw error;
  }
}

/**
 * A plan whose content came out of a vault: its diffs are shown redacted
 * and its uploads marked secret, as for a private key.
 */
export function sealedPlan(plan: Plan): Plan {
  return {
    ...plan,
    ...(plan.diff ? { diff: plan.diff.map((d) => ({ ...d, secret: true })) } : {}),
    ...(plan.steps ? { steps: plan.steps.map((s) => (s.kind === 'put' ? { ...s, secret: true } : s)) } : {}),
  };
}

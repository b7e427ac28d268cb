/**
 * Ansible's `vault` and `unvault` filters: text to vault text with a
 * password given in the template, and back. Their vault id defaults to
 * `filter_default` (so `vault` writes a 1.2 header naming it), as in Ansible.
 */
import { param, type CallArgs } from '../call-args.js';
import { isString, pyStr, typeName } from '../python-values.js';
import { TemplateRuntimeError } from '../undefined.js';
import { decryptVault, encryptVault, isVaultText, VaultError, VaultText } from '../../vault/index.js';
import { raw, type ImplTable } from './registry.js';

function password(call: CallArgs, index: number): string {
  const secret = param<unknown>(call, index, 'secret', undefined);
  if (!isString(secret)) throw new TemplateRuntimeError(`Secret passed is required to be a string, instead we got: ${typeName(secret)}`);
  return pyStr(secret);
}

function vault(value: unknown, call: CallArgs): unknown {
  const secret = password(call, 0);
  if (!isString(value)) throw new TemplateRuntimeError(`Can only vault strings, instead we got: ${typeName(value)}`);
  const salt = param<unknown>(call, 1, 'salt', null);
  const vaultId = pyStr(param<unknown>(call, 2, 'vaultid', 'filter_default'));
  const text = encryptVault(pyStr(value), secret, { vaultId, ...(salt !== null && salt !== undefined ? { salt: Buffer.from(pyStr(salt), 'utf8') } : {}) });
  return param<unknown>(call, 3, 'wrap_object', false) === true ? new VaultText(text) : text;
}

function unvault(value: unknown, call: CallArgs): string {
  const secret = password(call, 0);
  const vaultId = pyStr(param<unknown>(call, 1, 'vaultid', 'filter_default'));
  const sealed = value instanceof VaultText ? value.ciphertext : undefined;
  if (sealed === undefined && !isString(value)) throw new TemplateRuntimeError(`Vault should be in the form of a string, instead we got: ${typeName(value)}`);
  const text = sealed ?? pyStr(value);
  // text that is no vault comes back as it is
  if (!isVaultText(text)) return text;
  try {
    return decryptVault(text, [{ id: vaultId, password: Buffer.from(secret, 'utf8') }]).plaintext.toString('utf8');
  } catch (error) {
    if (error instanceof VaultError) throw new TemplateRuntimeError(`Unable to decrypt: ${error.message}`);
    throw error;
  }
}

export const vaultFilters: ImplTable = {
  vault,
  // sees a `!vault` value as it is: decrypted with the filter's own password, not the run's
  unvault: raw(unvault),
};

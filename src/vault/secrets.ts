/**
 * Where vault passwords come from, as ansible-playbook takes them:
 * `--vault-password-file FILE` and `--vault-id [label@]SOURCE` (a file, an
 * executable file whose stdout is the password, or `prompt`), and
 * `--ask-vault-pass`. The passwords stay in this process's memory: a
 * password script is run with no arguments, and nothing here prints one.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { VaultError, type VaultSecret } from './format.js';

/** `label@source` or `source`; a lone `prompt` or a label without `@` is Ansible's `default` id. */
export function parseVaultId(spec: string): { id: string; source: string } {
  const at = spec.indexOf('@');
  if (at < 0) return { id: 'default', source: spec };
  return { id: spec.slice(0, at) || 'default', source: spec.slice(at + 1) };
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function nonEmpty(password: Buffer, what: string): Buffer {
  if (!password.length) throw new VaultError(`Invalid vault password was provided from ${what}`);
  return password;
}

function stripBreaks(data: Buffer): Buffer {
  let start = 0;
  let end = data.length;
  const isBreak = (b: number | undefined) => b === 0x0a || b === 0x0d;
  while (start < end && isBreak(data[start])) start++;
  while (end > start && isBreak(data[end - 1])) end--;
  return data.subarray(start, end);
}

function stripSpace(data: Buffer): Buffer {
  return Buffer.from(data.toString('utf8').trim(), 'utf8');
}

/**
 * The password a file gives: its content without surrounding whitespace,
 * or, for an executable file, what it prints (run with no arguments, or
 * `--vault-id ID` for a script named `*-client`; its stderr left to the
 * terminal so it can prompt).
 */
export function readVaultPasswordFile(file: string, id = 'default'): VaultSecret {
  const path = resolve(file);
  if (!existsSync(path)) throw new VaultError(`The vault password file ${path} was not found`);
  if (executable(path)) {
    // a `NAME-client` script is asked for the id's password (`--vault-id ID`), as Ansible asks it
    const client = basename(path, extname(path)).endsWith('-client');
    let out: Buffer;
    try {
      out = execFileSync(path, client ? ['--vault-id', id] : [], { stdio: ['inherit', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
    } catch (error) {
      const status = (error as { status?: number }).status;
      throw new VaultError(
        status !== undefined && status !== null
          ? `Vault password script ${path} returned non-zero (${status})`
          : `Problem running vault password script ${path} (${(error as Error).message}). If this is not a script, remove the executable bit from the file.`,
      );
    }
    return { id, password: nonEmpty(stripBreaks(out), `script (${path})`) };
  }
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    throw new VaultError(`Could not read vault password file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return { id, password: nonEmpty(stripSpace(data), `file (${path})`) };
}

/**
 * The secrets of a run, in the order given: every `--vault-id`, then every
 * `--vault-password-file` (id `default`). `ask(prompt)` reads one typed
 * password, for `prompt` sources and `--ask-vault-pass`.
 */
export async function collectVaultSecrets(
  options: { vaultIds?: string[]; passwordFiles?: string[]; askVaultPass?: boolean },
  ask: (prompt: string) => Promise<string>,
): Promise<VaultSecret[]> {
  const secrets: VaultSecret[] = [];
  const prompted = async (id: string) => {
    const typed = (await ask(id === 'default' ? 'Vault password: ' : `Vault password (${id}): `)).trim();
    return { id, password: nonEmpty(Buffer.from(typed, 'utf8'), 'the prompt') };
  };
  if (options.askVaultPass) secrets.push(await prompted('default'));
  for (const spec of options.vaultIds ?? []) {
    const { id, source } = parseVaultId(spec);
    secrets.push(source === 'prompt' || source === 'prompt_ask_vault_pass' ? await prompted(id) : readVaultPasswordFile(source, id));
  }
  for (const file of options.passwordFiles ?? []) secrets.push(readVaultPasswordFile(file));
  return secrets;
}

let keyring: readonly VaultSecret[] = [];

/** Sets the secrets every vault value and file of this process decrypts with (the CLI does, once, before loading anything). */
export function useVaultSecrets(secrets: readonly VaultSecret[]): void {
  keyring = [...secrets];
}

/** The secrets set by useVaultSecrets (none by default). */
export function vaultSecrets(): readonly VaultSecret[] {
  return keyring;
}

/**
 * A file of variables (group_vars, host_vars, vars_files, -e @file): YAML
 * 1.1 holding one mapping, or such a file encrypted with ansible-vault. One
 * reader for all of them, so they agree on YAML's meanings, positions and
 * what is refused.
 */
import { readFileSync } from 'node:fs';
import { InventoryError, LoadError, type SourcePos } from '../errors.js';
import { parseYaml, posOf, vaultPlainText } from './yaml.js';

type VarsErrorClass = new (message: string, pos?: SourcePos, options?: { cause?: unknown }) => LoadError | InventoryError;

/** `kind`: the error the caller reports (group_vars and host_vars belong to the inventory). */
export function parseVarsFile(text: string, file: string, kind: VarsErrorClass = LoadError): Record<string, unknown> {
  text = vaultPlainText(text, file, kind);
  let value: unknown;
  try {
    value = parseYaml(text, file);
  } catch (error) {
    if (!(error instanceof LoadError) || kind === LoadError) throw error;
    const converted = new kind(error.message, error.pos, { cause: error });
    converted.excerpt = error.excerpt;
    throw converted;
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new kind(`variables file ${file} must be a mapping of variable names to values`, posOf(value) ?? { file, line: 1 });
  }
  return value as Record<string, unknown>;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new LoadError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file });
  }
}

export function readVarsFileSync(file: string): Record<string, unknown> {
  return parseVarsFile(readText(file), file);
}

/**
 * A play's `vars_files:` entry. Ansible accepts there, and only there, a
 * list of mappings as well, merged in order (a playbook named as its own
 * vars file is such a list: its plays' keywords become variables).
 */
export function parsePlayVarsFile(text: string, file: string): Record<string, unknown> {
  text = vaultPlainText(text, file);
  const value = parseYaml(text, file);
  if (!Array.isArray(value)) return parseVarsFile(text, file);
  const merged: Record<string, unknown> = {};
  for (const item of value) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new LoadError(`variables file ${file} must hold a mapping of variables or a list of mappings`, posOf(item) ?? posOf(value) ?? { file, line: 1 });
    }
    Object.assign(merged, item);
  }
  return merged;
}

export function readPlayVarsFileSync(file: string): Record<string, unknown> {
  return parsePlayVarsFile(readText(file), file);
}

/**
 * A file of variables (group_vars, host_vars, vars_files, -e @file): YAML
 * 1.1 holding one mapping. One reader for all of them, so they agree on
 * YAML's meanings, positions and what is refused.
 */
import { readFileSync } from 'node:fs';
import { InventoryError, LoadError, type SourcePos } from '../errors.js';
import { parseYaml, posOf } from './yaml.js';

type VarsErrorClass = new (message: string, pos?: SourcePos, options?: { cause?: unknown }) => LoadError | InventoryError;

/** `kind`: the error the caller reports (group_vars and host_vars belong to the inventory). */
export function parseVarsFile(text: string, file: string, kind: VarsErrorClass = LoadError): Record<string, unknown> {
  if (text.startsWith('$ANSIBLE_VAULT')) {
    throw new kind('Ansible Vault files are not supported; keep secrets in a file ezplay can read', { file, line: 1 });
  }
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

export function readVarsFileSync(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new LoadError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { file });
  }
  return parseVarsFile(text, file);
}

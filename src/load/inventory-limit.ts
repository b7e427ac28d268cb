/**
 * `--limit @file`: a file of host names, one per line (Ansible's retry
 * files), stands for those hosts. The result feeds Inventory.applyLimit.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InventoryError } from '../errors.js';
import { splitPattern } from '../inventory/patterns.js';

/** The limit's pattern parts, with each `@file` part replaced by the host names in the file. */
export async function expandLimit(limit: string | readonly string[], baseDir = process.cwd()): Promise<string[]> {
  const parts: string[] = [];
  for (const part of splitPattern(limit)) {
    if (!part.startsWith('@')) {
      parts.push(part);
      continue;
    }
    const file = resolve(baseDir, part.slice(1));
    const text = await readFile(file, 'utf8').catch((err: unknown) => {
      throw new InventoryError(`cannot read the --limit file '${file}'`, { file }, { cause: err });
    });
    parts.push(...text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')));
  }
  return parts;
}

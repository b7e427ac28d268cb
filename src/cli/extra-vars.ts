/** -e/--extra-vars: `k=v k2=v2`, JSON or YAML text, or `@file`. */
import { readFileSync } from 'node:fs';
import { OptionsError } from '../errors.js';
import { parseKeyValue } from '../common/kv.js';
import { parseYaml, vaultPlainText } from '../load/yaml.js';

export function parseExtraVars(values: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const value of values) {
    const text = value.trim();
    let parsed: unknown;
    if (text.startsWith('@')) {
      const file = text.slice(1);
      let content: string;
      try {
        content = readFileSync(file, 'utf8');
      } catch {
        throw new OptionsError(`--extra-vars: cannot read ${file}`);
      }
      parsed = parseYaml(vaultPlainText(content, file), file);
    } else if (text.startsWith('{')) {
      parsed = parseYaml(text, '--extra-vars');
    } else {
      try {
        parsed = parseKeyValue(text);
      } catch (error) {
        throw new OptionsError(`--extra-vars: ${(error as Error).message}`);
      }
    }
    if (parsed === null) continue;
    if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new OptionsError(`--extra-vars '${value}' is not a set of variables`);
    Object.assign(out, parsed);
  }
  return out;
}

/**
 * YAML 1.1 as PyYAML resolves it, because that is what Ansible users'
 * files were written against. The `yaml` package's 1.1 schema is close but
 * not the same, and the differences bite inventories:
 *
 * - it reads `e1` as NaN and `1e3` as 1000; PyYAML needs a dot and a signed
 *   exponent (`1.0e+3`), so host names like `e1` stay strings;
 * - it reads `y`/`n` as booleans; PyYAML only yes/no, true/false, on/off;
 * - it reads `09` as 9; PyYAML keeps it a string (not octal, not decimal);
 * - it turns dates into Date objects, which render unlike Python's dates;
 *   they stay the text written, which templates the same way.
 */
import type { DocumentOptions, ParseOptions, ScalarTag, SchemaOptions } from 'yaml';
import { VaultText } from '../vault/value.js';

type Tags = Exclude<NonNullable<SchemaOptions['customTags']>, (...args: never[]) => unknown>;

/** PyYAML's resolver pattern for a scalar tag, or null to not resolve it implicitly. */
function pyyamlTest(tag: ScalarTag): RegExp | null | undefined {
  switch (tag.tag) {
    case 'tag:yaml.org,2002:bool':
      return tag.identify?.(true)
        ? /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/
        : /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/;
    case 'tag:yaml.org,2002:int':
      return tag.format === undefined ? /^[-+]?(?:0|[1-9][0-9_]*)$/ : undefined;
    case 'tag:yaml.org,2002:float':
      if (tag.format === 'EXP') return /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*[eE][-+][0-9]+|\.[0-9_]+[eE][-+][0-9]+)$/;
      return tag.format === undefined && !tag.test?.source.includes('inf') ? /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9_]+)$/ : undefined;
    case 'tag:yaml.org,2002:timestamp':
      return null;
    default:
      return undefined;
  }
}

/**
 * Ansible's `!vault`: a scalar holding vault text, kept encrypted until it
 * is used (src/vault/value.ts).
 */
const VAULT_TAG: ScalarTag = {
  tag: '!vault',
  identify: (value) => value instanceof VaultText,
  resolve: (text) => new VaultText(text),
};

function pyyamlTags(tags: Tags): Tags {
  const out: Tags = [];
  for (const tag of tags) {
    if (typeof tag === 'string' || !('test' in tag) || !tag.test) {
      out.push(tag);
      continue;
    }
    const test = pyyamlTest(tag as ScalarTag);
    if (test === null) continue;
    out.push(test === undefined ? tag : { ...(tag as ScalarTag), test });
  }
  out.push(VAULT_TAG);
  return out;
}

export const ANSIBLE_YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: pyyamlTags,
};

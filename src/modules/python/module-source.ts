/**
 * What ezplay reads from a Python module's source without running it: its
 * DOCUMENTATION block (the arguments it takes), whether it declares check
 * mode support, and whether it imports `ansible.module_utils`. Pure text
 * reading; nothing here runs Python.
 */
import { parse } from 'yaml';
import type { ArgSchema } from '../types.js';

export interface ModuleSource {
  /** from DOCUMENTATION's options; undefined when there is none or it does not parse */
  args: ArgSchema | undefined;
  shortDescription: string | undefined;
  /** `supports_check_mode=True` given to AnsibleModule */
  supportsCheckMode: boolean;
  /** `from ansible.module_utils...` or `import ansible.module_utils...` */
  importsModuleUtils: boolean;
  /**
   * How Ansible hands it its arguments: `new` (it imports module_utils:
   * `{"ANSIBLE_MODULE_ARGS": ...}` on stdin), `jsonargs` (the JSON replaces
   * `<<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>>` in its source), `want_json` (a
   * JSON file named by argv[1]), `old` (a `key=value` file named by argv[1]).
   */
  style: ModuleStyle;
  /** the `#!` line's command, without `#!` */
  shebang: string | undefined;
}

export type ModuleStyle = 'new' | 'jsonargs' | 'want_json' | 'old';

export const JSONARGS_MARK = '<<INCLUDE_ANSIBLE_MODULE_JSON_ARGS>>';

/** The text of a top-level `NAME = '''...'''` (or `r"""..."""`) assignment. */
export function tripleQuoted(source: string, name: string): string | undefined {
  const start = new RegExp(`^${name}\\s*=\\s*[rRuU]?('''|""")`, 'm').exec(source);
  if (!start) return undefined;
  const quote = start[1] as string;
  const from = start.index + start[0].length;
  const end = source.indexOf(quote, from);
  return end < 0 ? undefined : source.slice(from, end);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The options of a DOCUMENTATION block as an argument schema. Values keep
 * the type `raw`: the module coerces its own arguments (its argument_spec
 * is the authority, and documentation often leaves types out), so what
 * ezplay checks before any host is contacted is the names and aliases.
 */
export function docOptions(doc: unknown): ArgSchema | undefined {
  if (!isRecord(doc)) return undefined;
  const options = doc.options ?? {};
  if (!isRecord(options)) return undefined;
  const args: ArgSchema = {};
  for (const [name, raw] of Object.entries(options)) {
    const option = isRecord(raw) ? raw : {};
    const text = Array.isArray(option.description) ? option.description.map(String).join(' ') : String(option.description ?? '');
    const aliases = Array.isArray(option.aliases) ? option.aliases.map(String) : [];
    args[name] = {
      type: 'raw',
      description: text.trim() || '(undocumented)',
      ...(aliases.length ? { aliases } : {}),
      ...(option.no_log === true ? { noLog: true } : {}),
    };
  }
  return args;
}

export function readModuleSource(source: string): ModuleSource {
  let doc: unknown;
  const text = tripleQuoted(source, 'DOCUMENTATION');
  try {
    doc = text === undefined ? undefined : parse(text);
  } catch {
    doc = undefined;
  }
  const importsModuleUtils = /^\s*(from\s+ansible\.module_utils[\s.]|import\s+ansible\.module_utils\b)/m.test(source);
  const short = isRecord(doc) && typeof doc.short_description === 'string' ? doc.short_description : undefined;
  return {
    args: docOptions(doc),
    shortDescription: short,
    supportsCheckMode: /supports_check_mode\s*=\s*True\b/.test(source),
    importsModuleUtils,
    style: importsModuleUtils ? 'new' : source.includes(JSONARGS_MARK) ? 'jsonargs' : source.includes('WANT_JSON') ? 'want_json' : 'old',
    shebang: source.startsWith('#!') ? (source.split('\n')[0] as string).slice(2).trim() : undefined,
  };
}

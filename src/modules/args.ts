/**
 * Validates a task's arguments against its module's schema: unknown names
 * are errors (with the closest suggestion), types are coerced the way
 * Ansible coerces them, defaults are filled in.
 */
import { closest } from 'fastest-levenshtein';
import { parseBoolean } from '../common/booleans.js';
import { LoadError, MissingArgumentsError, type SourcePos } from '../errors.js';
import type { ArgSchema, ArgSpec, ArgType } from './types.js';
import { checkSymbolicMode } from '../shell/mode.js';


/** Permission bits as Ansible reads them: YAML ints are already octal-parsed, strings are octal. */
export function parseMode(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  const s = String(value).trim();
  if (/^0?o?[0-7]{3,4}$/.test(s)) return parseInt(s.replace(/^0?o/, ''), 8);
  throw new Error(`'${s}' is not an octal mode such as '0644'`);
}

export function toBool(value: unknown): boolean {
  const b = parseBoolean(value);
  if (b !== undefined) return b;
  throw new Error(`'${String(value)}' is not a boolean (use yes/no or true/false)`);
}

function coerce(type: ArgType, value: unknown, elements?: ArgType): unknown {
  switch (type) {
    case 'str':
    case 'path':
      if (typeof value === 'object' && value !== null) throw new Error('expected a string');
      return String(value);
    case 'int': {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      if (!Number.isInteger(n)) throw new Error(`'${String(value)}' is not an integer`);
      return n;
    }
    case 'float': {
      const n = Number(value);
      if (Number.isNaN(n)) throw new Error(`'${String(value)}' is not a number`);
      return n;
    }
    case 'bool':
      return toBool(value);
    case 'mode':
      return parseMode(value);
    case 'symbolic_mode': {
      // octal as 'mode' reads it, else a symbolic mode kept as text, applied to what the path has
      if (typeof value === 'number' || /^\s*0?o?[0-7]{3,4}\s*$/.test(String(value))) return parseMode(value);
      const text = String(value).trim();
      try {
        checkSymbolicMode(text);
      } catch {
        throw new Error(`mode must be in octal or symbolic form ('${text}')`);
      }
      return text;
    }
    case 'list': {
      const list = Array.isArray(value) ? value : String(value).split(',').map((s) => s.trim()).filter(Boolean);
      return elements ? list.map((v) => coerce(elements, v)) : list;
    }
    case 'dict':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a mapping');
      return value;
    case 'raw':
      return value;
  }
}

function aliasIndex(schema: ArgSchema): Map<string, string> {
  const index = new Map<string, string>();
  for (const [name, spec] of Object.entries(schema)) {
    index.set(name, name);
    for (const alias of spec.aliases ?? []) index.set(alias, name);
  }
  return index;
}

/**
 * Returns the arguments with defaults filled in and values coerced.
 * `omit` is the sentinel of Ansible's `omit`: an argument with that value is dropped.
 * With `freeArgs` (the module's flag), names outside the schema pass through as given.
 */
export function validateArgs(
  moduleName: string,
  schema: ArgSchema,
  given: Record<string, unknown>,
  pos?: SourcePos,
  omit?: string,
  options: { freeArgs?: boolean | undefined } = {},
): Record<string, unknown> {
  const index = aliasIndex(schema);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    if (omit !== undefined && value === omit) continue;
    const name = index.get(key);
    if (!name && options.freeArgs) {
      out[key] = value;
      continue;
    }
    if (!name) {
      const hint = closest(key, [...index.keys()]);
      throw new LoadError(`${moduleName}: unsupported argument '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}`, pos);
    }
    const spec = schema[name] as ArgSpec;
    if (value === null || value === undefined) continue;
    try {
      out[name] = spec.keywords?.includes(String(value)) ? String(value) : coerce(spec.type, value, spec.elements);
    } catch (error) {
      throw new LoadError(`${moduleName}: argument '${key}': ${(error as Error).message}`, pos);
    }
    if (spec.choices && !spec.choices.includes(out[name])) {
      throw new LoadError(
        `${moduleName}: argument '${key}' must be one of ${spec.choices.join(', ')}, got '${String(value)}'`,
        pos,
      );
    }
  }
  const missing: string[] = [];
  for (const [name, spec] of Object.entries(schema)) {
    if (out[name] !== undefined) continue;
    if (spec.default !== undefined) out[name] = spec.default;
    else if (spec.required && spec.requiredMessage) throw new MissingArgumentsError(moduleName, [name], pos, spec.requiredMessage);
    else if (spec.required) missing.push(name);
  }
  if (missing.length) throw new MissingArgumentsError(moduleName, missing.sort(), pos);
  return out;
}

/** The names of arguments that hold secrets, for redaction. */
export function secretArgs(schema: ArgSchema): string[] {
  return Object.entries(schema)
    .filter(([, spec]) => spec.noLog)
    .map(([name]) => name);
}

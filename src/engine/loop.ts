/**
 * Loop keywords into item lists, as Ansible's `loop` and `with_*` lookups
 * produce them. The list-shaping lookups are pure; `with_first_found`,
 * `with_fileglob` and `with_inventory_hostnames` are the lookup plugins of
 * the same names (template/lookups), run through the LoopLookup given.
 */
import { LoopError, type SourcePos } from '../errors.js';
import { LOOKUP_LOOP_KINDS, type TaskNode } from '../load/model.js';
import { LIST_LOOKUPS } from '../template/list-lookups.js';

export type LoopKind = NonNullable<TaskNode['loopKind']>;

/** Runs a lookup plugin with the current variables: `with_fileglob: '*.conf'` is `query('fileglob', '*.conf')`. */
export type LoopLookup = (name: string, terms: unknown[]) => unknown[];

/** The folder first_found looks in for a task's module, as Ansible's task executor picks it. */
export function lookupSubdir(module: string): string {
  if (module.includes('template')) return 'templates';
  if (module.includes('var')) return 'vars';
  return 'files';
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** A with_ loop's terms as Ansible's listify leaves them: a list or a mapping as it is, anything else a list of itself. */
const listified = (v: unknown): unknown => (Array.isArray(v) || isRecord(v) ? v : [v]);

export function loopItems(kind: TaskNode['loopKind'], value: unknown, pos: SourcePos | undefined, lookup?: LoopLookup): unknown[] {
  if (value === undefined || value === null) return [];
  const fail = (msg: string): never => {
    throw new LoopError(msg, pos);
  };
  if (kind && (LOOKUP_LOOP_KINDS as readonly string[]).includes(kind)) {
    if (!lookup) return fail(`with_${kind} needs the lookup plugins`);
    return lookup(kind, asList(value));
  }
  if (kind === 'flattened') return flatten(asList(value));
  const listLookup = kind && kind !== 'loop' ? LIST_LOOKUPS[kind] : undefined;
  if (listLookup) {
    try {
      return listLookup(listified(value));
    } catch (error) {
      return fail((error as Error).message);
    }
  }
  if (typeof value === 'string') return fail(`loop expects a list, got the string '${value.slice(0, 60)}'`);
  if (!Array.isArray(value)) return fail('loop expects a list');
  return value;
}

/** with_flattened: every nested list opened, at any depth. */
export function flatten(list: unknown[]): unknown[] {
  return list.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]));
}

/**
 * Keywords flow from play to role to block to task: conditions and tags
 * accumulate, variables merge (inner wins), everything else is overridden
 * by the innermost level that sets it.
 */
import { LoadError, type SourcePos } from '../errors.js';
import { OmittableKeyword, type Inheritable, type RoleInfo } from './model.js';

export interface Scope extends Inheritable {
  role: RoleInfo | undefined;
}

export function emptyScope(): Scope {
  return { when: [], tags: [], vars: {}, role: undefined };
}

const SCALARS: Array<[keyof Inheritable, string]> = [
  ['become', 'become'],
  ['becomeUser', 'become_user'],
  ['remoteUser', 'remote_user'],
  ['noLog', 'no_log'],
  ['checkMode', 'check_mode'],
  ['diff', 'diff'],
  ['ignoreErrors', 'ignore_errors'],
  ['ignoreUnreachable', 'ignore_unreachable'],
  ['delegateTo', 'delegate_to'],
  ['runOnce', 'run_once'],
  ['connection', 'connection'],
  ['anyErrorsFatal', 'any_errors_fatal'],
  ['notify', 'notify'],
];

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `vars:` as a mapping, or as Ansible also takes it, a list of mappings merged in order. */
function varsMapping(value: unknown, pos: SourcePos | undefined): Record<string, unknown> {
  if (isMapping(value)) return value;
  if (Array.isArray(value) && value.every(isMapping)) return Object.assign({}, ...value) as Record<string, unknown>;
  throw new LoadError("'vars' must be a mapping or a list of mappings", pos);
}

/** Reads the inheritable keywords written on one node. */
export function readInheritable(raw: Record<string, unknown>, pos: SourcePos | undefined): Partial<Inheritable> {
  const out: Partial<Inheritable> = {};
  if (raw.when !== undefined) out.when = list(raw.when);
  if (raw.tags !== undefined) {
    out.tags = (typeof raw.tags === 'string' ? raw.tags.split(',') : list(raw.tags)).map((t) => String(t).trim());
  }
  if (raw.vars !== undefined && raw.vars !== null) out.vars = varsMapping(raw.vars, pos);
  for (const [field, key] of SCALARS) {
    if (raw[key] !== undefined) (out as Record<string, unknown>)[field] = raw[key];
  }
  if (raw.environment !== undefined && raw.environment !== null) out.environment = raw.environment;
  return out;
}

export function inherit(parent: Scope, own: Partial<Inheritable>): Scope {
  const out: Scope = {
    ...parent,
    when: [...parent.when, ...(own.when ?? [])],
    tags: [...new Set([...parent.tags, ...(own.tags ?? [])])],
    vars: { ...parent.vars, ...own.vars },
  };
  // As in Ansible, environments accumulate (a list, inner last and winning); each may still be a template.
  if (own.environment !== undefined) {
    out.environment = parent.environment === undefined ? own.environment : [...list(parent.environment), ...list(own.environment)];
  }
  for (const [field] of SCALARS) {
    const value = own[field];
    if (value === undefined) continue;
    const inherited = parent[field];
    (out as unknown as Record<string, unknown>)[field] = inherited !== undefined && mayOmit(value) ? new OmittableKeyword(value, inherited) : value;
  }
  return out;
}

/** A template that mentions `omit` may render to it, giving the inherited value back. */
function mayOmit(value: unknown): value is string {
  return typeof value === 'string' && /\{\{[^}]*\bomit\b/.test(value);
}

/** The scope of what an include brings in: its own `vars:` are include params too. */
export function withIncludeParams(scope: Scope, own: Record<string, unknown> | undefined): Scope {
  if (!own || !Object.keys(own).length) return scope;
  return { ...scope, includeParams: { ...scope.includeParams, ...own } };
}

/**
 * The scope of a role brought in by include_role or import_role from inside
 * another role: as in Ansible, its tasks see `ansible_parent_role_names`
 * and `ansible_parent_role_paths`, the including role first, then the
 * roles that brought that one in.
 */
export function withParentRole(scope: Scope): Scope {
  const parent = scope.role;
  if (!parent) return scope;
  const above = (key: string) => (Array.isArray(scope.vars[key]) ? (scope.vars[key] as unknown[]) : []);
  return {
    ...scope,
    vars: {
      ...scope.vars,
      ansible_parent_role_names: [parent.name, ...above('ansible_parent_role_names')],
      ansible_parent_role_paths: [parent.dir, ...above('ansible_parent_role_paths')],
    },
  };
}

/**
 * Loop keywords into item lists, as Ansible's `loop` and `with_*` lookups
 * produce them. The list-shaping lookups are pure; `with_first_found` and
 * `with_fileglob` read the controller's folders, `with_inventory_hostnames`
 * the inventory, both through the LoopSources given.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { EngineError, type SourcePos } from '../errors.js';
import type { TaskNode } from '../load/model.js';
import { sequenceItems } from './loop-sequence.js';

export type LoopKind = NonNullable<TaskNode['loopKind']>;

/** What the controller-side lookups read. */
export interface LoopSources {
  /** folders searched for a relative file, in order (the role's, the task file's, the playbook's) */
  searchDirs: string[];
  /** the task's module: with_first_found looks in `templates/`, `vars/` or `files/` after it */
  module: string;
  /** the hosts an inventory pattern names, in inventory order */
  hosts(pattern: string[]): string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

export function loopItems(kind: TaskNode['loopKind'], value: unknown, pos: SourcePos | undefined, sources?: LoopSources): unknown[] {
  if (value === undefined || value === null) return [];
  const fail = (msg: string): never => {
    throw new EngineError(msg, pos);
  };
  switch (kind) {
    case 'items':
      // with_items flattens one level
      return asList(value).flatMap((v) => (Array.isArray(v) ? v : [v]));
    case 'dict': {
      if (!isRecord(value)) return fail('with_dict expects a mapping');
      return Object.entries(value).map(([key, v]) => ({ key, value: v }));
    }
    case 'indexed_items':
      return asList(value).flatMap((v) => (Array.isArray(v) ? v : [v])).map((v, i) => [i, v]);
    case 'sequence':
      return asList(value).flatMap((term) => sequenceItems(String(term), fail));
    case 'flattened':
      return flatten(asList(value));
    case 'nested':
      return nested(asList(value), fail);
    case 'together':
      return together(asList(value), fail);
    case 'subelements':
      return subelements(asList(value), fail);
    case 'first_found':
      return firstFound(asList(value), needSources(sources, kind, fail), fail);
    case 'fileglob':
      return fileglob(asList(value), needSources(sources, kind, fail));
    case 'inventory_hostnames':
      return needSources(sources, kind, fail).hosts(asList(value).map(String));
    default:
      if (typeof value === 'string') return fail(`loop expects a list, got the string '${value.slice(0, 60)}'`);
      if (!Array.isArray(value)) return fail('loop expects a list');
      return value;
  }
}

function needSources(sources: LoopSources | undefined, kind: string, fail: (msg: string) => never): LoopSources {
  return sources ?? fail(`with_${kind} needs the controller's files and inventory`);
}

/** with_flattened: every nested list opened, at any depth. */
export function flatten(list: unknown[]): unknown[] {
  return list.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]));
}

function listTerms(terms: unknown[], kind: string, fail: (msg: string) => never): unknown[][] {
  if (terms.length === 0) fail(`with_${kind} requires at least one element in the nested list`);
  return terms.map((t) => (Array.isArray(t) ? t : fail(`with_${kind}: each element must be a list, got ${JSON.stringify(t)}`)));
}

/** with_nested: the product of the lists, first list outermost. */
export function nested(terms: unknown[], fail: (msg: string) => never): unknown[][] {
  return listTerms(terms, 'nested', fail).reduce<unknown[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);
}

/** with_together: the lists side by side, the shorter ones filled with None (null). */
export function together(terms: unknown[], fail: (msg: string) => never): unknown[][] {
  const lists = listTerms(terms, 'together', fail);
  const length = Math.max(...lists.map((l) => l.length));
  return Array.from({ length }, (_, i) => lists.map((l) => (i < l.length ? l[i] : null)));
}

/**
 * with_subelements: [list or mapping of records, 'key.sub', {skip_missing}]
 * into [record without its list, one element of the list] pairs.
 */
export function subelements(terms: unknown[], fail: (msg: string) => never): unknown[][] {
  const [source, keyPath, flags] = terms;
  if (terms.length < 2 || terms.length > 3 || typeof keyPath !== 'string') {
    fail('with_subelements expects a list or mapping, a key name, and optionally {skip_missing: true}');
  }
  if (flags !== undefined && !isRecord(flags)) fail('with_subelements: the third term must be a mapping of flags');
  const skipMissing = isRecord(flags) && (flags.skip_missing === true || /^(yes|true|on|1)$/i.test(String(flags.skip_missing ?? '')));
  const records = isRecord(source) ? Object.values(source) : Array.isArray(source) ? source : fail('with_subelements: the first term must be a list or a mapping');
  const keys = (keyPath as string).split('.');
  const out: unknown[][] = [];
  for (const record of records) {
    if (!isRecord(record)) fail(`with_subelements expects records (mappings), got ${JSON.stringify(record)}`);
    const copy: Record<string, unknown> = structuredClone(record as Record<string, unknown>);
    if (copy.skipped !== undefined && copy.skipped !== false) continue;
    let holder: Record<string, unknown> | undefined = copy;
    for (const key of keys.slice(0, -1)) {
      const next: unknown = holder?.[key];
      if (!isRecord(next)) {
        if (skipMissing) holder = undefined;
        else fail(`with_subelements: '${key}' should name a mapping in ${JSON.stringify(record)}`);
        break;
      }
      holder = next;
    }
    const last = keys[keys.length - 1] as string;
    if (!holder || !(last in holder)) {
      if (skipMissing) continue;
      fail(`with_subelements: could not find '${last}' key in iterated item ${JSON.stringify(record)}`);
    }
    const list = holder![last];
    if (!Array.isArray(list)) fail(`with_subelements: the key ${last} should point to a list, got ${JSON.stringify(list)}`);
    delete holder![last];
    for (const element of list as unknown[]) out.push([copy, element]);
  }
  return out;
}

/** The folder with_first_found looks in after the module, as Ansible picks it. */
function subdirFor(module: string): string {
  for (const sub of ['template', 'var', 'file']) if (module.includes(sub)) return `${sub}s`;
  return 'files';
}

function candidatesFor(file: string, dirs: string[], subdir: string): string[] {
  if (path.isAbsolute(file)) return [file];
  return dirs.flatMap((dir) => [path.join(dir, subdir, file), path.join(dir, file)]);
}

const splitNames = (v: unknown): string[] => asList(v).flatMap((s) => String(s).split(/[,;]/)).map((s) => s.trim()).filter(Boolean);

/**
 * with_first_found: the first file that exists, of names given as strings
 * or as `{files, paths, skip}` mappings; none found fails unless `skip`.
 */
export function firstFound(terms: unknown[], sources: LoopSources, fail: (msg: string) => never): string[] {
  const subdir = subdirFor(sources.module);
  let skip = false;
  const tried: string[] = [];
  for (const term of terms.flatMap((t) => (Array.isArray(t) ? t : [t]))) {
    let candidates: string[];
    if (isRecord(term)) {
      skip ||= term.skip === true || /^(yes|true|on)$/i.test(String(term.skip ?? ''));
      const files = splitNames(term.files ?? term.file ?? []);
      const paths = splitNames(term.paths ?? term.path ?? []);
      candidates = paths.length
        ? files.flatMap((f) => paths.map((p) => path.join(path.isAbsolute(p) ? p : path.resolve(sources.searchDirs.at(-1) ?? '.', p), f)))
        : files.flatMap((f) => candidatesFor(f, sources.searchDirs, subdir));
    } else {
      candidates = candidatesFor(String(term), sources.searchDirs, subdir);
    }
    for (const file of candidates) {
      tried.push(file);
      if (existsSync(file) && statSync(file).isFile()) return [file];
    }
  }
  if (skip) return [];
  return fail(`No file was found when using first_found. Use errors='ignore' to allow this task to be skipped if no files are found (looked for: ${tried.join(', ')})`);
}

/** A shell-style glob of one path segment into a RegExp. */
function globSegment(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close === -1) out += '\\[';
      else {
        const body = pattern.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = close;
      }
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/**
 * with_fileglob: the files (not folders) matching each pattern's last
 * segment, in the pattern's folder as found in the search path; a pattern
 * matching nothing adds nothing.
 */
export function fileglob(terms: unknown[], sources: LoopSources): string[] {
  const out: string[] = [];
  for (const term of terms.map(String)) {
    const dirPart = path.dirname(term);
    const folders = path.isAbsolute(term) ? [dirPart] : candidatesFor(dirPart, sources.searchDirs, 'files');
    const folder = folders.find((d) => existsSync(d) && statSync(d).isDirectory());
    if (!folder) continue;
    const match = globSegment(path.basename(term));
    const names = readdirSync(folder).filter((n) => match.test(n) && !(n.startsWith('.') && !path.basename(term).startsWith('.'))).sort();
    for (const name of names) {
      const file = path.join(folder, name);
      if (statSync(file).isFile()) out.push(file);
    }
  }
  return out;
}


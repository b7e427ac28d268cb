/**
 * Ansible's lookup plugins. They run on the controller: files are found in
 * the search paths (a role's folder, then the playbook's), and `pipe` runs
 * its command there. What a lookup returns is a value; it is never rendered
 * again as a template.
 */
import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { decryptFileBytes, VaultError } from '../vault/index.js';
import { isAbsolute, join, resolve } from 'node:path';
import type { RenderContext } from './context.js';
import { LIST_LOOKUPS } from './list-lookups.js';
import type { Delimiters, LexerOptions } from './parser.js';
import { passwordLookup } from './password-lookup.js';
import { isMapping, isString, pyStr, toList, typeName } from './python-values.js';
import { PythonRegexError, pythonRegex } from './python-regex.js';
import { TemplateRuntimeError, Undefined } from './undefined.js';
import { applySubscript, nameMatcher, orderPatternParts, splitPattern, splitSubscript } from '../inventory/patterns.js';

export type Lookup = (terms: unknown[], kwargs: Record<string, unknown>, context: RenderContext) => unknown[];

/** Renders a controller template file with extra variables on top of the current ones. */
export type FileRenderer = (
  text: string,
  path: string,
  name: string,
  context: RenderContext,
  extra: Record<string, unknown>,
  syntax?: Partial<LexerOptions>,
) => string;

/** The template lookup's delimiter options (`variable_start_string='[%'`), as Ansible 2.14's lookup takes them. */
const LOOKUP_DELIMITERS: Record<string, keyof Delimiters> = {
  variable_start_string: 'variableStart',
  variable_end_string: 'variableEnd',
  comment_start_string: 'commentStart',
  comment_end_string: 'commentEnd',
};

function lookupSyntax(kwargs: Record<string, unknown>): Partial<LexerOptions> {
  const tags: Delimiters = {};
  for (const [option, setting] of Object.entries(LOOKUP_DELIMITERS)) {
    if (kwargs[option] !== undefined && kwargs[option] !== null) tags[setting] = pyStr(kwargs[option]);
  }
  return Object.keys(tags).length ? { tags } : {};
}

function variable(context: RenderContext, name: string): string | undefined {
  const value = context.lookup(name);
  return value instanceof Undefined || value === null || value === undefined ? undefined : pyStr(value);
}

/** The folders a lookup searches, most specific first: the role's (and its tasks/), then the playbook's, then the Templar's. */
export function searchDirs(context: RenderContext, searchPaths: readonly string[]): string[] {
  const role = variable(context, 'role_path');
  // a role's task files sit in its tasks/ folder, which Ansible searches too (`include_tasks: "{{ lookup('first_found', ...) }}"`)
  const dirs = [role, role && join(role, 'tasks'), variable(context, 'playbook_dir'), ...searchPaths].filter((d): d is string => !!d);
  return [...new Set(dirs)];
}

/** Ansible's find_file_in_search_path: `<dir>/<subdir>/<name>`, then `<dir>/<name>`, in each folder. */
export function findInSearchPath(name: string, subdir: string, dirs: readonly string[]): string | undefined {
  if (isAbsolute(name)) return existsSync(name) ? name : undefined;
  const candidates = [...dirs.flatMap((dir) => [join(dir, subdir, name), join(dir, name)]), resolve(name)];
  return candidates.find((c) => existsSync(c));
}

function readFound(name: string, subdir: string, dirs: readonly string[], what: string): { path: string; text: string } {
  const path = findInSearchPath(name, subdir, dirs);
  if (!path) throw new TemplateRuntimeError(`could not locate file in lookup: ${name}`);
  try {
    // a vaulted file reads as what it holds, as Ansible's loader gives it
    return { path, text: decryptFileBytes(readFileSync(path), path).toString('utf8') };
  } catch (err) {
    if (err instanceof VaultError) throw new TemplateRuntimeError(err.message);
    throw new TemplateRuntimeError(`${what}: could not read ${path}: ${(err as Error).message}`);
  }
}

function globMatcher(pattern: string): (name: string) => boolean {
  const test = nameMatcher(pattern.startsWith('~') ? `[~]${pattern.slice(1)}` : pattern);
  // Python's glob leaves out dot files unless the pattern starts with a dot
  return (name) => (pattern.startsWith('.') || !name.startsWith('.')) && test(name);
}

/** Files (not folders) matching `dir/pattern` in the first search folder holding `dir`. */
/** The files of one folder whose names match a glob pattern, sorted. */
function globIn(folder: string, pattern: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const matches = globMatcher(pattern);
  return names
    .filter(matches)
    .sort()
    .map((n) => join(folder, n))
    .filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile());
}

/**
 * Python's glob.glob as Ansible's fileglob filter uses it: the files (not
 * folders) a pattern matches, relative to the controller's working folder;
 * wildcards may stand in any path component.
 */
export function globFiles(pattern: string): string[] {
  const parts = pattern.split('/');
  let paths = [pattern.startsWith('/') ? '/' : '.'];
  for (const [i, part] of parts.entries()) {
    if (part === '' && i === 0) continue;
    const last = i === parts.length - 1;
    if (!/[*?[]/.test(part)) {
      paths = paths.map((p) => join(p, part)).filter((p) => existsSync(p));
      continue;
    }
    const matches = globMatcher(part);
    paths = paths.flatMap((folder) => {
      try {
        return readdirSync(folder).filter(matches).map((n) => join(folder, n));
      } catch {
        return [];
      }
    });
    if (!last) paths = paths.filter((p) => statSync(p, { throwIfNoEntry: false })?.isDirectory());
  }
  const relative = !pattern.startsWith('/');
  return paths.filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile()).map((p) => (relative && p.startsWith('./') ? p.slice(2) : p));
}

/**
 * Ansible's fileglob: a pattern with a folder globs in that folder as the
 * search path finds it (`files/<folder>` first); a bare pattern tries each
 * search folder's `files/`, then the folder itself, and the first that
 * matches anything gives the answer.
 */
function fileglob(term: string, dirs: readonly string[]): string[] {
  const slash = term.lastIndexOf('/');
  const pattern = term.slice(slash + 1);
  if (slash >= 0) {
    const found = findInSearchPath(term.slice(0, slash) || '/', 'files', dirs);
    return found ? globIn(found, pattern) : [];
  }
  for (const dir of dirs) {
    for (const folder of [join(dir, 'files'), dir]) {
      const matched = globIn(folder, pattern);
      if (matched.length) return matched;
    }
  }
  return [];
}

function splitOn(value: unknown, separators: RegExp): string[] {
  const items = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  return items.flatMap((x) => pyStr(x).split(separators)).filter(Boolean);
}

/**
 * first_found's candidates, as ansible-core 2.14 builds them: a term's
 * `files` under each of its `paths`; `files` without `paths` replace what
 * earlier terms gave; a plain name is taken whole. A string term takes its
 * files and paths from the keyword arguments, a mapping from itself.
 */
function firstFoundCandidates(terms: unknown[], kwargs: Record<string, unknown>): { names: string[]; skip: boolean } {
  let names: string[] = [];
  let skip = false;
  for (const term of terms) {
    let options: Record<string, unknown>;
    if (isMapping(term)) options = term;
    else if (typeof term === 'string') options = kwargs;
    else if (Array.isArray(term)) {
      const inner = firstFoundCandidates(term, kwargs);
      names.push(...inner.names);
      skip = inner.skip;
      continue;
    } else throw new TemplateRuntimeError(`Invalid term supplied, can handle string, mapping or list of strings but got: ${pyStr(term)}`);
    const files = splitOn(options.files, /[,;]/);
    const paths = splitOn(options.paths, /[,:;]/);
    skip = options.skip === true;
    if (paths.length) for (const path of paths) for (const file of files) names.push(join(path, file));
    else if (files.length) names = files;
    else names.push(pyStr(term));
  }
  return { names, skip };
}

/** Hosts of `pattern` among the `groups` variable, as Ansible's inventory_hostnames builds its own inventory from it. */
function inventoryHostnames(pattern: string, groups: Record<string, unknown>): string[] {
  const groupHosts = (g: string) => toList(groups[g] ?? []).map(pyStr);
  const allNames = [...new Set(Object.keys(groups).flatMap(groupHosts))];
  let chosen: string[] = [];
  for (const part of orderPatternParts(splitPattern(pattern))) {
    const op = part[0] === '&' || part[0] === '!' ? part[0] : '';
    const { expr, subscript } = splitSubscript(op ? part.slice(1) : part);
    let hosts: string[];
    if (expr === 'all' || expr === '*') hosts = allNames;
    else {
      const test = nameMatcher(expr);
      const named = Object.keys(groups).filter(test);
      hosts = [...new Set([...named.flatMap(groupHosts), ...allNames.filter(test)])];
    }
    hosts = applySubscript(hosts, subscript, part);
    if (op === '!') chosen = chosen.filter((h) => !hosts.includes(h));
    else if (op === '&') chosen = chosen.filter((h) => hosts.includes(h));
    else for (const h of hosts) if (!chosen.includes(h)) chosen.push(h);
  }
  return chosen;
}

/** A command's output, run with /bin/sh on the controller in `cwd`; `plugin` names the lookup in errors. */
function commandOutput(command: string, cwd: string | undefined, plugin: string): string {
  try {
    return execFileSync('/bin/sh', ['-c', command], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  } catch (err) {
    const status = (err as { status?: number }).status;
    throw new TemplateRuntimeError(`lookup_plugin.${plugin}(${command}) returned ${status ?? 'an error'}`);
  }
}

/** Python's str.splitlines: a final line break ends the last line rather than starting an empty one. */
function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

export function lookupPlugins(searchPaths: readonly string[], renderFile: FileRenderer): Record<string, Lookup> {
  const dirs = (context: RenderContext) => searchDirs(context, searchPaths);
  return {
    env: (terms, kwargs) => terms.map((t) => process.env[pyStr(t)] ?? (kwargs.default !== undefined ? kwargs.default : '')),
    file: (terms, kwargs, context) => terms.map((t) => {
      const { text } = readFound(pyStr(t), 'files', dirs(context), 'file lookup');
      const strip = (kwargs.rstrip ?? true) !== false;
      const lstrip = kwargs.lstrip === true;
      return lstrip ? (strip ? text.trim() : text.trimStart()) : strip ? text.trimEnd() : text;
    }),
    // a file's text as it is, decrypted when it is a vault (the file lookup does too, then strips it)
    unvault: (terms, _kwargs, context) => terms.map((t) => readFound(pyStr(t), 'files', dirs(context), 'unvault lookup').text),
    template: (terms, kwargs, context) => terms.map((t) => {
      const { path, text } = readFound(pyStr(t), 'templates', dirs(context), 'template lookup');
      const extra = isMapping(kwargs.template_vars) ? kwargs.template_vars : {};
      return renderFile(text, path, pyStr(t), context, extra, lookupSyntax(kwargs));
    }),
    fileglob: (terms, _kwargs, context) => terms.flatMap((t) => pyStr(t).split(/\s+/).filter(Boolean)).flatMap((t) => fileglob(t, dirs(context))),
    first_found: (terms, kwargs, context) => {
      const { names, skip } = firstFoundCandidates(terms, kwargs);
      const searched = dirs(context);
      const subdir = typeof kwargs._subdir === 'string' ? kwargs._subdir : 'files';
      for (const name of names) {
        const found = findInSearchPath(name, subdir, searched);
        if (found) return [resolve(found)];
      }
      if (skip) return [];
      throw new TemplateRuntimeError('No file was found when using first_found.');
    },
    pipe: (terms, _kwargs, context) => terms.map((t) => commandOutput(pyStr(t), variable(context, 'playbook_dir'), 'pipe').trimEnd()),
    // each line a command prints, as Ansible's lines lookup gives them
    lines: (terms, _kwargs, context) => terms.flatMap((t) => splitLines(commandOutput(pyStr(t), variable(context, 'playbook_dir'), 'lines'))),
    // one of the terms, chosen at random
    random_choice: (terms) => (terms.length ? [terms[randomInt(terms.length)]] : []),
    password: (terms, kwargs, context) => terms.map((t) => passwordLookup(pyStr(t), variable(context, 'playbook_dir') ?? process.cwd(), kwargs)),
    varnames: (terms, _kwargs, context) => {
      const names = Object.keys(context.getVariables());
      return terms.flatMap((t) => {
        if (!isString(t)) throw new TemplateRuntimeError(`Invalid setting identifier, "${pyStr(t)}" is not a string, it is a <class '${typeName(t)}'>`);
        let re: RegExp;
        try {
          re = pythonRegex(pyStr(t), {});
        } catch (error) {
          if (error instanceof PythonRegexError) throw new TemplateRuntimeError(`Unable to use "${t}" as a search parameter: ${error.reason}`);
          throw error;
        }
        // re.search: anywhere in the name
        return names.filter((n) => re.test(n));
      });
    },
    inventory_hostnames: (terms, _kwargs, context) => {
      const groups = context.lookup('groups');
      if (!isMapping(groups)) throw new TemplateRuntimeError('inventory_hostnames needs the groups variable');
      return inventoryHostnames(terms.map(pyStr).join(','), groups);
    },
    vars: (terms, kwargs, context) => terms.map((t) => {
      const value = context.lookup(pyStr(t));
      if (value instanceof Undefined) {
        if (Object.hasOwn(kwargs, 'default')) return kwargs.default;
        throw new TemplateRuntimeError(`No variable found with this name: ${pyStr(t)}`);
      }
      return value;
    }),
    ...LIST_LOOKUPS,
  };
}

/**
 * Task lists into Nodes. Static constructs (import_tasks, import_role,
 * blocks) are expanded here, with block, role and play keywords inherited
 * by every task inside, so the engine sees flat, self-describing tasks.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import { LoadError, type SourcePos } from '../errors.js';
import { closeEnough, unsupportedAnsibleKeyword, unsupportedAnsibleName } from '../common/ansible-names.js';
import { canonicalModuleName, findModule, isModuleName, suggestModule } from '../modules/registry.js';
import { BLOCK_KEYWORDS, ENGINE_ACTIONS, LOOP_KEYWORDS, TASK_KEYWORDS } from './keywords.js';
import { parseKeyValue } from '../common/kv.js';
import { parseBoolean } from '../common/booleans.js';
import type { BlockNode, Inheritable, Node, RoleInfo, TaskNode } from './model.js';
import { keyPos, loadYamlFile, posOf } from './yaml.js';
import { inherit, readInheritable, withIncludeParams, withParentRole, type Scope } from './inherit.js';
import type { ModuleLibrary } from './library.js';

export interface TaskLoader {
  /** loads a role's task list (tasks_from) for import_role */
  importRole(name: string, ref: Record<string, unknown>, scope: Scope, pos: SourcePos | undefined): Node[];
  /** files already being loaded, to refuse an import cycle */
  stack: string[];
  /** the user's own modules (library/ folders) */
  library?: ModuleLibrary;
  /** the playbook's folder: the last place a role's import_tasks looks */
  playbookDir?: string;
  /** renders a value Ansible templates at load time (an import's file name) with the play's vars, these vars and the extra vars */
  render?: (value: unknown, vars: Record<string, unknown>, pos: SourcePos | undefined) => unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asStringList(value: unknown, what: string, pos: SourcePos | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((v) => String(v));
  if (typeof value === 'string') return what === 'tags' ? value.split(',').map((s) => s.trim()) : [value];
  throw new LoadError(`'${what}' must be a string or a list`, pos);
}

/** Finds the key that names the module among a task's keys. */
function moduleKey(task: Record<string, unknown>, pos: SourcePos | undefined, inLibrary: (name: string) => boolean): string {
  const candidates = Object.keys(task).filter((k) => !TASK_KEYWORDS.has(k));
  if (candidates.length === 0) {
    if ('action' in task || 'local_action' in task) return 'action' in task ? 'action' : 'local_action';
    throw new LoadError('no module/action detected in task', pos);
  }
  const known = candidates.filter((k) => isModuleName(k) || ENGINE_ACTIONS.has(canonicalModuleName(k)) || inLibrary(k));
  if (known.length > 1) {
    throw new LoadError(`conflicting action statements: ${known.join(', ')}`, keyPos(task, known[1] as string));
  }
  const unknown = candidates.find((k) => !known.includes(k));
  if (unknown) {
    // a name Ansible knows is unsupported, not a typo of something unrelated
    const unsupported = unsupportedAnsibleKeyword('task', unknown) ?? unsupportedAnsibleName('module', unknown);
    if (unsupported) throw new LoadError(unsupported, keyPos(task, unknown));
    // With a module already found, an unknown key is most likely a mistyped keyword.
    const keyword = closest(unknown, [...TASK_KEYWORDS, ...ENGINE_ACTIONS]);
    const module = known.length ? undefined : suggestModule(unknown);
    const suggestion = module && distance(unknown, module) < distance(unknown, keyword) ? module : keyword;
    throw new LoadError(
      `'${unknown}' is not a valid task keyword or a known module${closeEnough(unknown, suggestion) ? ` (did you mean '${suggestion}'?)` : ''}`,
      keyPos(task, unknown),
    );
  }
  return known[0] as string;
}

/** The key under which a task keeps arguments written as one template, until a run renders them into a mapping. */
export const VARIABLE_ARGS = '_variable_params';
const WHOLE_TEMPLATE = /^\s*\{\{(?:(?!\}\}).)*\}\}\s*$/s;

/** Splits `action: copy src=a dest=b` and `copy: src=a` into module name and args. */
function moduleCall(task: Record<string, unknown>, key: string, pos: SourcePos | undefined, findLibrary: (name: string) => string | undefined) {
  let name = key;
  let value = task[key];
  if (key === 'action' || key === 'local_action') {
    if (typeof value === 'string') {
      const [first = '', ...rest] = value.trim().split(/\s+/);
      name = first;
      value = rest.join(' ');
    } else if (isRecord(value) && typeof value.module === 'string') {
      const { module, ...rest } = value;
      name = module as string;
      value = rest;
    }
  }
  // a module of the user's library/ wins over ezplay's own of the same bare name
  const libraryFile = name.includes('.') && !name.startsWith('ansible.legacy.') ? undefined : findLibrary(name);
  const canonical = libraryFile ? name.replace(/^ansible\.legacy\./, '') : canonicalModuleName(name);
  const module = libraryFile ? undefined : findModule(canonical);
  let args: Record<string, unknown> = {};
  if (typeof value === 'string' || typeof value === 'number') {
    const text = String(value);
    try {
      if (!module?.freeForm && /^\{\{(?:(?!\}\})[\s\S])*\}\}$/.test(text.trim()) && !ENGINE_ACTIONS.has(canonical)) {
        // the whole arguments as one template: a mapping once rendered, for each host (Ansible's _variable_params)
        args = { [VARIABLE_ARGS]: text.trim() };
      } else if (module?.freeForm) {
        args = parseKeyValue(text, { rawParam: module.freeForm, knownKeys: new Set(Object.keys(module.args)) });
      } else if (ENGINE_ACTIONS.has(canonical) && !text.includes('=')) {
        args = { _raw_params: text };
      } else {
        args = parseKeyValue(text);
      }
    } catch (error) {
      // `helm: "{{ defaults | combine(item) }}"`: the whole arguments are one template, rendered per host (Ansible's variable args)
      if (!module?.freeForm && WHOLE_TEMPLATE.test(text)) args = { [VARIABLE_ARGS]: text };
      else throw new LoadError(`${canonical}: ${(error as Error).message}`, keyPos(task, key));
    }
  } else if (isRecord(value)) {
    args = { ...value };
  } else if (value !== null && value !== undefined) {
    throw new LoadError(`${canonical}: arguments must be a mapping or a string`, keyPos(task, key) ?? pos);
  }
  if (isRecord(task.args)) args = { ...args, ...task.args };
  else if (typeof task.args === 'string' && task.args.includes('{{')) args = { ...args, [VARIABLE_ARGS]: task.args.trim() };
  else if (task.args !== undefined && task.args !== null) {
    throw new LoadError("Complex args containing variables cannot use bare variables (without Jinja2 delimiters), and must use the full variable style ('{{var_name}}')", keyPos(task, 'args') ?? pos);
  }
  return { name: canonical, args, local: key === 'local_action', ...(libraryFile ? { libraryFile } : {}) };
}

function loopOf(task: Record<string, unknown>, pos: SourcePos | undefined) {
  const keys = LOOP_KEYWORDS.filter((k) => k in task);
  if (keys.length > 1) throw new LoadError(`only one loop keyword is allowed, got ${keys.join(', ')}`, pos);
  const key = keys[0];
  if (!key) return {};
  const kind = key === 'loop' ? 'loop' : (key.slice('with_'.length) as TaskNode['loopKind']);
  return { loop: task[key], loopKind: kind };
}

export function loadTask(raw: unknown, scope: Scope, loader: TaskLoader, where: SourcePos | undefined): Node[] {
  if (!isRecord(raw)) throw new LoadError('a task must be a mapping', posOf(raw) ?? where);
  const pos = posOf(raw) ?? where;
  if ('block' in raw) return [loadBlock(raw, scope, loader, pos)];
  const findLibrary = (name: string) => loader.library?.find(name, scope.role?.dir);
  const key = moduleKey(raw, pos, (name) => findLibrary(name) !== undefined);
  const call = moduleCall(raw, key, pos, findLibrary);
  const own = readInheritable(raw, pos);
  const merged = inherit(scope, own);
  if (call.local) merged.delegateTo = 'localhost';

  if ((call.name === 'import_tasks' || call.name === 'import_role') && call.args.apply !== undefined) {
    throw handlerError(`Invalid options for ${call.name}: apply`, pos);
  }
  if (call.name === 'import_tasks' || call.name === 'include') {
    const file = String(call.args._raw_params ?? call.args.file ?? '');
    // the old `include` is one of Ansible's includes, whose vars are include params; import_tasks' are task vars
    return importTasks(file, call.name === 'include' ? withIncludeParams(merged, own.vars) : merged, loader, pos);
  }
  if (call.name === 'import_role' || call.name === 'include_role') checkRoleOptions(call.name, call.args, pos);
  if (call.name === 'import_role') {
    const name = String(call.args.name ?? call.args._raw_params ?? '');
    return loader.importRole(name, call.args, withParentRole(merged), pos);
  }
  const task = buildTask(raw, call, merged, pos);
  if (task.include) {
    task.include.inheritedTags = scope.tags;
    if (own.vars) task.include.params = own.vars;
  }
  return [task];
}

/** What include_role and import_role take, as Ansible's IncludeRole. */
const ROLE_OPTIONS = new Set(['name', 'role', 'tasks_from', 'vars_from', 'defaults_from', 'handlers_from', 'apply', 'public', 'allow_duplicates', 'rolespec_validate']);

/** Ansible's load-time checks: no unknown option, and the *_from arguments of a role name one file each. */
function checkRoleOptions(action: string, args: Record<string, unknown>, pos: SourcePos | undefined): void {
  if (VARIABLE_ARGS in args) return;
  if (args.name === undefined && args.role === undefined) throw handlerError(`'name' is a required field for ${action}.`, pos);
  const bad = Object.keys(args).filter((k) => !ROLE_OPTIONS.has(k));
  if (bad.length) throw handlerError(`Invalid options for ${action}: ${bad.join(',')}`, pos);
  for (const key of ['tasks_from', 'vars_from', 'defaults_from', 'handlers_from']) {
    const value = args[key];
    if (value === undefined || typeof value === 'string') continue;
    const kind = Array.isArray(value) ? 'a list' : isRecord(value) ? 'a mapping' : `a ${typeof value}`;
    throw new LoadError(`Expected a string for ${key} but got ${kind} instead`, pos);
  }
}

function buildTask(
  raw: Record<string, unknown>,
  call: { name: string; args: Record<string, unknown>; libraryFile?: string },
  scope: Scope,
  pos: SourcePos | undefined,
): TaskNode {
  const control = isRecord(raw.loop_control) ? raw.loop_control : {};
  const task: TaskNode = {
    ...scopeFields(scope),
    kind: 'task',
    name: raw.name === undefined ? undefined : String(raw.name),
    module: call.name,
    ...(call.libraryFile ? { libraryFile: call.libraryFile } : {}),
    args: call.args,
    ...loopOf(raw, pos),
    loopVar: control.loop_var ? String(control.loop_var) : 'item',
    ...(control.index_var ? { indexVar: String(control.index_var) } : {}),
    ...(control.label !== undefined ? { loopLabel: control.label } : {}),
    ...(control.pause !== undefined ? { loopPause: Number(control.pause) } : {}),
    ...(control.extended_allitems !== undefined && parseBoolean(control.extended_allitems) === false ? { loopAllItems: false } : {}),
    ...(raw.register !== undefined ? { register: String(raw.register) } : {}),
    until: raw.until,
    retries: raw.retries,
    delay: raw.delay,
    ...(raw.timeout !== undefined ? { timeout: raw.timeout } : {}),
    ...(raw.async !== undefined ? { async: raw.async } : {}),
    ...(raw.poll !== undefined ? { poll: raw.poll } : {}),
    changedWhen: raw.changed_when,
    failedWhen: raw.failed_when,
    notify: asStringList(raw.notify ?? scope.notify, 'notify', pos),
    listen: asStringList(raw.listen, 'listen', pos),
    role: scope.role,
    pos,
  };
  if (call.name === 'include_tasks' || call.name === 'include_role') {
    const target = call.name === 'include_tasks' ? (call.args.file ?? call.args._raw_params) : call.args.name;
    task.include = {
      kind: call.name,
      target,
      ...(call.args.tasks_from !== undefined ? { tasksFrom: call.args.tasks_from } : {}),
      ...(['handlers_from', 'vars_from', 'defaults_from'].some((k) => call.args[k] !== undefined)
        ? { from: Object.fromEntries(['handlers_from', 'vars_from', 'defaults_from'].filter((k) => call.args[k] !== undefined).map((k) => [k, call.args[k]])) }
        : {}),
      ...(call.args.apply !== undefined ? { apply: applyKeywords(call.name, call.args.apply, pos) } : {}),
      inheritedTags: scope.tags,
    };
  }
  return task;
}

/** An include's `apply:`: block keywords for the tasks it brings in, checked as Ansible checks them. */
function applyKeywords(action: string, value: unknown, pos: SourcePos | undefined): Partial<Inheritable> {
  if (value === null) return {};
  if (!isRecord(value)) throw handlerError(`Expected a dict for apply but got ${Array.isArray(value) ? 'a list' : `a ${typeof value}`} instead`, pos);
  for (const key of Object.keys(value)) {
    if (!BLOCK_KEYWORDS.has(key) || ['block', 'rescue', 'always'].includes(key)) {
      throw new LoadError(`'${key}' is not a valid attribute for a Block (in ${action}'s apply)`, keyPos(value, key) ?? pos);
    }
  }
  return readInheritable(value, pos);
}

function scopeFields(scope: Scope): Inheritable {
  const { role: _role, ...rest } = scope;
  return rest;
}

function loadBlock(raw: Record<string, unknown>, scope: Scope, loader: TaskLoader, pos: SourcePos | undefined): BlockNode {
  for (const key of Object.keys(raw)) {
    if (!BLOCK_KEYWORDS.has(key)) {
      const unsupported = unsupportedAnsibleKeyword('block', key);
      if (unsupported) throw new LoadError(unsupported, keyPos(raw, key));
      const hint = closest(key, [...BLOCK_KEYWORDS]);
      throw new LoadError(`'${key}' is not a valid keyword for a block${closeEnough(key, hint) ? ` (did you mean '${hint}'?)` : ''}`, keyPos(raw, key));
    }
  }
  const merged = inherit(scope, readInheritable(raw, pos));
  const list = (key: string) => loadTaskList(raw[key], merged, loader, keyPos(raw, key) ?? pos);
  return {
    ...scopeFields(merged),
    kind: 'block',
    name: raw.name === undefined ? undefined : String(raw.name),
    block: list('block'),
    rescue: list('rescue'),
    always: list('always'),
    role: scope.role,
    pos,
  };
}

export function loadTaskList(raw: unknown, scope: Scope, loader: TaskLoader, pos: SourcePos | undefined): Node[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new LoadError('expected a list of tasks', posOf(raw) ?? pos);
  return raw.flatMap((item) => loadTask(item, scope, loader, pos));
}

/** Ansible's own wording, then where: its scripts match the message's start (handlers, import options). */
function handlerError(message: string, pos: SourcePos | undefined): LoadError {
  const where = pos ? `\n\nThe error appears to be in '${pos.file}': line ${pos.line ?? 1}, column ${pos.col ?? 1}` : '';
  return new LoadError(`${message}${where}`);
}

/**
 * A play's or role's handlers: tasks only. Ansible refuses a block, a role
 * and flush_handlers there, at load time.
 */
export function loadHandlerList(raw: unknown, scope: Scope, loader: TaskLoader, pos: SourcePos | undefined): TaskNode[] {
  for (const item of Array.isArray(raw) ? raw : []) {
    if (!isRecord(item)) continue;
    const at = posOf(item) ?? pos;
    if ('block' in item) throw handlerError('Using a block as a handler is not supported.', at);
    for (const key of Object.keys(item)) {
      const name = canonicalModuleName(key);
      if (name === 'include_role' || name === 'import_role') throw handlerError(`Using '${key}' as a handler is not supported.`, at);
      if (name === 'meta' && String(isRecord(item[key]) ? (item[key] as Record<string, unknown>)._raw_params : item[key]).trim() === 'flush_handlers') {
        throw handlerError('flush_handlers cannot be used as a handler', at);
      }
    }
  }
  const nodes = loadTaskList(raw, scope, loader, pos);
  const block = nodes.find((n) => n.kind === 'block');
  if (block) throw handlerError('Using a block as a handler is not supported.', block.pos);
  return nodes as TaskNode[];
}

export function importTasks(file: string, scope: Scope, loader: TaskLoader, pos: SourcePos | undefined): Node[] {
  if (!file) throw new LoadError('import_tasks needs a file name', pos);
  if (file.includes('{{')) {
    if (!loader.render) throw new LoadError('import_tasks is static: use include_tasks for a templated file name', pos);
    // filled at load time with the play's, the task's and the extra vars, as Ansible fills it
    file = String(loader.render(file, scope.vars, pos));
  }
  // a role's handlers import from handlers/, its tasks from tasks/
  const inHandlers = scope.role !== undefined && pos?.file !== undefined && pos.file.startsWith(path.join(scope.role.dir, 'handlers') + path.sep);
  const base = scope.role ? path.join(scope.role.dir, inHandlers ? 'handlers' : 'tasks') : path.dirname(pos?.file ?? '.');
  // as Ansible's search: then the role's own folder, then the playbook's
  const fallbacks = scope.role ? [scope.role.dir, ...(loader.playbookDir ? [loader.playbookDir] : [])] : [];
  const resolved = [base, ...fallbacks].map((dir) => path.resolve(dir, file)).find((f) => existsSync(f)) ?? path.resolve(base, file);
  if (loader.stack.includes(resolved)) throw new LoadError(`import cycle: ${[...loader.stack, resolved].join(' -> ')}`, pos);
  loader.stack.push(resolved);
  try {
    return loadTaskList(loadYamlFile(resolved), scope, loader, { file: resolved, line: 1 });
  } finally {
    loader.stack.pop();
  }
}

export type { Scope, RoleInfo };

/**
 * Roles in kubeasz's layout: roles/NAME/{tasks,handlers,defaults,vars,meta}/main.yml
 * plus templates/ and files/. ezplay's own roles are reached by an explicit
 * name (`ezplay.etcd`), never by the search path.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LoadError, type SourcePos } from '../errors.js';
import { inherit, readInheritable, type Scope } from './inherit.js';
import { ROLE_REF_KEYWORDS } from './keywords.js';
import type { Node, RoleInfo, TaskNode } from './model.js';
import { ModuleLibrary } from './library.js';
import { parseBoolean } from '../common/booleans.js';
import { loadHandlerList, loadTaskList, type TaskLoader } from './tasks.js';
import { keyPos, loadYamlFile, parseYaml, posOf, readYamlText } from './yaml.js';

/** The folder ezplay is installed in (holds the shipped roles/). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Role names that mean ezplay's own roles, wherever the playbook is: `ezplay.etcd`, `ezplay.ca`. */
export const SHIPPED_ROLE_PREFIX = 'ezplay.';

/** Ansible's default roles_path, used when ANSIBLE_ROLES_PATH is not set. */
const ANSIBLE_DEFAULT_ROLES_PATH = ['~/.ansible/roles', '/usr/share/ansible/roles', '/etc/ansible/roles'];

function expandHome(dir: string): string {
  return dir === '~' || dir.startsWith('~/') ? path.join(os.homedir(), dir.slice(1)) : dir;
}

/**
 * Where roles are looked up, as Ansible looks: `roles/` beside the playbook,
 * then the roles path (--roles-path, EZPLAY_ROLES_PATH, ANSIBLE_ROLES_PATH or
 * Ansible's default). kubeasz's layout (`playbooks/` beside `roles/`, which
 * kubeasz reaches through its ansible.cfg) is the one addition. ezplay's own
 * roles are never on this path: a playbook names them `ezplay.etcd`, so they
 * cannot stand in for a missing role of the user's.
 */
export function roleSearchPath(playbookDir: string, extra: string[] = []): string[] {
  const fromEnv = (process.env.EZPLAY_ROLES_PATH ?? '').split(':').filter(Boolean);
  const ansible = process.env.ANSIBLE_ROLES_PATH !== undefined ? process.env.ANSIBLE_ROLES_PATH.split(':').filter(Boolean) : ANSIBLE_DEFAULT_ROLES_PATH;
  const dirs = [path.join(playbookDir, 'roles'), path.join(playbookDir, '..', 'roles'), ...extra, ...fromEnv, ...ansible.map(expandHome)];
  return [...new Set(dirs.map((d) => path.resolve(d)))];
}

export function findRoleDir(name: string, searchPath: string[], playbookDir: string): string | undefined {
  if (name.startsWith(SHIPPED_ROLE_PREFIX)) {
    const shipped = path.join(PACKAGE_ROOT, 'roles', name.slice(SHIPPED_ROLE_PREFIX.length));
    return existsSync(shipped) && statSync(shipped).isDirectory() ? shipped : undefined;
  }
  const candidates = [...searchPath.map((d) => path.join(d, name)), path.resolve(playbookDir, name)];
  return candidates.find((c) => existsSync(c) && statSync(c).isDirectory());
}

/** A task file's tasks; anything but a list is left for loadTaskList to refuse. */
function asList(data: unknown): unknown[] {
  return Array.isArray(data) ? data : data === null || data === undefined ? [] : [data];
}

/**
 * The task Ansible puts first in a role whose argument spec
 * (meta/argument_specs.yml, else `argument_specs` in meta/main.yml) has
 * the entry point: validate_argument_spec, tagged always.
 */
function argumentSpecTask(dir: string, entry: string, params: Record<string, unknown>, roleName: string): Record<string, unknown> | undefined {
  const file = roleFile(dir, 'meta', 'argument_specs');
  const specs = file ? mapping(file).argument_specs : mapping(roleFile(dir, 'meta')).argument_specs;
  if (specs === null || typeof specs !== 'object' || Array.isArray(specs)) return undefined;
  const spec = (specs as Record<string, unknown>)[entry];
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return undefined;
  const { short_description: about, options } = spec as Record<string, unknown>;
  return {
    name: `Validating arguments against arg spec '${entry}'${about !== undefined ? ` - ${String(about)}` : ''}`,
    'ansible.builtin.validate_argument_spec': {
      argument_spec: options ?? {},
      provided_arguments: params,
      validate_args_context: { type: 'role', name: roleName, argument_spec_name: entry, path: dir },
    },
    tags: ['always'],
  };
}

/**
 * The role's name as Ansible gives it (role_name, `TASK [name : ...]`): as
 * the play wrote it (`kubernetes/preinstall`, `../vendor/app`), the folder's
 * own name for an absolute path or a role shipped with ezplay.
 */
export function roleDisplayName(name: string, dir: string): string {
  return name.startsWith(SHIPPED_ROLE_PREFIX) || path.isAbsolute(name) ? path.basename(dir) : name;
}

/** roles/NAME/<sub>/<file>.yml (or .yaml or no extension); undefined when absent. */
function roleFile(dir: string, sub: string, file = 'main'): string | undefined {
  const base = path.join(dir, sub, file);
  return [base, `${base}.yml`, `${base}.yaml`].find((f) => existsSync(f) && statSync(f).isFile());
}

/**
 * defaults/, vars/ and meta/ files by path, with the text each was parsed
 * from: a role used several times (tasks_from, include_role) reads the file
 * each time but parses it once. The values are shared, and only ever read.
 */
const parsedMappings = new Map<string, { text: string; value: Record<string, unknown> }>();

function mapping(file: string | undefined): Record<string, unknown> {
  if (!file) return {};
  const text = readYamlText(file);
  const cached = parsedMappings.get(file);
  if (cached?.text === text) return cached.value;
  const value = parseYaml(text, file);
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new LoadError('expected a mapping of variables', posOf(value) ?? { file });
  parsedMappings.set(file, { text, value: value as Record<string, unknown> });
  return value as Record<string, unknown>;
}

const VARS_EXTENSIONS = new Set(['', '.yml', '.yaml', '.json']);

/** Every vars file under a folder, sorted, as Ansible reads `defaults/main/` and `vars/main/`. */
function varsFilesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const p = path.join(dir, name);
    const info = statSync(p);
    if (info.isDirectory()) found.push(...varsFilesUnder(p));
    else if (info.isFile() && VARS_EXTENSIONS.has(path.extname(name))) found.push(p);
  }
  return found;
}

/** defaults/ or vars/ of a role: `main.yml`, or a `main/` folder whose files merge in name order. */
function roleVars(dir: string, sub: string, file: string): Record<string, unknown> {
  const folder = path.join(dir, sub, file);
  if (existsSync(folder) && statSync(folder).isDirectory()) {
    return Object.assign({}, ...varsFilesUnder(folder).map((f) => mapping(f)));
  }
  return mapping(roleFile(dir, sub, file));
}

export interface LoadedRole {
  info: RoleInfo;
  tasks: Node[];
  handlers: TaskNode[];
}

export interface RoleLoaderOptions {
  playbookDir: string;
  searchPath: string[];
  /** roles already loaded in this play (by earlier include_role), shared so a dependency runs once */
  seen?: Set<string>;
  /** renders a role name written as a template */
  renderName?: (name: string, pos: SourcePos | undefined) => string;
  /** renders what Ansible templates at load time, with the play's vars, these and the extra vars */
  render?: (value: unknown, vars: Record<string, unknown>, pos: SourcePos | undefined) => unknown;
  /** the user's own modules; each role loaded adds its library/ */
  library?: ModuleLibrary;
}

/** Loads roles, their dependencies first, each distinct (name, params) once per play. */
export class RoleLoader implements TaskLoader {
  stack: string[] = [];
  /** the folders of the roles being loaded, outermost first: a dependency records them */
  private readonly roleDirs: string[] = [];
  get playbookDir(): string {
    return this.options.playbookDir;
  }
  get render(): RoleLoaderOptions['render'] {
    return this.options.render;
  }
  private readonly seen: Set<string>;
  /** a role's handlers are loaded once per play, however often its tasks are */
  private readonly handlerFiles = new Set<string>();
  readonly roles: RoleInfo[] = [];
  readonly handlers: TaskNode[] = [];
  readonly library: ModuleLibrary;

  constructor(private readonly options: RoleLoaderOptions) {
    this.seen = options.seen ?? new Set();
    this.library = options.library ?? new ModuleLibrary();
  }

  /**
   * A `roles:` entry of a play: a name or `{role, vars, when, tags, ...}`.
   * `always` loads it even when loaded before (include_role runs its role
   * each time; only its dependencies run once).
   */
  loadRef(ref: unknown, scope: Scope, pos: SourcePos | undefined, besideRole?: string, always = false, inherited: Record<string, unknown> = {}): Node[] {
    const record = typeof ref === 'string' ? { role: ref } : ref;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new LoadError('a role must be a name or a mapping with `role:`', posOf(ref) ?? pos);
    }
    const r = record as Record<string, unknown>;
    const name = String(r.role ?? r.name ?? '');
    if (!name) throw new LoadError('a role entry needs `role: NAME`', posOf(ref) ?? pos);
    // Unknown keys of a role entry are its parameters, as in Ansible's old style.
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) if (!ROLE_REF_KEYWORDS.has(k)) params[k] = v;
    const own = readInheritable(r, posOf(ref) ?? pos);
    const roleVars = own.vars ?? {};
    delete own.vars;
    return this.load(name, { ...inherited, ...params, ...roleVars }, inherit(scope, own), posOf(ref) ?? pos, r, always, besideRole);
  }

  /**
   * import_role: loaded each time it is written, unless `allow_duplicates`
   * is false and the same role (same files, same vars) was imported before,
   * as Ansible then skips the role that has run. Its arguments may be
   * templates of the play's, the task's and the extra vars.
   */
  importRole(name: string, ref: Record<string, unknown>, scope: Scope, pos: SourcePos | undefined): Node[] {
    const rendered = { ...ref };
    for (const key of ['tasks_from', 'vars_from', 'defaults_from', 'handlers_from', 'allow_duplicates', 'rolespec_validate']) {
      const value = rendered[key];
      if (typeof value === 'string' && value.includes('{{') && this.options.render) rendered[key] = this.options.render(value, scope.vars, pos);
    }
    if (name.includes('{{') && this.options.render) name = String(this.options.render(name, scope.vars, pos));
    if (rendered.allow_duplicates !== undefined && parseBoolean(rendered.allow_duplicates) === false) {
      const from = ['tasks_from', 'vars_from', 'defaults_from', 'handlers_from'].map((k) => rendered[k]);
      const key = `import\0${name}\0${JSON.stringify(from)}\0${JSON.stringify(scope.vars)}`;
      if (this.imported.has(key)) return [];
      this.imported.add(key);
    }
    return this.load(name, {}, scope, pos, rendered, true);
  }

  /** import_role's roles that allow no duplicates, by name, files and vars */
  private readonly imported = new Set<string>();

  private load(
    name: string,
    params: Record<string, unknown>,
    scope: Scope,
    pos: SourcePos | undefined,
    ref: Record<string, unknown>,
    imported = false,
    besideRole?: string,
  ): Node[] {
    if (name.includes('{{')) {
      if (!this.options.renderName) throw new LoadError(`the role name '${name}' is a template, which only the play's vars can fill`, pos);
      name = this.options.renderName(name, pos);
    }
    // a meta dependency is also looked up beside the role that names it, as Ansible does
    const searchPath = besideRole ? [...this.options.searchPath, besideRole] : this.options.searchPath;
    const dir = findRoleDir(name, searchPath, this.options.playbookDir);
    if (!dir) {
      const shipped = findRoleDir(SHIPPED_ROLE_PREFIX + name, [], this.options.playbookDir);
      throw new LoadError(
        `the role '${name}' was not found in ${searchPath.join(':')}` +
          (shipped ? ` (ezplay ships a role of that name: write '${SHIPPED_ROLE_PREFIX}${name}')` : ''),
        keyPos(ref, 'role') ?? pos,
      );
    }
    const tasksFrom = ref.tasks_from ? String(ref.tasks_from) : 'main';
    const key = `${dir}\0${tasksFrom}\0${JSON.stringify(params)}`;
    // a role may allow itself to run again: `allow_duplicates: true` in its meta/main.yml
    const allowed = parseBoolean(ref.allow_duplicates) === true || parseBoolean(mapping(roleFile(dir, 'meta')).allow_duplicates) === true;
    const duplicate = this.seen.has(key) && !imported && !allowed;
    // a role named again is dropped; a dependency named again is kept for the listings only (listedOnly)
    if (duplicate && !besideRole) return [];
    this.seen.add(key);
    // a role may import its own other task files (tasks_from); only the same file again is a cycle
    const frame = tasksFrom === 'main' ? dir : `${dir} (tasks_from: ${tasksFrom})`;
    if (this.stack.includes(frame)) throw new LoadError(`role dependency cycle: ${[...this.stack, frame].join(' -> ')}`, pos);

    const info: RoleInfo = {
      name: roleDisplayName(name, dir),
      dir,
      defaults: roleVars(dir, 'defaults', ref.defaults_from ? String(ref.defaults_from) : 'main'),
      vars: roleVars(dir, 'vars', ref.vars_from ? String(ref.vars_from) : 'main'),
      params,
      ...(besideRole ? { dependency: true, dependencyOf: [...this.roleDirs].reverse() } : {}),
    };
    this.stack.push(frame);
    this.roleDirs.push(dir);
    try {
      const deps = this.dependencies(dir, scope, pos, params);
      const roleScope: Scope = { ...scope, role: info };
      this.library.addBeside(dir);
      const tasksFile = roleFile(dir, 'tasks', tasksFrom);
      if (!tasksFile && ref.tasks_from) throw new LoadError(`role '${name}' has no tasks/${tasksFrom}.yml`, pos);
      // rolespec_validate: false (include_role, import_role) leaves out the argument spec's check
      const validate = ref.rolespec_validate === undefined || parseBoolean(ref.rolespec_validate) !== false;
      const validation = validate ? argumentSpecTask(dir, tasksFrom, params, info.name) : undefined;
      const taskData = [...(validation ? [validation] : []), ...asList(tasksFile ? loadYamlFile(tasksFile) : [])];
      const tasks = taskData.length ? loadTaskList(taskData, roleScope, this, { file: tasksFile ?? path.join(dir, 'meta'), line: 1 }) : [];
      const handlersFile = roleFile(dir, 'handlers', ref.handlers_from ? String(ref.handlers_from) : 'main');
      if (handlersFile && !this.handlerFiles.has(handlersFile)) {
        this.handlerFiles.add(handlersFile);
        const handlerScope: Scope = { ...roleScope, when: [], tags: [] };
        this.handlers.push(...loadHandlerList(loadYamlFile(handlersFile), handlerScope, this, { file: handlersFile, line: 1 }));
      }
      if (duplicate) return [{ when: [], tags: [], vars: {}, kind: 'block', name: undefined, block: [...deps, ...tasks], rescue: [], always: [], role: info, pos, listedOnly: true }];
      this.roles.push(info);
      return [...deps, ...tasks];
    } finally {
      this.stack.pop();
      this.roleDirs.pop();
    }
  }

  /** A role's meta dependencies; they see the parameters of the role that names them, as in Ansible, under their own. */
  private dependencies(dir: string, scope: Scope, pos: SourcePos | undefined, parentParams: Record<string, unknown>): Node[] {
    const meta = mapping(roleFile(dir, 'meta'));
    const deps = meta.dependencies;
    if (deps === undefined || deps === null) return [];
    if (!Array.isArray(deps)) throw new LoadError('meta dependencies must be a list', posOf(meta) ?? pos);
    return deps.flatMap((dep) => this.loadRef(dep, { ...scope, role: undefined }, posOf(deps) ?? pos, path.dirname(dir), false, parentParams));
  }
}

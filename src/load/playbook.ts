/**
 * A playbook file into Plays. The whole playbook, with every role, import
 * and handler, is loaded and checked here before any host is contacted.
 */
import path from 'node:path';
import { closest } from 'fastest-levenshtein';
import { closeEnough, unsupportedAnsibleKeyword } from '../common/ansible-names.js';
import { LoadError, type SourcePos } from '../errors.js';
import { emptyScope, inherit, readInheritable } from './inherit.js';
import { PLAY_KEYWORDS } from './keywords.js';
import type { Node, Play, Playbook, Serial } from './model.js';
import { ModuleLibrary } from './library.js';

import { RoleLoader, roleSearchPath } from './roles.js';
import { loadHandlerList, loadTaskList } from './tasks.js';
import { keyPos, loadYamlFile, posOf } from './yaml.js';

export interface LoadOptions {
  rolesPath?: string[];
  /**
   * Renders a templated role name (`roles: ["{{ etcd_role }}"]`) with the
   * play's vars, as Ansible does when it loads the play; given by the
   * engine, which has the templates and the extra vars.
   */
  renderRoleName?: (name: string, playVars: Record<string, unknown>, pos: SourcePos | undefined) => string;
  /**
   * Renders what Ansible templates when it loads a playbook (an import's
   * file, import_role's tasks_from and allow_duplicates) with the variables
   * known then, to which the engine adds the extra vars.
   */
  renderAtLoad?: (value: unknown, vars: Record<string, unknown>, pos: SourcePos | undefined) => unknown;
  /** the user's own modules, shared by every playbook file a run loads */
  library?: ModuleLibrary;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseSerial(value: unknown, pos: SourcePos | undefined): Serial | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => {
    if (typeof v === 'number' && v >= 0) return v;
    if (typeof v === 'string' && /^\d+%$/.test(v.trim())) return v.trim();
    if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v);
    if (typeof v === 'string' && v.includes('{{')) return v;
    throw new LoadError(`serial: '${String(v)}' is not a number or a percentage`, pos);
  });
}

/** What an import_playbook gives every play it imports: its `vars`, `when` and `tags`. */
interface ImportScope {
  vars: Record<string, unknown>;
  when: unknown[];
  tags: string[];
}

const NO_IMPORT: ImportScope = { vars: {}, when: [], tags: [] };

function loadPlay(raw: Record<string, unknown>, file: string, options: LoadOptions, imported: ImportScope = NO_IMPORT): Play {
  const pos = posOf(raw);
  for (const key of Object.keys(raw)) {
    if (!PLAY_KEYWORDS.has(key)) {
      const unsupported = unsupportedAnsibleKeyword('play', key);
      if (unsupported) throw new LoadError(unsupported, keyPos(raw, key));
      const hint = closest(key, [...PLAY_KEYWORDS]);
      throw new LoadError(`'${key}' is not a valid attribute for a play${closeEnough(key, hint) ? ` (did you mean '${hint}'?)` : ''}`, keyPos(raw, key));
    }
  }
  if (raw.hosts === undefined || raw.hosts === null) throw new LoadError("the play has no 'hosts'", pos);
  const hosts = Array.isArray(raw.hosts) ? raw.hosts.map(String).join(':') : String(raw.hosts);
  const dir = path.dirname(file);
  const own = readInheritable(raw, pos);
  // an import_playbook's vars win over the play's own, as in Ansible
  const playVars = Object.keys(imported.vars).length ? { ...(isRecord(own.vars) ? own.vars : {}), ...imported.vars } : (own.vars ?? {});
  delete own.vars;
  // Play-level when does not exist in Ansible; conditions start at roles and tasks (an import_playbook's when is on each of them).
  const scope = inherit({ ...emptyScope(), tags: imported.tags }, { ...own, when: imported.when });
  const searchPath = roleSearchPath(dir, options.rolesPath);
  const render = options.renderRoleName;
  const roles = new RoleLoader({
    playbookDir: dir,
    searchPath,
    ...(options.library ? { library: options.library } : {}),
    ...(render ? { renderName: (name: string, at: SourcePos | undefined) => render(name, isRecord(playVars) ? playVars : {}, at) } : {}),
    ...(options.renderAtLoad
      ? { render: (value: unknown, vars: Record<string, unknown>, at: SourcePos | undefined) => options.renderAtLoad!(value, { ...(isRecord(playVars) ? playVars : {}), ...vars }, at) }
      : {}),
  });
  const section = (key: string): Node[] => loadTaskList(raw[key], scope, roles, keyPos(raw, key) ?? pos);

  const preTasks = section('pre_tasks');
  const roleRefs = raw.roles ?? [];
  if (!Array.isArray(roleRefs)) throw new LoadError("'roles' must be a list", keyPos(raw, 'roles'));
  const roleTasks = roleRefs.flatMap((ref) => roles.loadRef(ref, scope, posOf(roleRefs)));
  const tasks = section('tasks');
  const postTasks = section('post_tasks');
  const playHandlers = loadHandlerList(raw.handlers, { ...scope, tags: [] }, roles, keyPos(raw, 'handlers') ?? pos);

  const gather = raw.gather_facts;
  const rollback = raw.rollback ?? 'on_failure';
  if (rollback !== 'on_failure' && rollback !== 'never') {
    throw new LoadError(`rollback must be 'on_failure' or 'never', got '${String(rollback)}'`, keyPos(raw, 'rollback'));
  }
  const varsFiles = raw.vars_files === undefined ? [] : Array.isArray(raw.vars_files) ? raw.vars_files : [raw.vars_files];
  return {
    ...scope,
    // a play without a name is named after its hosts, a list joined with commas as Ansible joins it
    name: raw.name === undefined ? (Array.isArray(raw.hosts) ? raw.hosts.map(String).join(',') : hosts) : String(raw.name),
    hosts,
    ...(Array.isArray(raw.hosts) ? { hostsList: raw.hosts.map(String) } : {}),
    pos,
    dir,
    file,
    roleSearchPath: searchPath,
    library: roles.library,
    vars: isRecord(playVars) ? playVars : {},
    varsFiles,
    roles: roles.roles,
    sections: [preTasks, [...roleTasks, ...tasks], postTasks],
    handlers: [...roles.handlers, ...playHandlers],
    serial: parseSerial(raw.serial, keyPos(raw, 'serial')),
    gatherFacts: gather === undefined ? true : gather === true || gather === 'yes' || gather === 'true',
    maxFailPercentage: raw.max_fail_percentage === undefined ? undefined : Number(raw.max_fail_percentage),
    rollback,
    strategy: raw.strategy === 'free' ? 'free' : 'linear',
    forceHandlers: raw.force_handlers === undefined ? undefined : raw.force_handlers === true || /^(yes|true|on|1)$/i.test(String(raw.force_handlers)),
  };
}

export function loadPlaybook(file: string, options: LoadOptions = {}, stack: string[] = [], importScope: ImportScope = NO_IMPORT): Playbook {
  const abs = path.resolve(file);
  // library/ beside each playbook file holds modules for every play loaded after it, as in Ansible
  options = { ...options, library: options.library ?? new ModuleLibrary() };
  options.library!.addBeside(path.dirname(abs));
  if (stack.includes(abs)) throw new LoadError(`import_playbook cycle: ${[...stack, abs].join(' -> ')}`);
  const doc = loadYamlFile(abs);
  if (doc === null) return { file: abs, dir: path.dirname(abs), plays: [] };
  if (!Array.isArray(doc)) throw new LoadError('a playbook must be a list of plays', posOf(doc) ?? { file: abs, line: 1 });
  const plays: Play[] = [];
  for (const entry of doc) {
    if (!isRecord(entry)) throw new LoadError('a play must be a mapping', posOf(doc) ?? { file: abs });
    const imported = entry.import_playbook ?? entry['ansible.builtin.import_playbook'];
    const inherited = importScope;
    if (imported !== undefined) {
      const vars = isRecord(entry.vars) ? entry.vars : {};
      // a templated file name is filled with the import's vars and the extra vars, as Ansible fills it at load
      const name = typeof imported === 'string' && imported.includes('{{') && options.renderAtLoad
        ? options.renderAtLoad(imported, { ...inherited.vars, ...vars }, posOf(entry))
        : imported;
      const target = path.resolve(path.dirname(abs), String(name));
      const when = entry.when === undefined ? [] : Array.isArray(entry.when) ? entry.when : [entry.when];
      const tags = entry.tags === undefined ? [] : (Array.isArray(entry.tags) ? entry.tags : String(entry.tags).split(',')).map((t) => String(t).trim());
      plays.push(...loadPlaybook(target, options, [...stack, abs], { vars: { ...inherited.vars, ...vars }, when: [...inherited.when, ...when], tags: [...inherited.tags, ...tags] }).plays);
      continue;
    }
    plays.push(loadPlay(entry, abs, options, inherited));
  }
  return { file: abs, dir: path.dirname(abs), plays };
}

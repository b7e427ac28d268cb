/**
 * include_tasks and include_role: loaded per host at run time, because
 * their file or role name may be a template. Hosts that resolve to the
 * same file run its tasks together.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EngineError } from '../errors.js';
import { inherit, withParentRole, type Scope } from '../load/inherit.js';
import type { Node, Play, RoleInfo, TaskNode } from '../load/model.js';
import { RoleLoader } from '../load/roles.js';
import { loadTaskList } from '../load/tasks.js';
import { loadYamlFile } from '../load/yaml.js';
import { literalValues } from '../vars/resolver.js';
import { OMIT } from '../template/index.js';
import type { PlayRuntime } from './runtime.js';

const cache = new Map<string, Node[]>();
/** the roles an include_role loaded (its own and its dependencies), by cache key */
const includedRoles = new Map<string, RoleInfo[]>();
const rolesSeen = new WeakMap<Play, Set<string>>();

/**
 * What the included tasks inherit. Their tags are those above the include
 * (its blocks, role and play) and those of `apply`: the include's own tags
 * select the include itself, as in Ansible.
 */
function scopeOf(task: TaskNode, loopVars: Record<string, unknown> = {}): Scope {
  const above = task.include?.inheritedTags ?? task.tags;
  const base = baseScope(task, above, loopVars);
  // `apply:` is a block around the included tasks, inside the include
  return task.include?.apply ? inherit(base, task.include.apply) : base;
}

function baseScope(task: TaskNode, above: string[], loopVars: Record<string, unknown>): Scope {
  return {
    when: [],
    tags: above,
    // an item was rendered once with the loop; it may hold host output, never a template
    vars: { ...task.vars, ...literalValues(loopVars) },
    role: task.role,
    ...(task.includeParams || task.include?.params ? { includeParams: { ...task.includeParams, ...task.include?.params } } : {}),
    ...(task.become !== undefined ? { become: task.become } : {}),
    ...(task.becomeUser !== undefined ? { becomeUser: task.becomeUser } : {}),
    ...(task.environment !== undefined ? { environment: task.environment } : {}),
    ...(task.noLog !== undefined ? { noLog: task.noLog } : {}),
    ...(task.delegateTo !== undefined ? { delegateTo: task.delegateTo } : {}),
    ...(task.connection !== undefined ? { connection: task.connection } : {}),
    // what the include inherited from its blocks reaches the tasks it includes, as in Ansible
    ...(task.checkMode !== undefined ? { checkMode: task.checkMode } : {}),
    ...(task.diff !== undefined ? { diff: task.diff } : {}),
    ...(task.remoteUser !== undefined ? { remoteUser: task.remoteUser } : {}),
    ...(task.ignoreErrors !== undefined ? { ignoreErrors: task.ignoreErrors } : {}),
    ...(task.anyErrorsFatal !== undefined ? { anyErrorsFatal: task.anyErrorsFatal } : {}),
  };
}

/**
 * Loads what an include names for one host. `loopVars` (the loop variable of
 * one item) become variables of every included task, so each item's tasks
 * are their own nodes.
 */
export function loadDynamicInclude(
  rt: PlayRuntime,
  task: TaskNode,
  vars: Record<string, unknown>,
  loopVars: Record<string, unknown> = {},
): { key: string; nodes: Node[]; roles?: RoleInfo[] } {
  const itemKey = JSON.stringify(loopVars);
  const spec = task.include!;
  const target = String(rt.options.templar.renderValue(spec.target, vars, task.pos) ?? '');
  if (!target) throw new EngineError(`${spec.kind} needs a ${spec.kind === 'include_tasks' ? 'file' : 'role name'}`, task.pos);
  const searchPath = rt.play.roleSearchPath;
  if (spec.kind === 'include_tasks') {
    const bases = [
      // `tasks/x.yml` from a role's handler is the role's own folder's, as Ansible's search finds it
      ...(task.role ? [path.join(task.role.dir, 'tasks'), task.role.dir] : []),
      ...(task.pos ? [path.dirname(task.pos.file)] : []),
      rt.play.dir,
    ];
    const file = path.isAbsolute(target) ? target : bases.map((b) => path.resolve(b, target)).find((f) => existsSync(f));
    if (!file) throw new EngineError(`include_tasks: could not find '${target}' in ${bases.join(', ')}`, task.pos);
    const key = `tasks\0${file}\0${task.pos?.file}:${task.pos?.line}\0${itemKey}`;
    let nodes = cache.get(key);
    if (!nodes) {
      const loader = new RoleLoader({ playbookDir: rt.play.dir, searchPath, ...(rt.play.library ? { library: rt.play.library } : {}) });
      nodes = loadTaskList(loadYamlFile(file), scopeOf(task, loopVars), loader, { file, line: 1 });
      cache.set(key, nodes);
    }
    return { key, nodes };
  }
  // an argument rendered to `omit` is left out, as Ansible leaves it
  const given = (v: unknown) => {
    const value = rt.options.templar.renderValue(v, vars, task.pos);
    return value === OMIT ? undefined : String(value);
  };
  const tasksFrom = spec.tasksFrom !== undefined ? given(spec.tasksFrom) : undefined;
  const from = Object.fromEntries(Object.entries(spec.from ?? {}).flatMap(([k, v]) => { const value = given(v); return value === undefined ? [] : [[k, value]]; }));
  const validate = task.args.rolespec_validate !== undefined ? rt.options.templar.renderValue(task.args.rolespec_validate, vars, task.pos) : undefined;
  const key = `role\0${target}\0${tasksFrom}\0${JSON.stringify(from)}\0${String(validate)}\0${task.pos?.file}:${task.pos?.line}\0${itemKey}`;
  let nodes = cache.get(key);
  if (!nodes) {
    // a meta dependency already brought in by an include_role of this play runs once
    let seen = rolesSeen.get(rt.play);
    if (!seen) rolesSeen.set(rt.play, (seen = new Set()));
    const loader = new RoleLoader({ playbookDir: rt.play.dir, searchPath, seen, ...(rt.play.library ? { library: rt.play.library } : {}) });
    const ref = { role: target, ...(tasksFrom ? { tasks_from: tasksFrom } : {}), ...from, ...(validate !== undefined ? { rolespec_validate: validate } : {}) };
    nodes = loader.loadRef(ref, withParentRole(scopeOf(task, loopVars)), task.pos, undefined, true);
    // a role included once per loop item has its handlers once, as in Ansible
    const known = (h: TaskNode) => rt.play.handlers.some((x) => x === h || (x.pos !== undefined && x.pos.file === h.pos?.file && x.pos.line === h.pos?.line && x.pos.col === h.pos?.col));
    for (const h of loader.handlers) if (!known(h)) rt.play.handlers.push(h);
    cache.set(key, nodes);
    includedRoles.set(key, [...loader.roles]);
  }
  return { key, nodes, roles: includedRoles.get(key) ?? [] };
}

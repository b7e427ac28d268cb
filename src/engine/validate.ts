/**
 * Checks a loaded playbook before any host is contacted: every module
 * exists and every argument name is one it knows. Values may still be
 * templates, so their types are checked per host at run time.
 */
import { closest } from 'fastest-levenshtein';
import { closeEnough, unsupportedAnsibleName } from '../common/ansible-names.js';
import { EngineError, LoadError } from '../errors.js';
import type { ArgSchema } from '../modules/types.js';
import { asyncStatusModule } from './async-status.js';
import { loopItems } from './loop.js';
import type { Node, Playbook, TaskNode } from '../load/model.js';
import { findModule, suggestModule } from '../modules/registry.js';
import { ENGINE_ACTIONS } from '../load/keywords.js';

const META_ACTIONS = new Set(['flush_handlers', 'noop', 'end_play', 'end_host', 'end_batch', 'clear_facts', 'clear_host_errors', 'refresh_inventory', 'reset_connection', 'end_role']);

/** Whether a value holds a template anywhere (then only a run can judge it). */
function templated(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{') || value.includes('{%');
  if (Array.isArray(value)) return value.some(templated);
  if (value && typeof value === 'object') return Object.values(value).some(templated);
  return false;
}

/** Loops over written values, and async/poll, are judged before any host is contacted. */
function checkLoopAndAsync(task: TaskNode): void {
  if (task.loop !== undefined && PURE_LOOPS.has(task.loopKind ?? 'loop') && !templated(task.loop)) {
    try {
      loopItems(task.loopKind, task.loop, task.pos);
    } catch (error) {
      if (error instanceof EngineError) throw new LoadError(error.message, task.pos);
      throw error;
    }
  }
  for (const [key, value] of [['async', task.async], ['poll', task.poll]] as const) {
    if (value === undefined || templated(value)) continue;
    const seconds = Number(value);
    if (!Number.isFinite(seconds) || seconds < 0) throw new LoadError(`${key} must be a number of seconds, got '${String(value)}'`, task.pos);
  }
}

/** The loops whose items depend only on what is written (no controller files, no inventory). */
const PURE_LOOPS = new Set(['loop', 'items', 'list', 'dict', 'indexed_items', 'sequence', 'flattened', 'nested', 'together', 'subelements']);

function checkTask(task: TaskNode): void {
  checkLoopAndAsync(task);
  if (task.module === 'async_status') {
    checkArgNames(asyncStatusModule.name, asyncStatusModule.args, task);
    return;
  }
  if (task.module === 'meta') {
    const action = String(task.args._raw_params ?? '');
    if (!META_ACTIONS.has(action)) throw new LoadError(`meta: unknown action '${action}'`, task.pos);
    return;
  }
  if (ENGINE_ACTIONS.has(task.module)) return;
  // `action: {module: '{{ name }}'}`: known only when the task runs, as in Ansible
  if (task.module.includes('{{')) return;
  const module = findModule(task.module);
  if (!module) {
    const unsupported = unsupportedAnsibleName('module', task.module);
    if (unsupported) throw new LoadError(unsupported, task.pos);
    const hint = suggestModule(task.module);
    throw new LoadError(`couldn't resolve module '${task.module}'${closeEnough(task.module, hint) ? ` (did you mean '${hint}'?)` : ''}`, task.pos);
  }
  if (module.freeArgs) return;
  checkArgNames(module.name, module.args, task);
}

function checkArgNames(name: string, args: ArgSchema, task: TaskNode): void {
  const known = new Set<string>();
  for (const [arg, spec] of Object.entries(args)) {
    known.add(arg);
    for (const alias of spec.aliases ?? []) known.add(alias);
  }
  for (const key of Object.keys(task.args)) {
    if (!known.has(key)) {
      const hint = closest(key, [...known]);
      throw new LoadError(`${name}: unsupported argument '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}`, task.pos);
    }
  }
}

function walk(nodes: readonly Node[], visit: (task: TaskNode) => void): void {
  for (const node of nodes) {
    if (node.kind === 'task') visit(node);
    else {
      walk(node.block, visit);
      walk(node.rescue, visit);
      walk(node.always, visit);
    }
  }
}

export function validatePlaybook(playbook: Playbook): void {
  for (const play of playbook.plays) {
    for (const section of play.sections) walk(section, checkTask);
    walk(play.handlers, checkTask);
  }
}

/** Every task of a playbook in order, for --list-tasks and --list-tags. */
export function allTasks(nodes: readonly Node[]): TaskNode[] {
  const out: TaskNode[] = [];
  walk(nodes, (t) => out.push(t));
  return out;
}

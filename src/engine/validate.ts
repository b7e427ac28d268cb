/**
 * Checks a loaded playbook before any host is contacted: every module
 * exists and every argument name is one it knows. Values may still be
 * templates, so their types are checked per host at run time.
 *
 * Some of these checks Ansible makes only when the task runs (a loop's
 * terms, async/poll, argument names). A task that says it expects to fail
 * (a literal true `ignore_errors`, a `failed_when`, or a place inside a
 * block with a `rescue`) keeps those for the run: the run meets the same
 * error and the task fails there, which is what such a task is written to
 * see. Everywhere else they stop the run at load.
 */
import { closest } from 'fastest-levenshtein';
import { closeEnough, unsupportedAnsibleName } from '../common/ansible-names.js';
import { parseBoolean } from '../common/booleans.js';
import { EngineError, LoadError } from '../errors.js';
import type { ArgSchema } from '../modules/types.js';
import { asyncStatusModule } from './async-status.js';
import { loopItems } from './loop.js';
import type { Node, Playbook, TaskNode } from '../load/model.js';
import { findModule, suggestModule } from '../modules/registry.js';
import { libraryModule } from '../modules/python/library-module.js';
import { ENGINE_ACTIONS } from '../load/keywords.js';
import { VARIABLE_ARGS } from '../load/tasks.js';

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

/** Whether a task is written to meet a failure: the checks Ansible makes at run time are then left for the run. */
function expectsFailure(task: TaskNode, rescued: boolean): boolean {
  const ignored = task.ignoreErrors !== undefined && !templated(task.ignoreErrors) && parseBoolean(task.ignoreErrors) === true;
  return rescued || ignored || task.failedWhen !== undefined;
}

/** What Ansible refuses when it loads a task: an unknown module or meta action. Returns the module's schema to check. */
function checkTaskLoads(task: TaskNode): { name: string; args: ArgSchema } | undefined {
  if (task.module === 'async_status') return asyncStatusModule;
  if (task.module === 'meta') {
    const action = String(task.args._raw_params ?? '');
    if (!META_ACTIONS.has(action)) throw new LoadError(`meta: unknown action '${action}'`, task.pos);
    return undefined;
  }
  if (ENGINE_ACTIONS.has(task.module)) return undefined;
  // `action: {module: '{{ name }}'}`: known only when the task runs, as in Ansible
  if (task.module.includes('{{')) return undefined;
  const module = task.libraryFile ? libraryModule(task.libraryFile) : findModule(task.module);
  if (!module) {
    const unsupported = unsupportedAnsibleName('module', task.module);
    if (unsupported) throw new LoadError(unsupported, task.pos);
    const hint = suggestModule(task.module);
    throw new LoadError(`couldn't resolve module '${task.module}'${closeEnough(task.module, hint) ? ` (did you mean '${hint}'?)` : ''}`, task.pos);
  }
  // arguments that are one template are known only once a run renders them
  return module.freeArgs || VARIABLE_ARGS in task.args ? undefined : module;
}

function checkTask(task: TaskNode, rescued: boolean): void {
  const module = checkTaskLoads(task);
  // what Ansible finds only when the task runs
  try {
    checkLoopAndAsync(task);
    if (module) checkArgNames(module.name, module.args, task);
  } catch (error) {
    if (error instanceof LoadError && expectsFailure(task, rescued)) return;
    throw error;
  }
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

/** Visits every task; `rescued`: the task sits in the `block` of a block (at any depth) that has a `rescue`. */
function walk(nodes: readonly Node[], visit: (task: TaskNode, rescued: boolean) => void, rescued = false): void {
  for (const node of nodes) {
    if (node.kind === 'task') visit(node, rescued);
    else {
      walk(node.block, visit, rescued || node.rescue.length > 0);
      walk(node.rescue, visit, rescued);
      walk(node.always, visit, rescued);
    }
  }
}

export function validatePlaybook(playbook: Playbook): void {
  for (const play of playbook.plays) {
    for (const section of play.sections) walk(section, checkTask);
    walk(play.handlers, checkTask);
  }
}

/**
 * The tasks ansible-playbook's --list-tasks and --list-tags show: those of
 * blocks, not of their rescue and always sections.
 */
export function listedTasks(nodes: readonly Node[]): TaskNode[] {
  return nodes.flatMap((node) => (node.kind === 'task' ? [node] : listedTasks(node.block)));
}

/**
 * One task on one host: conditions, loops, arguments, plan, then (outside
 * check mode) journal the undo and apply; register, changed_when,
 * failed_when, until/retries. Returns what happened; never throws for a
 * host's failure.
 */
import { holdsVault, revealVaults, VaultError, vaultReads } from '../vault/index.js';
import { ConnectionError, EngineError, EzplayError, JournalError, LoopError, MissingArgumentsError, ModuleError, TemplateError, formatPos, type SourcePos } from '../errors.js';
import type { TaskNode } from '../load/model.js';
import { VARIABLE_ARGS } from '../load/tasks.js';
import { secretArgs, toBool, validateArgs } from '../modules/args.js';
import { canonicalModuleName, findModule } from '../modules/registry.js';
import { libraryModule } from '../modules/python/library-module.js';
import type { Diff, HostContext, Module, Plan } from '../modules/types.js';
import type { Connection, ExecResult } from '../connection/types.js';
import { isUndefinedError, OMIT, Templar } from '../template/index.js';
import { filterErrorOf, pythonExceptionOf } from '../template/undefined.js';
import { pyRepr, pyStr } from '../template/python-values.js';
import { withAnsiblePosition } from './ansible-error-text.js';
import { applySteps, uploadLeftovers } from './apply-steps.js';
import type { HostStatus } from './events.js';
import { CONTROLLER, plannedStateFor, recordPlanned } from './check-overlay.js';
import { createHostContext } from './host-context.js';
import { tryFingerprints } from './fingerprints.js';
import type { JournalEntry } from './journal.js';
import { loopItems, lookupSubdir } from './loop.js';
import { asyncStatus, asyncStatusModule, type AsyncStatusArgs } from './async-status.js';
import { progressEmitter, type ProgressSink } from './progress.js';
import { renderKeyword } from './keyword-value.js';
import { addPhase, applyInventoryChange, becomeFor, targetFor, type AsyncJob, type PlayRuntime, type TaskTarget } from './runtime.js';
import { tracedConnection } from './traced-connection.js';

export interface TaskOutcome {
  status: HostStatus;
  result: Record<string, unknown>;
  /** the failure was turned into a pass by ignore_errors */
  ignored: boolean;
}

const warnedWhen = new WeakSet<TaskNode>();

const HIDDEN = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

/**
 * What output may show of a result: a no_log one (marked `_ansible_no_log`)
 * only says whether it changed, failed or was skipped, as Ansible shows it.
 * The registered variable keeps the whole result; only output is censored.
 */
export function censored(result: Record<string, unknown>): Record<string, unknown> {
  if (result._ansible_no_log !== true) return result;
  return {
    censored: HIDDEN,
    changed: result.changed ?? false,
    ...(result.failed ? { failed: true } : {}),
    ...(result.skipped ? { skipped: true } : {}),
    _ansible_no_log: true,
  };
}

/** A diff as Ansible registers it (`result.diff`): before and after with headers naming what changed; secrets left out. */
function registeredDiff(d: Diff): Record<string, string> {
  const text = (t: string) => (d.secret ? 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' : t);
  const header = d.kind === 'content' ? `${d.subject} (content)` : d.subject;
  return { before: text(d.before), after: text(d.after), before_header: header, after_header: header };
}

/** The result marked secret: output shows it censored, the registered variable keeps it. */
const markedNoLog = (result: Record<string, unknown>): Record<string, unknown> => ({ ...result, _ansible_no_log: true });

const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '),
);

/** A name a variable may have: an ASCII Python identifier that is not a keyword (Ansible's isidentifier). */
export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !PYTHON_KEYWORDS.has(name);
}

/** What register keeps of a result: the output hints (Ansible's `_ansible_verbose_*`) are for the callback only. */
export function registered(result: Record<string, unknown>): Record<string, unknown> {
  if (!('_ansible_verbose_always' in result) && !('_ansible_verbose_override' in result) && !('_ansible_facts_cacheable' in result) && !Array.isArray(result.results)) return result;
  const { _ansible_verbose_always: _always, _ansible_verbose_override: _override, _ansible_facts_cacheable: _cacheable, ...kept } = result;
  if (Array.isArray(kept.results)) kept.results = kept.results.map((r) => (r !== null && typeof r === 'object' && !Array.isArray(r) ? registered(r as Record<string, unknown>) : r));
  return kept;
}

/** ansible_loop as `loop_control: extended` gives it; previtem and nextitem only where there is one. */
export function loopInfo(items: unknown[], index: number, allItems = true): Record<string, unknown> {
  const n = items.length;
  return {
    ...(allItems ? { allitems: items } : {}),
    index: index + 1,
    index0: index,
    revindex: n - index,
    revindex0: n - index - 1,
    first: index === 0,
    last: index === n - 1,
    length: n,
    ...(index > 0 ? { previtem: items[index - 1] } : {}),
    ...(index < n - 1 ? { nextitem: items[index + 1] } : {}),
  };
}

/**
 * The variables one loop item adds: the loop variable, ansible_loop_var,
 * ansible_loop and the index_var. `names`: loop_var and index_var as
 * rendered for the host (either may be a template, as in Ansible).
 */
export function itemVars(task: TaskNode, items: unknown[], index: number, names: { loopVar: string; indexVar: string | undefined }): Record<string, unknown> {
  return {
    [names.loopVar]: items[index],
    ansible_loop_var: names.loopVar,
    ansible_loop: loopInfo(items, index, task.loopAllItems !== false),
    ...(names.indexVar ? { [names.indexVar]: index } : {}),
  };
}

/** loop_control's loop_var and index_var, rendered where they are templates. */
export function loopNames(task: TaskNode, templar: Templar, vars: Record<string, unknown>): { loopVar: string; indexVar: string | undefined } {
  const render = (name: string) => (Templar.isTemplate(name) ? String(templar.renderValue(name, vars, task.pos)) : name);
  return { loopVar: render(task.loopVar), indexVar: task.indexVar === undefined ? undefined : render(task.indexVar) };
}

export class TaskRunner {
  constructor(private readonly rt: PlayRuntime) {}

  private get templar() {
    return this.rt.options.templar;
  }

  async run(task: TaskNode, host: string): Promise<TaskOutcome> {
    let outcome: TaskOutcome;
    if (task.register !== undefined && !isIdentifier(task.register)) {
      // Ansible fails the task before running it
      outcome = { status: 'failed', ignored: false, result: { changed: false, failed: true, msg: `Invalid variable name in 'register' specified: '${task.register}'` } };
      this.emit(task, host, outcome, { ms: 0 });
      return outcome;
    }
    try {
      if (task.loop === undefined) {
        outcome = await this.runItem(task, host, undefined);
      } else {
        outcome = await this.runLoop(task, host, this.rt.vars.resolver(host, task).view);
      }
    } catch (error) {
      if (error instanceof JournalError) throw error; // the run stops: no change may run unrecorded
      // A condition, a loop expression or a label that cannot be evaluated fails the task on this host;
      // ignore_errors covers that failure too, as in Ansible
      outcome = this.failure(task, host, error);
      // ignore_errors covers that failure too, as in Ansible
      outcome = { ...outcome, ignored: outcome.status === 'failed' && this.ignoreErrorsOrFalse(task, host) };
      // the loop expression's message may quote its values
      if (task.noLog !== undefined && task.noLog !== false) outcome = { ...outcome, result: markedNoLog(outcome.result) };
      this.emit(task, host, outcome, { ms: 0 });
    }
    if (task.register) this.rt.hosts.get(host)?.assign({ [task.register]: registered(outcome.result) });
    return outcome;
  }

  private async runLoop(task: TaskNode, host: string, vars: Record<string, unknown>): Promise<TaskOutcome> {
    let items: unknown[];
    try {
      items = loopItems(task.loopKind, this.templar.renderValue(task.loop, vars, task.pos), task.pos, (name, terms) => this.templar.query(name, terms, vars, task.pos, lookupSubdir(task.module)));
    } catch (error) {
      // Ansible judges a loop it cannot evaluate after `when`: a false condition skips the task
      if (task.when.length > 0 && !this.all(task.when, vars, task.pos)) {
        const outcome: TaskOutcome = { status: 'skipped', ignored: false, result: { changed: false, skipped: true, skip_reason: 'Conditional result was False' } };
        this.emit(task, host, outcome, { ms: 0 });
        return outcome;
      }
      throw error;
    }
    const results: Record<string, unknown>[] = [];
    let changed = false;
    let failed = false;
    const names = loopNames(task, this.templar, vars);
    for (const [index, item] of items.entries()) {
      const extra = itemVars(task, items, index, names);
      const one = await this.runItem(task, host, extra, names.loopVar);
      results.push({ ...one.result, [names.loopVar]: item, ansible_loop_var: names.loopVar });
      changed ||= one.status === 'changed';
      failed ||= one.status === 'failed' || one.status === 'unreachable';
      if (one.status === 'unreachable') return { ...one, result: { ...one.result, results } };
      if (task.loopPause) await new Promise((r) => setTimeout(r, task.loopPause! * 1000));
    }
    const allSkipped = results.length === 0 || results.every((r) => r.skipped === true);
    const result: Record<string, unknown> = { changed, results, msg: failed ? 'One or more items failed' : 'All items completed' };
    if (failed) result.failed = true;
    if (allSkipped) result.skipped = true;
    if (results.some((r) => r._ansible_no_log === true)) result._ansible_no_log = true;
    const ignored = failed && this.ignoreErrors(task, vars);
    const status: HostStatus = failed ? 'failed' : allSkipped ? 'skipped' : changed ? 'changed' : 'ok';
    return { status, result, ignored };
  }

  /** ignore_errors for a task whose own evaluation failed: one that cannot be evaluated either does not ignore. */
  private ignoreErrorsOrFalse(task: TaskNode, host: string): boolean {
    try {
      return this.ignoreErrors(task, this.rt.vars.resolver(host, task).view);
    } catch {
      return false;
    }
  }

  private ignoreUnreachable(task: TaskNode, vars: Record<string, unknown>): boolean {
    if (task.ignoreUnreachable === undefined) return false;
    return toBool(this.templar.renderValue(task.ignoreUnreachable, vars, task.pos));
  }

  private ignoreErrors(task: TaskNode, vars: Record<string, unknown>): boolean {
    const ignore = renderKeyword(task.ignoreErrors, (v) => this.templar.renderValue(v, vars, task.pos));
    return ignore !== undefined && toBool(ignore);
  }

  /** Reports one item (or the whole task without a loop) to listeners. */
  private emit(task: TaskNode, host: string, outcome: TaskOutcome, extra: { item?: string; diff?: Diff[]; delegatedTo?: string; ms: number }): void {
    const noLog = outcome.result._ansible_no_log === true;
    this.rt.options.events.emit({
      type: 'host_result',
      task: task.name ?? task.module,
      module: task.module,
      host,
      status: outcome.status,
      ...(outcome.ignored ? { ignored: true } : {}),
      ...(extra.delegatedTo ? { delegatedTo: extra.delegatedTo } : {}),
      ...(extra.item !== undefined ? { item: extra.item } : {}),
      msg: noLog ? HIDDEN : (outcome.result.msg as string | undefined),
      ...(extra.diff && !noLog ? { diff: extra.diff } : {}),
      result: noLog ? censored(outcome.result) : outcome.result,
      durationMs: extra.ms,
      pos: task.pos,
    });
  }

  private async runItem(task: TaskNode, host: string, extra: Record<string, unknown> | undefined, loopVar = task.loopVar): Promise<TaskOutcome> {
    const started = performance.now();
    const resolver = this.rt.vars.resolver(host, task, extra);
    const vars = resolver.view;
    const noLog = this.noLog(task, vars);
    // Ansible's `(item=None)`: an item of a no_log task is as secret as its result
    const label = extra ? (noLog ? 'None' : this.itemLabel(task, vars, extra[loopVar])) : undefined;
    // an item's result names its item, as Ansible's does: `item`, `ansible_loop_var`, the index_var
    const indexVar = extra ? Object.keys(extra).find((k) => k !== loopVar && k !== 'ansible_loop_var' && k !== 'ansible_loop') : undefined;
    const itemKeys = extra
      ? { [loopVar]: extra[loopVar], ansible_loop_var: loopVar, ...(indexVar ? { ansible_index_var: indexVar, [indexVar]: extra[indexVar] } : {}) }
      : undefined;
    const emit = (o: TaskOutcome, more: { diff?: Diff[]; delegatedTo?: string } = {}) => {
      const withItem = itemKeys ? { ...o, result: { ...o.result, ...itemKeys } } : o;
      const shown = noLog ? { ...withItem, result: markedNoLog(withItem.result) } : withItem;
      this.emit(task, host, shown, { ...(label !== undefined ? { item: label } : {}), ...more, ms: performance.now() - started });
      return shown;
    };

    this.warnTemplatedWhen(task, host);
    for (const condition of task.when) {
      if (!this.templar.truthy(condition as string, vars, task.pos)) {
        return emit({
          status: 'skipped',
          ignored: false,
          result: { changed: false, skipped: true, skip_reason: 'Conditional result was False', false_condition: condition },
        });
      }
    }
    let diffs: Diff[] | undefined;
    let delegatedTo: string | undefined;
    let result: Record<string, unknown>;
    let status: HostStatus;
    try {
      const run = await this.executeAsync(task, host, vars, noLog);
      diffs = run.diff;
      delegatedTo = run.delegatedTo;
      result = run.result;
      // with until, each attempt was judged already
      if (!run.judged) result = this.judge(task, vars, result);
      status = isFailed(result) ? 'failed' : result.skipped ? 'skipped' : result.changed ? 'changed' : 'ok';
    } catch (error) {
      if (error instanceof JournalError) throw error;
      const failed = this.failure(task, host, error);
      result = failed.result;
      status = failed.status;
      // a module's own failure is a result like any other: failed_when and changed_when judge it, as in Ansible
      if (error instanceof ModuleError && task.failedWhen !== undefined) {
        result = this.judge(task, vars, result);
        status = result.failed ? 'failed' : result.changed ? 'changed' : 'ok';
      }
    }
    // no_log hides the result from output only: the registered variable keeps it, as in Ansible
    if (noLog) result = markedNoLog(result);
    const ignored = (status === 'failed' && this.ignoreErrors(task, vars)) || (status === 'unreachable' && this.ignoreUnreachable(task, vars));
    return emit({ status, result, ignored }, { ...(diffs ? { diff: diffs } : {}), ...(delegatedTo ? { delegatedTo } : {}) });
  }

  /** Whether the task's results are secret; a no_log that cannot be evaluated counts as set. */
  private noLog(task: TaskNode, vars: Record<string, unknown>): boolean {
    if (task.noLog === undefined) return false;
    try {
      const noLog = renderKeyword(task.noLog, (v) => this.templar.renderValue(v, vars, task.pos));
      return noLog !== undefined && toBool(noLog);
    } catch {
      return true;
    }
  }

  /** Ansible's warning, once per task: a condition is an expression, not a template. */
  private warnTemplatedWhen(task: TaskNode, host: string): void {
    if (warnedWhen.has(task)) return;
    // assert's `that` is a list of conditions too
    const that = canonicalModuleName(task.module) === 'assert' ? task.args.that : undefined;
    const conditions = [...task.when, ...(Array.isArray(that) ? that : that === undefined ? [] : [that])];
    const templated = conditions.find((c) => typeof c === 'string' && Templar.isTemplate(c));
    if (templated === undefined) return;
    warnedWhen.add(task);
    this.rt.options.events.emit({
      type: 'warning',
      msg: `conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %}. Found: ${templated}`,
    });
  }

  private itemLabel(task: TaskNode, vars: Record<string, unknown>, item: unknown): string {
    const value = task.loopLabel !== undefined ? this.templar.renderValue(task.loopLabel, vars, task.pos) : item;
    // Python's str() of the value, as Ansible's `(item=...)` shows it
    return pyStr(value);
  }

  /** changed_when and failed_when, evaluated with the result registered under its name. */
  private judge(task: TaskNode, vars: Record<string, unknown>, result: Record<string, unknown>): Record<string, unknown> {
    if (task.changedWhen === undefined && task.failedWhen === undefined) return result;
    const scope = task.register ? withVar(vars, task.register, result) : withResultFields(vars, result);
    const out = { ...result };
    if (task.changedWhen !== undefined) out.changed = this.all(task.changedWhen, scope, task.pos);
    if (task.failedWhen !== undefined) {
      out.failed = this.all(task.failedWhen, scope, task.pos);
      // as Ansible: the module's msg stays, failed_when_result says what the condition gave
      out.failed_when_result = out.failed;
    }
    return out;
  }

  private all(conditions: unknown, vars: Record<string, unknown>, pos: SourcePos | undefined): boolean {
    const list = Array.isArray(conditions) ? conditions : [conditions];
    return list.every((c) => this.templar.truthy(c as string, vars, pos));
  }

  /**
   * `async`/`poll` and async_status. With poll > 0 the task runs as any
   * other, within `async` seconds; with poll 0 it runs in the background
   * and async_status reads its result by ansible_job_id.
   */
  private async executeAsync(
    task: TaskNode,
    host: string,
    vars: Record<string, unknown>,
    noLog: boolean,
  ): Promise<{ result: Record<string, unknown>; diff?: Diff[]; delegatedTo?: string | undefined; judged?: boolean }> {
    const render = (v: unknown) => this.templar.renderValue(v, vars, task.pos);
    if (task.async === undefined) return this.execute(task, host, vars, noLog);
    const seconds = Number(render(task.async));
    if (!Number.isFinite(seconds) || seconds < 0) throw new EngineError(`async must be a number of seconds, got '${String(task.async)}'`, task.pos);
    if (seconds === 0) return this.execute(task, host, vars, noLog);
    const poll = Number(render(task.poll ?? 15));
    if (!Number.isFinite(poll) || poll < 0) throw new EngineError(`poll must be a number of seconds, got '${String(task.poll)}'`, task.pos);
    const jid = `${Date.now()}.${Math.floor(Math.random() * 1e6)}`;
    const job = { ansible_job_id: jid, started: 1 };
    if (poll > 0) {
      const out = await this.execute(task, host, vars, noLog, seconds * 1000);
      return { ...out, result: { ...out.result, ...job, finished: 1 } };
    }
    const entry: AsyncJob = { host, done: Promise.resolve() };
    entry.done = this.execute(task, host, vars, noLog, seconds * 1000).then(
      (out) => {
        entry.result = 'judged' in out && out.judged ? out.result : this.judge(task, vars, out.result);
      },
      (error: unknown) => {
        if (error instanceof JournalError) throw error;
        entry.result = this.failure(task, host, error).result;
      },
    );
    this.rt.asyncJobs.set(jid, entry);
    return { result: { changed: true, ...job, finished: 0 } };
  }

  /** Arguments written as one template (`helm: "{{ defaults | combine(item) }}"`): the mapping it rendered to, under the task's other arguments. */
  private variableArgs(rendered: Record<string, unknown>, host: string, task: TaskNode): Record<string, unknown> {
    const { [VARIABLE_ARGS]: value, ...rest } = rendered;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ModuleError(`invalid or malformed argument: '${pyStr(value)}' (the arguments template must render to a mapping)`, {}, task.pos);
    }
    this.rt.options.events.emit({ type: 'warning', host, msg: "Using a variable for a task's 'args' is unsafe in some situations" });
    return { ...(value as Record<string, unknown>), ...rest };
  }

  /** Plans, and outside check mode applies, with until/retries. */
  private async execute(task: TaskNode, host: string, vars: Record<string, unknown>, noLog: boolean, asyncMs?: number) {
    // a module named by a template is found when the task runs
    const moduleName = task.module.includes('{{') ? String(this.templar.renderValue(task.module, vars, task.pos)) : task.module;
    const module = moduleName === 'async_status' ? asyncStatusModule : task.libraryFile ? libraryModule(task.libraryFile) : findModule(moduleName);
    if (!module) throw new ModuleError(`couldn't resolve module/action '${moduleName}'`, {}, task.pos);
    const vaultReadsBefore = vaultReads();
    let rendered: Record<string, unknown>;
    try {
      rendered = (module.textArgs ? this.templar.renderText(task.args, vars, task.pos) : this.templar.renderValue(task.args, vars, task.pos)) as Record<string, unknown>;
    } catch (error) {
      throw argsTemplateFailure(error, task) ?? undefinedOption(error);
    }
    // set_fact's names may be templates too (`set_fact: '{{ item }}=x'`), rendered as Ansible does
    if (module.freeArgs) rendered = Object.fromEntries(Object.entries(rendered).map(([k, v]) => [k.includes('{') ? String(this.templar.renderValue(k, vars, task.pos)) : k, v]));
    if (VARIABLE_ARGS in rendered) rendered = this.variableArgs(rendered, host, task);
    // a `!vault` value reaches a module decrypted (set_fact keeps it as it is, still a vault)
    if (!module.freeArgs && holdsVault(rendered)) {
      try {
        rendered = revealVaults(rendered) as Record<string, unknown>;
      } catch (error) {
        if (error instanceof VaultError) throw new ModuleError(error.message);
        throw error;
      }
    }
    // arguments that used a vault value, as it is or through a template: the task's diff is
    // redacted and its journal entry sealed, as for a no_log task (its printed result is not, as in Ansible)
    const vaulted = vaultReads() !== vaultReadsBefore;
    let args: Record<string, unknown>;
    try {
      args = validateArgs(module.name, module.args, rendered, task.pos, OMIT, { freeArgs: module.freeArgs });
    } catch (error) {
      // met while running (the task expects failures): the result says it in Ansible's words
      if (error instanceof MissingArgumentsError) throw new ModuleError(error.missing, {}, task.pos);
      throw error;
    }
    const render = (v: unknown) => this.templar.renderValue(v, vars, task.pos);
    const delegateKeyword = renderKeyword(task.delegateTo, render);
    const delegateTo = delegateKeyword !== undefined ? String(delegateKeyword) : undefined;
    const reached: TaskTarget = module.controllerOnly
      ? { conn: this.rt.controller, name: 'localhost', address: 'localhost' }
      : await targetFor(this.rt, task, host, vars, delegateTo);
    const become = module.controllerOnly ? undefined : becomeFor(this.rt, task, host, vars, render);
    // from -vvv on, each command the connection runs is shown as Ansible shows it; not for a no_log
    // task, whose commands may carry its secrets (Ansible's carry none: its arguments go in a file)
    const events = this.rt.options.events;
    const secrets = [...secretArgs(module.args).map((name) => args[name]), become?.password].filter((v): v is string => typeof v === 'string' && v !== '');
    const target = this.rt.options.verbosity > 2 && !noLog
      ? { ...reached, conn: tracedConnection(reached.conn, { address: reached.address, user: reached.user, secrets, log: (msg) => events.emit({ type: 'verbose', host, msg }) }) }
      : reached;
    const envKeyword = renderKeyword(task.environment, render);
    const env = envKeyword !== undefined ? mergeEnvironment(envKeyword) : undefined;
    const checkKeyword = renderKeyword(task.checkMode, render);
    const check = checkKeyword !== undefined ? toBool(checkKeyword) : this.rt.options.check;
    const diffKeyword = renderKeyword(task.diff, render);
    const showDiff = diffKeyword !== undefined ? toBool(diffKeyword) : this.rt.options.diff;
    const taskName = task.name ?? task.module;
    const progress = progressEmitter(this.rt.options.events, { key: `${taskName}@${host}`, host, task: taskName });
    const ownTimeoutMs = task.timeout !== undefined ? timeoutOf(render(task.timeout), task.pos) : undefined;
    const timeoutMs = asyncMs !== undefined ? Math.min(asyncMs, ownTimeoutMs ?? Infinity) : ownTimeoutMs;

    const overlayKey = reached.conn === this.rt.controller ? CONTROLLER : target.name;
    // a new context per attempt: until/retries read the host again, not the cached facts
    // a template the module renders (a template file) may use a vault value too
    const usedVault = { value: vaulted };
    const noting = <T>(fn: () => T): T => {
      const before = vaultReads();
      try {
        return fn();
      } finally {
        if (vaultReads() !== before) usedVault.value = true;
      }
    };
    const newContext = () => createHostContext({
      host,
      conn: target.conn,
      vars,
      become,
      planned: check ? plannedStateFor(this.rt.planned, overlayKey) : undefined,
      controllerPlanned: check ? plannedStateFor(this.rt.planned, CONTROLLER) : undefined,
      runId: this.rt.journal.runId,
      pos: task.pos,
      roleDir: task.role?.dir,
      playbookDir: this.rt.play.dir,
      render: (text, source, template) => noting(() => this.templar.renderFile(text, vars, source, {}, template, template?.syntax)),
      evaluate: (expression, source) => noting(() => this.templar.evaluate(expression, vars, source)),
      warn: (msg) => this.rt.options.events.emit({ type: 'warning', host, msg }),
      progress,
      ...(env ? { env } : {}),
      ...(delegateTo !== undefined ? { delegatedTo: delegateTo } : {}),
      controller: this.rt.controller,
      local: target.conn.transport === 'local',
    });

    // Ansible's attempts: retries + 1 (retries defaults to 3), one when retries is 0 or less; until is judged only when there are more
    const retries = task.until !== undefined ? Number(render(task.retries ?? 3)) : 0;
    if (!Number.isFinite(retries)) throw new EngineError(`retries must be a number, got '${String(task.retries)}'`, task.pos);
    const attempts = task.until === undefined || retries <= 0 ? 1 : Math.trunc(retries) + 1;
    const delayValue = Number(render(task.delay ?? 5));
    if (!Number.isFinite(delayValue)) throw new EngineError(`delay must be a number of seconds, got '${String(task.delay)}'`, task.pos);
    const delay = delayValue < 0 ? 1 : delayValue;
    // a wait the module did not end (it failed half-way) ends with the task
    try {
      for (let attempt = 1; ; attempt++) {
        let out: { result: Record<string, unknown>; diff?: Diff[] };
        try {
          out =
            module === asyncStatusModule
              ? { result: asyncStatus(this.rt.asyncJobs, args as unknown as AsyncStatusArgs) }
              : await this.once(module, newContext(), args, task, host, target, { check, checkModeSet: checkKeyword !== undefined, become, env, progress, overlayKey, noLog, usedVault, timeoutMs });
        } catch (error) {
          // With until, a module's failure is a result to judge and retry (a probe before a service is up).
          if (task.until === undefined || !(error instanceof ModuleError)) throw error;
          const msg = error.result && 'msg' in error.result ? error.result.msg : error.message;
          out = { result: { changed: false, ...error.result, failed: true, msg } };
        }
        // the task's `diff` keyword (else --diff) decides whether its diff is shown at all
        if (!showDiff) delete out.diff;
        if (usedVault.value && out.diff) out.diff = out.diff.map((d) => ({ ...d, secret: true }));
        // in diff mode the registered result has the diff too, in Ansible's shape; a module that
        // gives its own (file's before/after mappings) keeps it, in any mode, as Ansible's result does
        const shownDiff = out.diff?.length && out.result.diff === undefined ? { diff: out.diff.map(registeredDiff) } : {};
        const result = { ...out.result, ...shownDiff };
        // debug, set_fact and the like run on the controller without being delegated there
        const shown = module.controllerOnly ? delegateTo : target.name;
        const delegatedTo = shown !== undefined && shown !== host ? shown : undefined;
        if (task.until === undefined) return { ...out, result, delegatedTo };
        // Every attempt is a result of its own: registered, judged by changed_when and
        // failed_when (which see its `attempts`), then by until, as Ansible does.
        const judged = this.judge(task, vars, { ...result, attempts: attempt });
        if (attempts === 1) return { ...out, result: judged, delegatedTo, judged: true };
        const scope = task.register ? withVar(vars, task.register, judged) : withResultFields(vars, judged);
        if (this.all(task.until, scope, task.pos)) return { ...out, result: judged, delegatedTo, judged: true };
        if (attempt >= attempts) {
          // out of attempts: failed, with Ansible's count (one less than it made)
          return { ...out, result: { ...judged, attempts: attempts - 1, failed: true }, delegatedTo, judged: true };
        }
        this.rt.options.events.emit({
          type: 'retry',
          task: task.name ?? task.module,
          host,
          ...(delegatedTo !== undefined ? { delegatedTo } : {}),
          retriesLeft: attempts - attempt,
          result: noLog ? censored(markedNoLog(judged)) : { ...judged, retries: attempts },
        });
        progress({ text: `until: attempt ${attempt}/${attempts} not met yet, next in ${delay} s`, done: attempt, total: attempts, unit: 'count' });
        await new Promise((r) => setTimeout(r, delay * 1000));
      }
    } finally {
      progress({ text: '', end: true });
    }
  }

  private async once(
    module: Module<any>,
    ctx: HostContext,
    args: Record<string, unknown>,
    task: TaskNode,
    host: string,
    target: { conn: Connection; name: string },
    how: {
      check: boolean;
      /** the task's own check_mode decides (it never records what a check run would make) */
      checkModeSet: boolean;
      become: ReturnType<typeof becomeFor>;
      env: Record<string, string> | undefined;
      progress: ProgressSink;
      overlayKey: string;
      noLog: boolean;
      /** set once the task's arguments or its module's templates used a vault value */
      usedVault?: { value: boolean };
      timeoutMs: number | undefined;
    },
  ): Promise<{ result: Record<string, unknown>; diff?: Diff[] }> {
    const t0 = performance.now();
    const plan: Plan = await module.plan(ctx, args);
    addPhase(this.rt, 'plan', performance.now() - t0);
    if (plan.facts) this.rt.hosts.get(host)?.assign(plan.facts);
    if (plan.includedVars) this.rt.hosts.get(host)?.include(plan.includedVars);
    // set_fact: cacheable=true also keeps them in the fact cache, for later runs
    if (plan.facts && plan.result?._ansible_facts_cacheable === true) this.rt.options.factCache?.update(host, plan.facts);
    if (plan.inventory) applyInventoryChange(this.rt, plan.inventory);
    for (const w of plan.warnings ?? []) this.rt.options.events.emit({ type: 'warning', host, msg: w });
    // the registered result carries the warnings too, as Ansible's does
    const base = { ...plan.result, ...(plan.msg ? { msg: plan.msg } : {}), ...(plan.warnings?.length ? { warnings: [...plan.warnings] } : {}) };
    const diff = plan.diff?.length ? plan.diff : undefined;
    if (!plan.changed) return { result: { ...base, changed: false }, ...(diff ? { diff } : {}) };
    if (how.check) {
      // Ansible's words for a command check mode cannot run
      if (plan.opaque) return { result: { ...base, changed: false, skipped: true, msg: 'Command would have run if not in check mode' } };
      // what a check run would have made; a task that says check_mode: true never makes it, even in a real run
      if (this.rt.options.check && !how.checkModeSet) recordPlanned(this.rt.planned, how.overlayKey, plan);
      return { result: { ...base, ...(plan.checkMsg ? { msg: plan.checkMsg } : {}), changed: true }, ...(diff ? { diff } : {}) };
    }
    const t1 = performance.now();
    // `changed_when: false` declares a read-only probe (ss, etcdctl member
    // list): nothing to undo, so no "cannot undo" entry in the journal.
    const readOnly = task.changedWhen === false || String(task.changedWhen).trim().toLowerCase() === 'false';
    let journaled: JournalEntry | undefined;
    if (plan.steps?.length && !readOnly) {
      const leftovers = uploadLeftovers(plan.steps, this.rt.journal.runId);
      const cleanup = [...leftovers, ...(plan.cleanup ?? [])];
      const writes = plan.writes?.length ? [...new Set(plan.writes)] : undefined;
      const before = await tryFingerprints(target.conn, writes, how.become);
      journaled = this.rt.journal.record({
        host,
        target: target.name,
        task: task.name ?? task.module,
        undo: plan.undo && [...leftovers, ...plan.undo],
        ...(cleanup.length ? { cleanup } : {}),
        ...(plan.cleanup?.length ? { backups: true } : {}),
        // the journal writes the user only; the password stays in memory for this run's own rollback
        ...(how.become ? { become: how.become } : {}),
        play: this.rt.playIndex,
        rollback: !this.rt.options.rollback ? 'never' : plan.undoOnRequest && this.rt.play.rollback === 'on_failure' ? 'on_request' : this.rt.play.rollback,
        ...(how.noLog || how.usedVault?.value ? { secret: true } : {}),
        ...(writes ? { writes } : {}),
        ...(before ? { before } : {}),
      });
    }
    let done = 0;
    let outputs: ExecResult[] = [];
    try {
      outputs = plan.steps?.length
        ? await applySteps(plan.steps, {
            host: target.conn,
            controller: this.rt.controller,
            become: how.become,
            env: how.env,
            progress: how.progress,
            timeoutMs: how.timeoutMs,
            runId: this.rt.journal.runId,
            onStepDone: () => done++,
          })
        : [];
    } finally {
      // What the steps left, even when one failed: undo checks the host against it. A change
      // without writes that finished needs no line: its entry alone says as much.
      const of = plan.steps?.length ?? 0;
      if (journaled && (journaled.writes || done < of)) {
        const left = await tryFingerprints(target.conn, journaled.writes, how.become);
        this.rt.journal.recordOutcome(journaled.seq, { done, of, left });
      }
    }
    const after = plan.afterApply ? await plan.afterApply(outputs) : {};
    // facts a module reports once it ran (a user's module from library/) become the host's, as in Ansible
    const reported = after.ansible_facts;
    if (typeof reported === 'object' && reported !== null && !Array.isArray(reported)) this.rt.hosts.get(host)?.assign(reported as Record<string, unknown>);
    addPhase(this.rt, 'apply', performance.now() - t1);
    return { result: { ...base, changed: true, ...after }, ...(diff ? { diff } : {}) };
  }

  private failure(task: TaskNode, host: string, error: unknown): TaskOutcome {
    if (error instanceof ConnectionError) {
      // A lost connection is never reused: the next use (a rollback, a later play) reconnects.
      this.rt.pool.forget(host);
      const status: HostStatus = error.unreachable ? 'unreachable' : 'failed';
      return { status, ignored: false, result: { failed: true, unreachable: error.unreachable, msg: error.message, changed: false } };
    }
    if (error instanceof ModuleError) {
      // a module that gives its result a msg (assert's fail_msg) registers that msg, as in Ansible
      const msg = error.result && 'msg' in error.result ? error.result.msg : error.message;
      return { status: 'failed', ignored: false, result: { changed: false, ...error.result, failed: true, msg } };
    }
    if (error instanceof LoopError) return { status: 'failed', ignored: false, result: { changed: false, failed: true, msg: error.message } };
    if (error instanceof EzplayError) {
      // a filter's own refusal is the whole msg, as Ansible's AnsibleFilterError makes it
      const filterError = filterErrorOf(error);
      return { status: 'failed', ignored: false, result: { changed: false, failed: true, msg: filterError ? filterError.message : error.describe() } };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'failed', ignored: false, result: { changed: false, failed: true, msg: `unexpected error: ${message}`, exception: (error as Error)?.stack } };
  }
}

/**
 * An undefined variable in a task's arguments, worded as Ansible words it
 * ("The task includes an option with an undefined variable. The error was:
 * ..."), which plays test with startswith; the place follows.
 */
function undefinedOption(error: unknown): unknown {
  if (!(error instanceof TemplateError) || !isUndefinedError(error)) return error;
  const where = error.pos ? `\n\nThe error appears to be in ${formatPos(error.pos)}` : '';
  const out = new TemplateError(`The task includes an option with an undefined variable. The error was: ${error.message}${where}`, undefined, { cause: error });
  out.excerpt = error.excerpt;
  return out;
}

/**
 * A Python exception raised while the task's arguments were templated, as
 * Ansible words the task's failure: a TypeError as its templar's unexpected
 * type error, a ValueError as an invalid value of the field 'args' (the
 * arguments as written, in Python's repr) with where the task is. Others
 * keep ezplay's own message.
 */
function argsTemplateFailure(error: unknown, task: TaskNode): ModuleError | undefined {
  const raised = pythonExceptionOf(error);
  if (!raised) return undefined;
  if (raised.pythonType === 'TypeError') {
    const text = error instanceof TemplateError ? error.template : undefined;
    if (text === undefined) return undefined;
    return new ModuleError(`Unexpected templating type error occurred on (${text}): ${raised.message}. ${raised.message}`, {}, task.pos);
  }
  if (raised.pythonType !== 'ValueError') return undefined;
  const message = `the field 'args' has an invalid value (${pyRepr(task.args)}), and could not be converted to an dict.The error was: ${raised.message}`;
  return new ModuleError(withAnsiblePosition(message, task.pos), {}, task.pos);
}

/**
 * Whether a result failed, as Ansible's TaskResult says: failed_when's
 * verdict when it gave one (an `until` out of attempts sets `failed` on a
 * result that failed_when passed, and the task still passes), else `failed`.
 */
function isFailed(result: Record<string, unknown>): boolean {
  return Boolean('failed_when_result' in result ? result.failed_when_result : result.failed);
}

/** `environment` as one mapping: a list of mappings (play, block, task) merges, the last winning. */
function mergeEnvironment(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const layer of Array.isArray(value) ? value : [value]) {
    if (layer && typeof layer === 'object') for (const [k, v] of Object.entries(layer)) out[k] = String(v);
  }
  return out;
}

/** The `timeout:` keyword: a positive number of seconds (0 means none, as in Ansible). */
function timeoutOf(value: unknown, pos: SourcePos | undefined): number | undefined {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) throw new EngineError(`timeout must be a number of seconds, got '${String(value)}'`, pos);
  return seconds > 0 ? seconds * 1000 : undefined;
}


function withVar(vars: Record<string, unknown>, name: string, value: unknown): Record<string, unknown> {
  return new Proxy(vars, {
    get: (t, k) => (k === name ? value : Reflect.get(t, k)),
    has: (t, k) => k === name || Reflect.has(t, k),
  });
}

/** Without `register`, changed_when/failed_when may still name the result's fields (rc, stdout). */
function withResultFields(vars: Record<string, unknown>, result: Record<string, unknown>): Record<string, unknown> {
  return new Proxy(vars, {
    get: (t, k) => (typeof k === 'string' && k in result ? result[k] : Reflect.get(t, k)),
    has: (t, k) => (typeof k === 'string' && k in result) || Reflect.has(t, k),
  });
}

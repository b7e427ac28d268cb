/**
 * The linear strategy for one play: each task runs on every active host of
 * the batch at once (bounded by --forks); the next starts when all are
 * done. Blocks catch failures in rescue, handlers run at flush points.
 */
import { censored, itemVars, loopNames, registered, TaskRunner, type TaskOutcome } from './task-runner.js';
import { mapLimit } from '../common/map-limit.js';
import { factVariables, FACTS_SCRIPT, parseFacts } from '../facts/host.js';
import { selectedByTags } from './tags.js';
import { addPhase, connectionFor, remoteUserOf, specFor, type PlayRuntime } from './runtime.js';
import { loadDynamicInclude } from './includes.js';
import { loopItems, lookupSubdir } from './loop.js';
import { progressEmitter } from './progress.js';
import { canonicalModuleName } from '../modules/registry.js';
import type { BlockNode, Node, RoleInfo, TaskNode } from '../load/model.js';
import { ConnectionError, EngineError } from '../errors.js';
import { parseBoolean } from '../common/booleans.js';
import type { HostStatus } from './events.js';

export class PlayRunner {
  private readonly runner: TaskRunner;
  private readonly ended = new Set<string>();
  /** meta: end_role: per host, the roles (as loaded) whose remaining tasks it skips */
  private readonly endedRoles = new Map<string, Set<RoleInfo>>();
  /** running the tasks a handler included */
  private inHandler = false;
  /** handlers whose name could not be rendered, warned about once */
  private readonly unusableHandlers = new WeakSet<TaskNode>();

  constructor(private readonly rt: PlayRuntime) {
    this.runner = new TaskRunner(rt);
  }

  private get events() {
    return this.rt.options.events;
  }

  active(hosts: readonly string[]): string[] {
    return hosts.filter((h) => this.rt.hosts.get(h)?.active && !this.ended.has(h));
  }

  /** The active hosts for a task: those that ended its role with meta: end_role are left out. */
  private activeFor(task: TaskNode, hosts: readonly string[]): string[] {
    const role = task.role;
    const active = this.active(hosts);
    return role ? active.filter((h) => !this.endedRoles.get(h)?.has(role)) : active;
  }

  /** the hosts of the batch running: a run_once task's result reaches them all, as in Ansible */
  private batch: readonly string[] = [];

  async runBatch(batch: string[]): Promise<void> {
    this.batch = batch;
    if (this.rt.play.gatherFacts) await this.gatherFacts(batch);
    for (const section of this.rt.play.sections) {
      await this.runNodes(section, batch);
      await this.flushHandlers(batch);
    }
    // a fire-and-forget task is driven from here: the batch ends when it has
    await Promise.all([...this.rt.asyncJobs.values()].map((job) => job.done));
  }

  private async gatherFacts(hosts: string[]): Promise<void> {
    const todo = this.active(hosts);
    if (todo.length === 0) return;
    this.events.emit({ type: 'task_start', name: 'Gathering Facts', module: 'setup', handler: false, hosts: todo });
    const started = performance.now();
    await mapLimit(todo, this.rt.options.forks, async (host) => {
      const t0 = performance.now();
      const state = this.rt.hosts.get(host)!;
      try {
        const vars = this.rt.vars.resolver(host).view;
        const play = this.rt.play;
        const conn = await connectionFor(this.rt, specFor(host, vars, play.connection === 'local', remoteUserOf(this.rt, play, vars)));
        const res = await conn.exec(FACTS_SCRIPT);
        if (res.rc !== 0) throw new Error(res.stderr.trim() || `facts script exited ${res.rc}`);
        const facts = parseFacts(res.stdout);
        state.setFacts(factVariables(facts));
        // the cache holds them under their variable names, as Ansible's does
        this.rt.options.factCache?.update(host, Object.fromEntries(Object.entries(facts).map(([k, v]) => [`ansible_${k}`, v])));
        this.record(host, 'ok', false);
        this.events.emit({ type: 'host_result', task: 'Gathering Facts', host, status: 'ok', durationMs: performance.now() - t0 });
      } catch (error) {
        const unreachable = error instanceof ConnectionError && error.unreachable;
        const status: HostStatus = unreachable ? 'unreachable' : 'failed';
        this.mark(host, status);
        this.record(host, status, false);
        const msg = error instanceof Error ? error.message : String(error);
        this.events.emit({ type: 'host_result', task: 'Gathering Facts', host, status, msg, durationMs: performance.now() - t0 });
      }
    });
    addPhase(this.rt, 'facts', performance.now() - started);
  }

  private mark(host: string, status: HostStatus): void {
    const state = this.rt.hosts.get(host);
    if (!state) return;
    if (status === 'unreachable') state.unreachable = true;
    if (status === 'failed') state.failed = true;
  }

  private record(host: string, status: HostStatus, ignored: boolean, changed = false): void {
    const c = this.rt.hosts.get(host)?.counters;
    if (!c) return;
    if (ignored) {
      // Ansible counts an ignored failure as ok (and changed, when it changed) besides ignored
      c.ignored++;
      c.ok++;
      if (changed) c.changed++;
      return;
    }
    c[status]++;
    // Ansible counts a changed task as ok too.
    if (status === 'changed') c.ok++;
  }

  async runNodes(nodes: readonly Node[], hosts: readonly string[]): Promise<void> {
    for (const node of nodes) {
      if ((this.inHandler ? this.handlerHosts(hosts) : this.active(hosts)).length === 0) return;
      if (node.kind === 'block' && node.listedOnly) continue;
      if (node.kind === 'block') await this.runBlock(node, hosts);
      else await this.runTask(node, hosts, false);
    }
  }

  private async runBlock(block: BlockNode, hosts: readonly string[]): Promise<void> {
    const entered = this.active(hosts);
    await this.runNodes(block.block, entered);
    const failed = entered.filter((h) => this.rt.hosts.get(h)?.failed);
    if (block.rescue.length && failed.length) {
      for (const h of failed) {
        const state = this.rt.hosts.get(h)!;
        state.failed = false;
        state.counters.failed--;
        state.counters.rescued++;
        if (state.lastFailure) state.assign({ ansible_failed_task: state.lastFailure.task, ansible_failed_result: state.lastFailure.result });
      }
      await this.runNodes(block.rescue, failed);
    }
    if (block.always.length) {
      const stillFailed = entered.filter((h) => this.rt.hosts.get(h)?.failed);
      const cleared = new Map(stillFailed.map((h) => [h, this.rt.hosts.get(h)!.errorsCleared]));
      for (const h of stillFailed) this.rt.hosts.get(h)!.failed = false;
      await this.runNodes(block.always, entered.filter((h) => !this.rt.hosts.get(h)?.unreachable));
      // a meta: clear_host_errors in the always section forgives the failure for good
      for (const h of stillFailed) if (this.rt.hosts.get(h)!.errorsCleared === cleared.get(h)) this.rt.hosts.get(h)!.failed = true;
    }
  }

  private selected(task: TaskNode, hosts: readonly string[]): boolean {
    return selectedByTags(this.renderedTags(task, hosts), this.rt.options.tags, this.rt.options.skipTags);
  }

  /** Tags written as templates are rendered, as Ansible renders them, with the first host's variables. */
  private renderedTags(task: TaskNode, hosts: readonly string[]): string[] {
    if (!task.tags.some((t) => t.includes('{{'))) return task.tags;
    const host = this.active(hosts)[0] ?? hosts[0];
    if (host === undefined) return task.tags;
    const vars = this.rt.vars.resolver(host, task).view;
    return task.tags.flatMap((tag) => {
      if (!tag.includes('{{')) return [tag];
      try {
        const value = this.rt.options.templar.renderValue(tag, vars, task.pos);
        return (Array.isArray(value) ? value : String(value).split(',')).map((t) => String(t).trim()).filter(Boolean);
      } catch (error) {
        this.events.emit({ type: 'warning', msg: `the tag '${tag}' could not be rendered, so it is kept as written: ${(error as Error).message}` });
        return [tag];
      }
    });
  }

  async runTask(task: TaskNode, hosts: readonly string[], handler: boolean): Promise<void> {
    if (!handler && !this.selected(task, hosts)) return;
    if (this.rt.startAt.task !== undefined && !handler) {
      if (task.name !== this.rt.startAt.task) return;
      this.rt.startAt.task = undefined;
    }
    if (task.module === 'meta') return this.meta(task, hosts, handler);
    if (task.include) return this.include(task, hosts, handler);
    let targets = handler || this.inHandler ? this.handlerHosts(hosts) : this.activeFor(task, hosts);
    if (targets.length === 0) return;
    // add_host adds one host per task (or per loop item), not one per play host: Ansible's bypass_host_loop
    const runOnce = this.keywordFor(task, task.runOnce, targets) || canonicalModuleName(task.module) === 'add_host';
    if (runOnce) targets = targets.slice(0, 1);
    const name = task.name ?? task.module;
    this.events.emit({ type: 'task_start', name, module: task.module, role: task.role?.name, handler, pos: task.pos, hosts: targets });
    const outcomes = await mapLimit(targets, this.rt.options.forks, (host) => this.runner.run(task, host));
    targets.forEach((host, i) => this.settle(task, host, outcomes[i] as TaskOutcome));
    if (runOnce) this.shareRunOnce(task, targets[0] as string, outcomes[0] as TaskOutcome, hosts);
    this.checkFailureThresholds(task, hosts);
  }

  private settle(task: TaskNode, host: string, outcome: TaskOutcome): void {
    this.record(host, outcome.status, outcome.ignored, outcome.result.changed === true);
    if (!outcome.ignored) this.mark(host, outcome.status);
    if (outcome.status === 'failed' && !outcome.ignored) {
      const state = this.rt.hosts.get(host);
      if (state) state.lastFailure = { task: { name: task.name ?? task.module, action: task.module }, result: censored(outcome.result) };
    }
    if (outcome.status === 'changed' && task.notify.length) {
      let set = this.rt.notified.get(host);
      if (!set) this.rt.notified.set(host, (set = new Set()));
      for (const n of this.notifiedNames(task, host)) {
        if (!this.handlerKnown(n, host)) this.missingHandler(n);
        set.add(n);
      }
    }
  }

  /** What a task notifies: its `notify` entries rendered with the host's variables (one may give a list). */
  private notifiedNames(task: TaskNode, host: string): string[] {
    if (!task.notify.some((n) => n.includes('{{'))) return task.notify;
    const vars = this.rt.vars.resolver(host, task).view;
    return task.notify.flatMap((n) => {
      if (!n.includes('{{')) return [n];
      const value = this.rt.options.templar.renderValue(n, vars, task.pos);
      return Array.isArray(value) ? value.map(String) : [String(value)];
    });
  }

  /** A handler's name, rendered as Ansible renders it (listen topics are not); undefined when it cannot be. */
  private handlerName(handler: TaskNode, host: string): string | undefined {
    const name = handler.name;
    if (name === undefined || !name.includes('{{')) return name;
    try {
      return String(this.rt.options.templar.renderValue(name, this.rt.vars.resolver(host, handler).view, handler.pos));
    } catch (error) {
      if (!this.unusableHandlers.has(handler)) {
        this.unusableHandlers.add(handler);
        this.events.emit({
          type: 'warning',
          msg: `Handler '${name}' is unusable because it has no listen topics and the name could not be templated (host-specific variables are not supported in handler names). The error: ${(error as Error).message}`,
        });
      }
      return undefined;
    }
  }

  /** The names that notify a handler on a host: its (rendered) name, `role : name`, its listen topics. */
  private handlerNames(handler: TaskNode, host: string): string[] {
    const name = this.handlerName(handler, host);
    return [...(name !== undefined ? [name, ...(handler.role ? [`${handler.role.name} : ${name}`] : [])] : []), ...handler.listen];
  }

  /** Whether a handler has this name (or `role : name`) or listens to it. */
  private handlerKnown(name: string, host: string): boolean {
    return this.rt.play.handlers.some((h) => this.handlerNames(h, host).includes(name));
  }

  /** Ansible's ERROR_ON_MISSING_HANDLER: an error by default, a warning when ANSIBLE_ERROR_ON_MISSING_HANDLER is false. */
  private missingHandler(name: string): void {
    if (parseBoolean(process.env.ANSIBLE_ERROR_ON_MISSING_HANDLER ?? 'true') !== false) {
      throw new EngineError(`The requested handler '${name}' was not found in either the main handlers list nor in the listening handlers list`);
    }
    this.events.emit({ type: 'warning', msg: `The requested handler '${name}' was not found in any of the known handlers` });
  }

  /** run_once: the result is given to every host, as Ansible does. */
  private shareRunOnce(task: TaskNode, first: string, outcome: TaskOutcome, hosts: readonly string[]): void {
    // all the batch's hosts, also those an include did not bring here (apply: {run_once: true})
    for (const host of this.active([...new Set([...hosts, ...this.batch])])) {
      if (host === first) continue;
      if (task.register) this.rt.hosts.get(host)?.assign({ [task.register]: registered(outcome.result) });
      if (task.module === 'set_fact' && outcome.status !== 'failed') {
        const facts = outcome.result.ansible_facts as Record<string, unknown> | undefined;
        if (facts) this.rt.hosts.get(host)?.assign(facts);
      }
    }
  }

  private checkFailureThresholds(task: TaskNode, hosts: readonly string[]): void {
    const states = hosts.map((h) => this.rt.hosts.get(h)!).filter(Boolean);
    const failed = states.filter((s) => !s.active);
    if (failed.length === 0) return;
    const fatal = task.anyErrorsFatal ?? this.rt.play.anyErrorsFatal;
    const pct = this.rt.play.maxFailPercentage;
    const overPct = pct !== undefined && (failed.length / states.length) * 100 > pct;
    if (keywordOn(fatal) || overPct) {
      for (const s of states) if (s.active) s.failed = true;
      this.events.emit({
        type: 'warning',
        msg: overPct ? `max_fail_percentage ${pct}% exceeded: stopping the play` : 'any_errors_fatal: stopping the play on every host',
      });
    }
  }

  /** The hosts handlers may run on: the active ones, and with force_handlers those that failed too. */
  private handlerHosts(hosts: readonly string[]): string[] {
    if (!(this.rt.play.forceHandlers ?? this.rt.options.forceHandlers)) return this.active(hosts);
    return hosts.filter((h) => !this.ended.has(h) && this.rt.hosts.get(h)?.unreachable !== true);
  }

  async flushHandlers(hosts: readonly string[]): Promise<void> {
    // Every handler that listens to a topic runs, so notifications are
    // consumed only once the flush is over.
    const consumed: Array<[string, string]> = [];
    const owners = new Map<string, Map<string, TaskNode>>();
    for (const handler of this.rt.play.handlers) {
      const namesOn = new Map<string, string[]>();
      const due = this.handlerHosts(hosts).filter((h) => {
        const set = this.rt.notified.get(h);
        if (set === undefined || set.size === 0) return false;
        if (!owners.has(h)) owners.set(h, this.handlerOwners(h));
        const owner = owners.get(h)!;
        const names = [...this.handlerNames(handler, h).filter((n) => owner.get(n) === handler), ...handler.listen];
        namesOn.set(h, names);
        return names.some((n) => set.has(n));
      });
      if (due.length === 0) continue;
      for (const h of due) for (const n of namesOn.get(h) ?? []) consumed.push([h, n]);
      await this.runTask(handler, due, true);
    }
    for (const [h, n] of consumed) this.rt.notified.get(h)?.delete(n);
  }

  /**
   * Which handler a name notifies, as Ansible finds it: the handler sections
   * (the play's, each role's) searched newest first, each from its top; so a
   * name given twice in one section notifies the first, and a role's handler
   * wins over the play's of the same name. `listen` notifies every listener.
   */
  private handlerOwners(host: string): Map<string, TaskNode> {
    const sections: TaskNode[][] = [];
    let last: unknown = null;
    for (const h of this.rt.play.handlers) {
      const origin = h.role?.dir ?? 'play';
      if (origin !== last || sections.length === 0) sections.push([]);
      sections[sections.length - 1]!.push(h);
      last = origin;
    }
    const owners = new Map<string, TaskNode>();
    for (const section of sections.reverse()) {
      for (const h of section) for (const n of this.handlerNames(h, host)) if (!h.listen.includes(n) && !owners.has(n)) owners.set(n, h);
    }
    return owners;
  }

  /** An include that failed on a host before loading anything: reported, counted and registered as a failed task. */
  private includeFailed(task: TaskNode, host: string, vars: Record<string, unknown>, error: unknown): void {
    const msg = error instanceof Error && 'describe' in error && typeof error.describe === 'function' ? String(error.describe()) : error instanceof Error ? error.message : String(error);
    const result = { changed: false, failed: true, msg };
    let ignored = false;
    try {
      ignored = task.ignoreErrors !== undefined && keywordOn(this.rt.options.templar.renderValue(task.ignoreErrors, vars, task.pos));
    } catch {
      ignored = false;
    }
    this.events.emit({ type: 'host_result', task: task.name ?? task.module, module: task.module, host, status: 'failed', ...(ignored ? { ignored: true } : {}), msg, result, durationMs: 0, pos: task.pos });
    this.record(host, 'failed', ignored);
    if (!ignored) this.mark(host, 'failed');
    if (task.register) this.rt.hosts.get(host)?.assign({ [task.register]: result });
  }

  /** An include whose `when` is false: skipped on the host, and registered so, as Ansible's (without false_condition). */
  private includeSkipped(task: TaskNode, host: string): void {
    const result = { changed: false, skipped: true, skip_reason: 'Conditional result was False' };
    this.events.emit({ type: 'host_result', task: task.name ?? task.module, module: task.module, host, status: 'skipped', result, durationMs: 0, pos: task.pos });
    this.record(host, 'skipped', false);
    if (task.register) this.rt.hosts.get(host)?.assign({ [task.register]: result });
  }

  /** A boolean task keyword (run_once) that may be a template, rendered with the first host's variables. */
  private keywordFor(task: TaskNode, value: unknown, hosts: readonly string[]): boolean {
    if (typeof value !== 'string' || !value.includes('{{') || hosts[0] === undefined) return keywordOn(value);
    return keywordOn(this.rt.options.templar.renderValue(value, this.rt.vars.resolver(hosts[0], task).view, task.pos));
  }

  /** The hosts on which every `when` of a task holds. */
  private whenHolds(task: TaskNode, hosts: readonly string[]): string[] {
    return hosts.filter((h) => {
      const vars = this.rt.vars.resolver(h, task).view;
      return task.when.every((c) => this.rt.options.templar.truthy(c as string, vars, task.pos));
    });
  }

  private async meta(task: TaskNode, hosts: readonly string[], handler = false): Promise<void> {
    const action = String(task.args._raw_params ?? task.args.action ?? '');
    // a meta task's `when` decides on which hosts it acts
    const on = task.when.length ? this.whenHolds(task, this.active(hosts)) : this.active(hosts);
    if (task.when.length && on.length === 0) return;
    const said = META_MESSAGES[action];
    if (said !== undefined) this.events.emit({ type: 'meta', name: task.name ?? 'meta', role: task.role?.name, handler, pos: task.pos, msg: said });
    switch (action) {
      case 'flush_handlers':
        return this.flushHandlers(task.when.length ? on : hosts);
      case 'end_play':
        for (const h of hosts) this.ended.add(h);
        return;
      case 'end_host':
        for (const h of on) this.ended.add(h);
        return;
      case 'end_batch':
        for (const h of this.active(hosts)) this.ended.add(h);
        return;
      case 'end_role': {
        const role = task.role;
        if (!role) {
          this.events.emit({ type: 'warning', msg: 'meta: end_role outside a role does nothing' });
          return;
        }
        for (const h of this.whenHolds(task, this.activeFor(task, hosts))) {
          if (!this.endedRoles.has(h)) this.endedRoles.set(h, new Set());
          this.endedRoles.get(h)!.add(role);
        }
        return;
      }
      case 'clear_host_errors':
        // failed and unreachable hosts of the batch take part again, as in Ansible; the recap keeps their failures
        for (const h of hosts) {
          const state = this.rt.hosts.get(h);
          if (state) {
            state.failed = false;
            state.unreachable = false;
            state.errorsCleared++;
          }
        }
        return;
      case 'reset_connection':
        for (const h of hosts) this.rt.pool.forget(h);
        return;
      case 'noop':
      case 'clear_facts':
      case 'refresh_inventory':
        return;
      default:
        this.events.emit({ type: 'warning', msg: `meta: '${action}' is not supported and was ignored` });
    }
  }

  /**
   * include_tasks / include_role, per host: hosts that resolve to the same
   * file (and loop item) run its tasks together. A loop runs the included
   * tasks once per item, in order; with run_once, only for the first host.
   */
  private async include(task: TaskNode, hosts: readonly string[], handler = false): Promise<void> {
    const live = handler || this.inHandler ? this.handlerHosts(hosts) : this.active(hosts);
    const runOnce = this.keywordFor(task, task.runOnce, live);
    const targets = runOnce ? live.slice(0, 1) : live;
    const rounds: Array<Map<string, { nodes: Node[]; hosts: string[] }>> = [];
    const labels: string[] = [];
    for (const host of targets) {
      const vars = this.rt.vars.resolver(host, task).view;
      let holds: boolean;
      try {
        holds = task.when.every((c) => this.rt.options.templar.truthy(c as string, vars, task.pos));
      } catch (error) {
        // a condition that cannot be evaluated fails the include on this host, as a task
        this.includeFailed(task, host, vars, error);
        continue;
      }
      if (!holds) {
        this.includeSkipped(task, host);
        continue;
      }
      const items =
        task.loop === undefined
          ? [undefined]
          : loopItems(task.loopKind, this.rt.options.templar.renderValue(task.loop, vars, task.pos), task.pos, (name, terms) => this.rt.options.templar.query(name, terms, vars, task.pos, lookupSubdir(task.module)));
      const names = task.loop === undefined ? undefined : loopNames(task, this.rt.options.templar, vars);
      items.forEach((item, index) => {
        // the included tasks see the loop's variables, ansible_loop too, as a looped task does
        const loopVars = names ? itemVars(task, items, index, names) : {};
        // the file or role name may name the item: `include_role: name={{ item }}`
        const includeVars = task.loop === undefined ? vars : this.rt.vars.resolver(host, task, loopVars).view;
        const loaded = loadDynamicInclude(this.rt, task, includeVars, loopVars);
        // public: the role's defaults and vars stay for the rest of the play
        if (loaded.roles?.length && task.args.public !== undefined && parseBoolean(this.rt.options.templar.renderValue(task.args.public, includeVars, task.pos)) === true) {
          this.rt.vars.publishRoles(loaded.roles);
        }
        // Ansible's words; its scripts match them at the start of the error
        if (handler && loaded.nodes.some((n) => n.kind === 'block')) throw new EngineError('Using a block as a handler is not supported.');
        const round = (rounds[index] ??= new Map());
        if (typeof item === 'string' || typeof item === 'number') labels[index] ??= String(item);
        // each file an include_tasks brings in counts as ok for its host, as in Ansible's recap
        if (task.include?.kind === 'include_tasks') this.record(host, 'ok', false);
        const group = round.get(loaded.key) ?? { nodes: loaded.nodes, hosts: [] };
        group.hosts.push(host);
        round.set(loaded.key, group);
      });
    }
    // a looped include is a sequence of rounds (a rolling restart, member by member): say which one runs
    const name = task.name ?? task.module;
    const progress = rounds.length > 1 ? progressEmitter(this.events, { key: `include:${name}`, task: name }) : undefined;
    for (const [index, round] of rounds.entries()) {
      const label = labels[index] !== undefined ? ` (${labels[index]})` : '';
      progress?.({ text: `${name}: ${index + 1}/${rounds.length}${label}`, done: index + 1, total: rounds.length, unit: 'count' });
      // the tasks a handler includes run where the handler runs: with force_handlers, on failed hosts too
      const outer = this.inHandler;
      this.inHandler = outer || handler;
      try {
        for (const group of round.values()) await this.runNodes(group.nodes, group.hosts);
      } finally {
        this.inHandler = outer;
      }
    }
    progress?.({ text: '', end: true });
  }
}

/** What Ansible says of a meta task at -vv (`META: noop`); flush_handlers says nothing of its own. */
const META_MESSAGES: Record<string, string> = {
  noop: 'noop',
  clear_facts: 'facts cleared',
  clear_host_errors: 'cleared host errors',
  end_play: 'ending play',
  end_host: 'ending play for host',
  end_batch: 'ending batch',
  end_role: 'ending role',
  reset_connection: 'reset connection',
  refresh_inventory: 'inventory successfully refreshed',
};

/** A play-level boolean keyword (run_once, any_errors_fatal): set unless absent or false. */
function keywordOn(value: unknown): boolean {
  return value !== undefined && value !== false && String(value).toLowerCase() !== 'false';
}

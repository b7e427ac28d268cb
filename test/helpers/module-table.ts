/**
 * Module tests as tables of cases. A case is data: a module, its arguments,
 * what the host printed for each read (captured output keyed by a piece of
 * the command, or a fact's value keyed by the fact's name), and what the
 * plan must be: changed or not, the diff, the steps, the undo, or an error.
 *
 * One runner checks every case the same way: it plans with a fresh
 * HostContext, checks the expectation, then applies the plan to a simulated
 * host (a recording FakeConnection whose answers become the case's `after`
 * once the steps ran) and plans again with a fresh HostContext: a converged
 * host must plan no change. When the plan has an undo, the runner runs it
 * on the simulated host (every step, in order, none failing), puts the host
 * back as the case found it and plans a third time: the same steps again,
 * so the plan depends on the host alone. A case where idempotence cannot
 * apply (a bare command, a restart) says why in `idempotence`. A case
 * whose host is a model (`model`, for ca and cert) is applied to the model,
 * planned again, undone, and compared with the model as it was.
 * What a case may say is in `module-case.ts`.
 */
import test, { type ExecutionContext } from 'ava';
import { FakeConnection } from '../../src/connection/fake.js';
import { LocalConnection } from '../../src/connection/local.js';
import type { ExecResult } from '../../src/connection/types.js';
import { createHostContext } from '../../src/engine/host-context.js';
import type { Fact } from '../../src/facts/types.js';
import { validateArgs } from '../../src/modules/args.js';
import type { Diff, HostContext, Module, Plan, Step, TemplateNames } from '../../src/modules/types.js';
import { runSteps, undoPlan } from './apply-plan.js';
import type { Answer, CtxOptions, Expectation, FactValues, HostAnswers, ModelledHost, ModuleCase, Printed } from './module-case.js';

export type { Answer, CtxOptions, Expectation, FactValues, HostAnswers, ModelledHost, ModuleCase, Printed } from './module-case.js';

export const RUN = 'run1';

const toAnswers = (answers: HostAnswers | undefined): Array<readonly [string | RegExp, Answer]> =>
  answers === undefined ? [] : Array.isArray(answers) ? [...answers] : Object.entries(answers);

const printed = (p: Printed): Partial<ExecResult> => (typeof p === 'string' ? { stdout: p } : p);

function resultOf(answer: Answer): Partial<ExecResult> | (() => Partial<ExecResult>) {
  if (!Array.isArray(answer)) return printed(answer as Printed);
  let call = 0;
  return () => printed(answer[Math.min(call++, answer.length - 1)] ?? '');
}

function setState(host: FakeConnection, ...layers: Array<HostAnswers | undefined>): void {
  host.answers = layers.flatMap(toAnswers).map(([match, answer]) => ({ match, result: resultOf(answer) }));
}

export function fakeContext(conn: FakeConnection, o: CtxOptions = {}): HostContext {
  return createHostContext({
    host: conn.host,
    conn,
    vars: o.vars ?? {},
    runId: RUN,
    playbookDir: o.playbookDir ?? '/nonexistent',
    roleDir: o.roleDir,
    ...(o.render ? { render: (text: string, _pos?: unknown, template?: TemplateNames) => o.render!(text, template) } : {}),
    ...(o.evaluate ? { evaluate: (e: string) => (o.evaluate as (e: string) => unknown)(e) } : {}),
    warn: (m) => o.warnings?.push(m),
    ...(o.progress ? { progress: o.progress } : {}),
    ...(o.become ? { become: o.become } : {}),
    ...(o.delegatedTo !== undefined ? { delegatedTo: o.delegatedTo } : {}),
  });
}

/** A context whose facts named in `values` answer from there, the rest from the host. */
function withFactValues(ctx: HostContext, values: FactValues | undefined): HostContext {
  if (!values || Object.keys(values).length === 0) return ctx;
  const known = (fact: Fact<any, any>) => Object.hasOwn(values, fact.name);
  const valueOf = (fact: Fact<any, any>, args: unknown) => {
    const v = values[fact.name];
    return typeof v === 'function' ? (v as (a: unknown) => unknown)(args) : v;
  };
  return {
    ...ctx,
    gather: async (fact, args, options) => (known(fact) ? valueOf(fact, args) : ctx.gather(fact, args, options)) as never,
    gatherAll: async (requests, options) => {
      const rest = requests.filter((r) => !known(r.fact));
      const read = rest.length ? await ctx.gatherAll(rest, options) : [];
      let i = 0;
      return requests.map((r) => (known(r.fact) ? valueOf(r.fact, r.args) : read[i++])) as never;
    },
  };
}

/** Validates `given` like the engine does, then plans with a fresh context. */
export async function planWith<A>(module: Module<A>, conn: FakeConnection, given: Record<string, unknown>, o: CtxOptions = {}, values?: FactValues): Promise<Plan> {
  const args = validateArgs(module.name, module.args, given, undefined, undefined, { freeArgs: module.freeArgs });
  return module.plan(withFactValues(fakeContext(conn, o), values), args as A);
}

/** Steps as short strings for table assertions. */
export function describeSteps(steps: readonly Step[] | undefined): string[] {
  return (steps ?? []).map((s) =>
    s.kind === 'exec'
      ? s.command
      : s.kind === 'fetch'
        ? `fetch ${s.src} -> ${s.dest}`
        : `put ${s.dest}${s.mode !== undefined ? ` ${s.mode.toString(8)}` : ''}${s.owner ? ` ${s.owner}:${s.group ?? ''}` : ''}${s.secret ? ' secret' : ''}`,
  );
}

export const describeDiff = (d: Diff): string => `${d.subject}: ${d.before} -> ${d.after}`;

/** Diffs shaped like the expectation: strings where it gives strings, the given keys where it gives objects. */
function diffLike(actual: readonly Diff[], expected: ReadonlyArray<string | Partial<Diff>>): unknown[] {
  return actual.map((d, i) => {
    const want = expected[i];
    if (typeof want !== 'object') return describeDiff(d);
    return Object.fromEntries(Object.keys(want).map((k) => [k, d[k as keyof Diff]]));
  });
}

function checkPlan(t: ExecutionContext, plan: Plan, e: Expectation, host: FakeConnection, warnings: string[], reads: string[]): void {
  if (e.changed !== undefined) t.is(plan.changed, e.changed, 'changed');
  if (e.diff) t.deepEqual(diffLike(plan.diff ?? [], e.diff), [...e.diff], 'diff');
  if (e.steps) t.deepEqual(describeSteps(plan.steps), e.steps, 'steps');
  if (e.descriptions) t.deepEqual((plan.steps ?? []).map((s) => s.description), e.descriptions, 'step descriptions');
  if (e.undo !== undefined) t.deepEqual(plan.undo === undefined ? null : describeSteps(plan.undo), e.undo, 'undo');
  if (e.undoDescriptions) t.deepEqual((plan.undo ?? []).map((s) => s.description), e.undoDescriptions, 'undo descriptions');
  if (e.cleanup) t.deepEqual(describeSteps(plan.cleanup), e.cleanup, 'cleanup');
  if (e.opaque !== undefined) t.is(!!plan.opaque, e.opaque, 'opaque');
  if ('msg' in e) t.is(plan.msg, e.msg, 'msg');
  if (e.result) t.like(plan.result, e.result, 'result');
  if (e.reads !== undefined) t.is(reads.length, e.reads, 'commands run while planning');
  if (e.readCommands) {
    t.is(reads.length, e.readCommands.length, 'commands run while planning');
    e.readCommands.forEach((want, i) => {
      const got = reads[i] ?? '';
      t.true(typeof want === 'string' ? got.includes(want) : want.test(got), `read ${i}: ${got}`);
    });
  }
  if (e.warnings) t.deepEqual(warnings, e.warnings, 'warnings');
  if (e.warningCount !== undefined) t.is(warnings.length, e.warningCount, 'warnings');
  if (!plan.changed) t.deepEqual(plan.steps ?? [], [], 'no change means no steps');
  e.also?.(t, plan, host);
}

/** Planning must fail as the case says; what the error carries is checked too. */
async function expectError(t: ExecutionContext, e: Expectation, planning: Promise<Plan>): Promise<void> {
  if (e.also) t.fail('an error case looks at the host with afterError: there is no plan for also');
  const error = await t.throwsAsync(planning, { message: e.error, ...(e.errorClass ? { instanceOf: e.errorClass } : {}) });
  if (e.errorResult) t.like((error as { result?: unknown } | undefined)?.result, e.errorResult, "the error's result");
  if (error) e.errorCheck?.(t, error);
}

/** A case against a modelled host: plan, check, apply, plan again, undo, and the host as it was. */
async function runModelledCase(t: ExecutionContext, c: ModuleCase, model: ModelledHost): Promise<void> {
  const given = typeof c.args === 'function' ? c.args() : c.args;
  const args = validateArgs(c.module.name, c.module.args, given, undefined, undefined, { freeArgs: c.module.freeArgs });
  const original = model.snapshot();
  const first = c.module.plan(model.context(), args);
  if (c.expect.error !== undefined) {
    await expectError(t, c.expect, first);
    t.deepEqual(model.snapshot(), original, 'planning changed nothing');
    return;
  }
  const planned = await first;
  checkPlan(t, planned, c.expect, new FakeConnection('model'), [], []);
  if (!planned.changed) return;
  await model.apply(planned.steps);
  c.expect.applied?.(t, model);
  if (c.idempotence === undefined) {
    const again = await c.module.plan(model.context(), args);
    t.false(again.changed, `idempotent: planned again after the apply, it would still ${(again.diff ?? []).map(describeDiff).join('; ') || 'change'}`);
  }
  if (planned.undo === undefined || c.undoReplay !== undefined) return;
  await model.apply(planned.undo);
  t.deepEqual(model.snapshot(), original, 'the undo puts the host back as it was');
}

/** Plans, checks, applies, re-plans (idempotence) and replays the undo of one case. */
export async function runModuleCase(t: ExecutionContext, c: ModuleCase): Promise<void> {
  if (c.model) return runModelledCase(t, c, await c.model());
  const host = new FakeConnection(c.host ?? 'node1');
  const controller = c.controller === 'local' ? new LocalConnection('localhost') : new FakeConnection('controller');
  const holdFiles = () => {
    host.files.clear();
    for (const [file, bytes] of Object.entries(c.files ?? {})) host.files.set(file, Buffer.from(bytes));
  };
  holdFiles();
  setState(host, c.facts);
  const args = typeof c.args === 'function' ? c.args() : c.args;
  const plan = (warnings: string[], values: FactValues | undefined) =>
    planWith(c.module, host, args, { ...c.context, vars: c.vars ?? {}, warnings }, values);

  const warnings: string[] = [];
  const first = plan(warnings, c.factValues);
  if (c.expect.error !== undefined) {
    await expectError(t, c.expect, first);
    c.expect.afterError?.(t, host);
    return;
  }
  const planned = await first;
  const reads = host.commands();
  checkPlan(t, planned, c.expect, host, warnings, reads);
  if (!planned.changed) return;

  if (c.notApplied !== undefined) return;
  if (c.after === undefined && c.afterValues === undefined && c.idempotence === undefined) {
    t.fail('a changed case says how the host looks once its steps ran (after), or why idempotence does not apply');
    return;
  }
  setState(host, c.stepOutputs);
  const applied = host.calls.length;
  const outputs = await runSteps(host, planned.steps ?? [], controller);
  t.deepEqual(
    host.calls.slice(applied).filter((call) => call.kind !== 'get').map((call) => call.command ?? `put ${call.path}`),
    (planned.steps ?? []).filter((s) => s.on !== 'controller' && s.kind !== 'fetch').map((s) => (s.kind === 'exec' ? s.command : `put ${s.dest}`)),
    'the host ran the steps, in order',
  );
  // what afterApply reads once the steps ran (the path a copy left) is no step
  const registered = { ...planned.result, ...(planned.afterApply ? await planned.afterApply(outputs) : {}), changed: true };
  if (c.expect.registered) t.like(registered, c.expect.registered, 'registered result');
  if (c.idempotence === undefined) {
    setState(host, c.after, c.facts);
    const before = host.calls.length;
    const again = await plan([], { ...c.factValues, ...c.afterValues });
    if (c.expect.readsAgain !== undefined) t.is(host.calls.length - before, c.expect.readsAgain, 'commands run while planning again');
    t.false(again.changed, `idempotent: planned again after the apply, it would still ${describeSteps(again.steps).join('; ') || 'change'}`);
  }

  if (planned.undo === undefined || planned.undo.length === 0 || c.undoReplay !== undefined) {
    if (c.expect.afterUndo) t.fail('afterUndo is given but the undo did not run');
    return;
  }
  setState(host, c.stepOutputs);
  await undoPlan(host, planned, controller);
  c.expect.afterUndo?.(t, host);
  // the fake keeps what was put, but no command changes its files: the host as the case found it
  holdFiles();
  setState(host, c.facts);
  const undone = await plan([], c.factValues);
  t.is(undone.changed, planned.changed, 'after the undo the host is as it was: the same plan again');
  t.deepEqual(describeSteps(undone.steps), describeSteps(planned.steps), 'after the undo, the same steps again');
  t.deepEqual(undone.diff, planned.diff, 'after the undo, the same diff again');
}

/** One ava test per case, titled `module: case`; serial when the cases share something outside the host (a server, a cache). */
export function moduleTable(cases: readonly ModuleCase[], options: { serial?: boolean } = {}): void {
  const register = options.serial ? test.serial : test;
  for (const c of cases) {
    register(`${c.module.name}: ${c.name}`, (t) => runModuleCase(t, c));
  }
}

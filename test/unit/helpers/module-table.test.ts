/**
 * The module-table runner must fail a case whose module does not converge,
 * and a changed case that says nothing of the host after it: its checks run
 * here against a recording stand-in for ava's assertions.
 */
import test, { type ExecutionContext } from 'ava';
import { isDeepStrictEqual } from 'node:util';
import { defineModule, type Module } from '../../../src/modules/types.js';
import { runModuleCase, type ModuleCase } from '../../helpers/module-table.js';

/** Makes /flag say "on": a read, then one step when it does not. */
const flag: Module<{ converges: boolean }> = defineModule({
  name: 'flag',
  summary: 'a test module',
  args: { converges: { type: 'bool', description: 'whether the module reads the flag at all', default: true } },
  async plan(ctx, args) {
    const out = await ctx.probe('cat /flag');
    if (args.converges && out.stdout.trim() === 'on') return { changed: false };
    return {
      changed: true,
      diff: [{ subject: '/flag', before: out.stdout.trim() || 'absent', after: 'on', kind: 'summary' }],
      steps: [{ kind: 'exec', command: 'echo on > /flag', description: 'turn the flag on' }],
      undo: [{ kind: 'exec', command: 'rm -f /flag', description: 'remove the flag' }],
    };
  },
});

/** Records what failed instead of failing the test. */
function recorder(): { t: ExecutionContext; failures: string[] } {
  const failures: string[] = [];
  const check = (ok: boolean, message = 'assertion') => void (ok || failures.push(message));
  const like = (actual: unknown, expected: unknown): boolean =>
    expected !== null && typeof expected === 'object'
      ? Object.entries(expected).every(([k, v]) => like((actual as Record<string, unknown> | undefined)?.[k], v))
      : isDeepStrictEqual(actual, expected);
  const t = {
    is: (a: unknown, b: unknown, m?: string) => check(Object.is(a, b), m),
    deepEqual: (a: unknown, b: unknown, m?: string) => check(isDeepStrictEqual(a, b), m),
    like: (a: unknown, b: unknown, m?: string) => check(like(a, b), m),
    true: (a: unknown, m?: string) => check(a === true, m),
    false: (a: unknown, m?: string) => check(a === false, m),
    regex: (a: string, r: RegExp, m?: string) => check(r.test(a), m),
    fail: (m?: string) => check(false, m),
    throwsAsync: async (p: Promise<unknown>) => {
      try {
        await p;
        failures.push('did not throw');
      } catch (error) {
        return error;
      }
      return undefined;
    },
  };
  return { t: t as unknown as ExecutionContext, failures };
}

const base: ModuleCase = {
  name: 'turns the flag on',
  module: flag,
  args: {},
  facts: { 'cat /flag': 'off\n' },
  expect: { changed: true, steps: ['echo on > /flag'], undo: ['rm -f /flag'], diff: ['/flag: off -> on'], reads: 1 },
  after: { 'cat /flag': 'on\n' },
};

test('a module that converges passes: planned, applied, planned again with no change, undone', async (t) => {
  const r = recorder();
  await runModuleCase(r.t, base);
  t.deepEqual(r.failures, []);
});

test('a module that plans the same change on a converged host fails the idempotence check', async (t) => {
  const r = recorder();
  await runModuleCase(r.t, { ...base, args: { converges: false } });
  t.is(r.failures.length, 1);
  t.regex(r.failures[0] ?? '', /^idempotent: planned again after the apply, it would still echo on > \/flag/);
});

test('a changed case must say how the host looks after it, or why that cannot be checked', async (t) => {
  const r = recorder();
  const { after: _after, ...silent } = base;
  await runModuleCase(r.t, silent);
  t.deepEqual(r.failures, ['a changed case says how the host looks once its steps ran (after), or why idempotence does not apply']);
});

test('a wrong expectation fails with what it was about', async (t) => {
  const r = recorder();
  await runModuleCase(r.t, { ...base, expect: { ...base.expect, steps: ['echo off > /flag'] } });
  t.deepEqual(r.failures, ['steps']);
});

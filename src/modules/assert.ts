/**
 * `assert`: checks expressions against the host's variables and fails
 * with a message the playbook chose. Runs on the controller.
 */
import { ModuleError } from '../errors.js';
import { defineModule } from './types.js';

export interface AssertArgs {
  that: unknown;
  fail_msg?: unknown;
  success_msg?: unknown;
  quiet: boolean;
}

/** Python's truthiness, which Jinja conditionals use. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

/** `that` as a list of bare expressions (a string is one; `{{ }}` is tolerated, as Ansible does with a warning). */
export function assertions(that: unknown): string[] {
  const list = Array.isArray(that) ? that : [that];
  return list.map((item) => {
    if (typeof item === 'boolean') return item ? 'true' : 'false';
    // an empty entry (a bare `-` in the list) holds, as an empty conditional does in Ansible
    if (item === null || item === undefined || item === '') return 'true';
    if (typeof item !== 'string') throw new ModuleError(`assert: 'that' must hold expressions, got ${JSON.stringify(item)}`);
    return item.replace(/^\s*\{\{\s*|\s*\}\}\s*$/g, '');
  });
}

export const assertModule = defineModule<AssertArgs>({
  name: 'assert',
  summary: 'Fail unless expressions hold',
  description:
    'Evaluates each expression in `that` (bare Jinja2 expressions, as in `when:`) with the host\'s variables; ' +
    'the first false one fails the task with `fail_msg`. Never changes the host.',
  controllerOnly: true,
  args: {
    that: { type: 'raw', required: true, description: 'An expression, or a list of expressions, that must all be true.' },
    fail_msg: { type: 'raw', aliases: ['msg'], description: 'The message when an assertion fails (default: "Assertion failed").' },
    success_msg: { type: 'raw', description: 'The message when all hold (default: "All assertions passed").' },
    quiet: { type: 'bool', default: false, description: 'Register less output on success.' },
  },
  async plan(ctx, args) {
    for (const expression of assertions(args.that)) {
      if (!truthy(ctx.evaluate(expression, ctx.pos))) {
        const msg = args.fail_msg ?? 'Assertion failed';
        const text = typeof msg === 'string' ? msg : JSON.stringify(msg);
        throw new ModuleError(`${text} (assertion: ${expression})`, {
          msg,
          assertion: expression,
          evaluated_to: false,
          failed: true,
        });
      }
    }
    const msg = args.success_msg ?? 'All assertions passed';
    // Ansible prints a passing assert's result at every verbosity unless it is quiet
    return { changed: false, result: args.quiet ? { msg } : { msg, _ansible_verbose_always: true } };
  },
});

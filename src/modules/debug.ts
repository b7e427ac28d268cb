/**
 * `debug`: prints a message or a variable. Runs on the controller; the
 * message is the registered result, which the reporter shows.
 */
import { ModuleError } from '../errors.js';
import { defineModule } from './types.js';

export interface DebugArgs {
  msg?: unknown;
  var?: string;
  verbosity: number;
}

export const debugModule = defineModule<DebugArgs>({
  textArgs: true,
  name: 'debug',
  summary: 'Print a message or the value of a variable',
  description:
    'Shows `msg` (already rendered by the engine) or the value of the expression in `var`. ' +
    'With `verbosity`, it only shows at that many -v flags or more. Never changes anything.',
  controllerOnly: true,
  args: {
    msg: { type: 'raw', description: "The message: a string, or any value (shown as YAML/JSON). Default 'Hello world!'." },
    var: { type: 'str', description: 'A variable name or expression whose value is shown, registered under that name.' },
    verbosity: { type: 'int', default: 0, description: 'Show only when the run has at least this many -v flags.' },
  },
  async plan(ctx, args) {
    if (args.msg !== undefined && args.var !== undefined) throw new ModuleError('debug: msg and var are mutually exclusive');
    const level = Number(ctx.vars.ansible_verbosity ?? 0);
    if (args.verbosity > level) {
      return { changed: false, result: { skipped: true, skipped_reason: 'Verbosity threshold not met.' } };
    }
    if (args.var !== undefined) {
      const expression = args.var.replace(/^\s*\{\{\s*|\s*\}\}\s*$/g, '');
      let value: unknown;
      try {
        value = ctx.evaluate(expression);
      } catch {
        value = 'VARIABLE IS NOT DEFINED!';
      }
      const shown = value === undefined ? 'VARIABLE IS NOT DEFINED!' : value;
      // Ansible shows `{"<var>": value}`: the reporter prints the result as it is.
      return { changed: false, result: { [args.var]: shown, _ansible_verbose_always: true } };
    }
    // Ansible prints what debug shows at every verbosity
    return { changed: false, result: { msg: args.msg ?? 'Hello world!', _ansible_verbose_always: true } };
  },
});

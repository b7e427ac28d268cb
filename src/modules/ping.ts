/**
 * `ping`: proves the host answers and runs a shell, as Ansible's ping
 * proves it runs Python. One probe, never a change.
 */
import { ModuleError } from '../errors.js';
import { defineModule } from './types.js';

export interface PingArgs {
  data: string;
}

export const pingModule = defineModule<PingArgs>({
  name: 'ping',
  summary: 'Check that the host is reachable and runs commands',
  description: 'Runs `true` on the host and registers `ping: pong` (or `data`). With data=crash the task fails, for testing error paths.',
  args: {
    data: { type: 'str', default: 'pong', description: 'What to register as `ping`; `crash` makes the task fail.' },
  },
  async plan(ctx, args) {
    if (args.data === 'crash') throw new ModuleError('boom: ping was asked to crash');
    const res = await ctx.probe('true');
    if (res.rc !== 0) throw new ModuleError(`the host could not run a command: ${res.stderr.trim()}`, { rc: res.rc });
    return { changed: false, result: { ping: args.data } };
  },
});

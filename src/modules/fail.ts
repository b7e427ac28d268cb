/** `fail`: stops the host with a message (usually under `when:`). */
import { ModuleError } from '../errors.js';
import { defineModule } from './types.js';

export interface FailArgs {
  msg: string;
}

export const failModule = defineModule<FailArgs>({
  name: 'fail',
  summary: 'Fail the task with a message',
  description: 'Always fails; combine with `when:` to stop a host on a condition, with a message the user understands.',
  controllerOnly: true,
  args: {
    msg: { type: 'str', default: 'Failed as requested from task', description: 'The failure message.' },
  },
  async plan(_ctx, args) {
    throw new ModuleError(args.msg, { msg: args.msg, failed: true });
  },
});

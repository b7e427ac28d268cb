/**
 * async_status: reads the result of a task started with `async` and
 * `poll: 0`. The engine drives background tasks itself, so the module
 * answers from the play's jobs instead of from the host.
 */
import { ModuleError } from '../errors.js';
import { defineModule } from '../modules/types.js';
import type { AsyncJob } from './runtime.js';

export interface AsyncStatusArgs {
  jid: string;
  mode: 'status' | 'cleanup';
}

export const asyncStatusModule = defineModule<AsyncStatusArgs>({
  name: 'async_status',
  summary: 'Report on a task started with async and poll: 0',
  description: 'Gives the background task\'s result once it finished (`finished: 1`), else `finished: 0`; use with `until: job.finished`.',
  args: {
    jid: { type: 'str', required: true, description: 'The `ansible_job_id` the async task registered.' },
    mode: { type: 'str', default: 'status', choices: ['status', 'cleanup'], description: '`cleanup` forgets the job.' },
  },
  async plan() {
    throw new ModuleError('async_status is answered by the engine');
  },
});

export function asyncStatus(jobs: Map<string, AsyncJob>, args: AsyncStatusArgs): Record<string, unknown> {
  const job = jobs.get(args.jid);
  if (!job) throw new ModuleError(`could not find job ${args.jid}`, { ansible_job_id: args.jid, finished: 1 });
  if (args.mode === 'cleanup') {
    jobs.delete(args.jid);
    return { changed: false, ansible_job_id: args.jid, erased: args.jid };
  }
  if (!job.result) return { changed: false, ansible_job_id: args.jid, started: 1, finished: 0 };
  return { ...job.result, ansible_job_id: args.jid, started: 1, finished: 1 };
}

/**
 * `cron`: one job (or one environment variable) in a user's crontab or in
 * a file of /etc/cron.d. A user's crontab is read with `crontab -l` and
 * written with `crontab -u USER -` (the text on stdin); undo writes the old
 * text back the same way, or removes a crontab that did not exist. A
 * cron.d file goes through the shared text-edit plan (atomic, backed up,
 * restored by undo); one left without jobs is removed, as Ansible does.
 */
import path from 'node:path';
import { ModuleError } from '../errors.js';
import { crontabFact, crontabFor } from '../facts/crontab.js';
import { pathsFact } from '../facts/paths.js';
import { editCrontab, type CronJob } from './cron-edit.js';
import { planTextEdit } from './text-edit-plan.js';
import { defineModule, type HostContext, type Plan, type Step } from './types.js';
import { guardRemoval } from './kit/backup.js';

export interface CronArgs extends CronJob {
  user?: string;
  cron_file?: string;
}

const TIME_FIELD = /^[\w*/,-]+$/;

async function planUserCrontab(ctx: HostContext, a: CronArgs): Promise<Plan> {
  const current = await ctx.gather(crontabFact, a.user);
  const edit = editCrontab(current.text, a, undefined);
  const whose = a.user ?? 'the task\'s user';
  const result = { name: a.name, state: a.state, ...(a.user !== undefined ? { user: a.user } : {}) };
  if (!edit.changed) return { changed: false, result };
  const write = (text: string, description: string): Step => ({ kind: 'exec', command: `${crontabFor(a.user)} -`, stdin: text, description });
  return {
    changed: true,
    diff: [{ subject: `crontab of ${whose}`, before: current.text, after: edit.text, kind: 'content' }],
    steps: [write(edit.text, `write the crontab of ${whose}`)],
    undo: [current.exists ? write(current.text, `write the old crontab of ${whose} back`) : { kind: 'exec', command: `${crontabFor(a.user)} -r`, description: `remove the crontab of ${whose} again` }],
    result,
  };
}

/** The only place cron writes a file: an edit, or a removal when no line is left. */
async function planCronFile(ctx: HostContext, a: CronArgs, file: string): Promise<Plan> {
  const user = a.user ?? 'root';
  const result = { name: a.name, state: a.state, cron_file: file };
  const edited = await planTextEdit(ctx, {
    path: file,
    attributes: { mode: 0o644, owner: 'root', group: 'root' },
    backup: false,
    create: true,
    removing: a.state === 'absent',
    transform: (text) => editCrontab(text, a, user),
  });
  if (a.state === 'present' || !edited.changed) return { ...edited, result };
  const [facts] = await ctx.gather(pathsFact, [{ path: file, follow: true, content: true }]);
  const left = editCrontab(facts?.content?.toString('utf8') ?? '', a, user).text;
  if (left.trim() !== '') return { ...edited, result };
  const removal = guardRemoval(ctx.runId, [file]);
  return {
    changed: true,
    diff: [{ subject: file, before: facts?.content?.toString('utf8') ?? '', after: '', kind: 'content' }],
    ...removal,
    result,
  };
}

export const cronModule = defineModule<CronArgs>({
  name: 'cron',
  summary: 'Manage a cron job or cron environment variable',
  description:
    "Keeps one job under a `#Ansible: NAME` comment, as Ansible's cron module writes it, so jobs Ansible wrote are " +
    'found again. In a user\'s crontab (`crontab -u USER`, needs cron installed) or, with `cron_file`, in a file of ' +
    '/etc/cron.d (with the user field). Undo writes the old crontab or file back, or removes what the task created.',
  args: {
    name: { type: 'str', required: true, description: 'The job\'s name (its `#Ansible:` comment), or the variable\'s name with env.' },
    job: { type: 'str', aliases: ['value'], description: 'The command (or the variable\'s value with env); required with state=present.' },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'], description: 'Whether the job should exist.' },
    minute: { type: 'str', default: '*', description: 'Minute field.' },
    hour: { type: 'str', default: '*', description: 'Hour field.' },
    day: { type: 'str', default: '*', aliases: ['dom'], description: 'Day of month field.' },
    month: { type: 'str', default: '*', description: 'Month field.' },
    weekday: { type: 'str', default: '*', aliases: ['dow'], description: 'Day of week field.' },
    special_time: {
      type: 'str',
      choices: ['reboot', 'yearly', 'annually', 'monthly', 'weekly', 'daily', 'hourly'],
      description: 'Instead of the time fields: `@reboot`, `@daily`, ...',
    },
    user: { type: 'str', description: 'Whose crontab (default: the user the task runs as); with cron_file, the user the job runs as (default root).' },
    cron_file: { type: 'str', description: 'A file in /etc/cron.d (a name, or an absolute path) instead of a user\'s crontab.' },
    disabled: { type: 'bool', default: false, description: 'Keep the job, commented out.' },
    env: { type: 'bool', default: false, description: 'Manage an environment variable `name=job` (added at the top) instead of a job.' },
  },
  async plan(ctx, args) {
    if (args.state === 'present' && args.job === undefined) throw new ModuleError('cron: job is required with state=present');
    if (/[\n\r]/.test(`${args.name}${args.job ?? ''}`)) throw new ModuleError('cron: name and job must be one line');
    for (const field of [args.minute, args.hour, args.day, args.month, args.weekday]) {
      if (!TIME_FIELD.test(field)) throw new ModuleError(`cron: '${field}' is not a time field`);
    }
    if (args.cron_file === undefined) return planUserCrontab(ctx, args);
    const file = path.posix.isAbsolute(args.cron_file) ? args.cron_file : path.posix.join('/etc/cron.d', args.cron_file);
    return planCronFile(ctx, args, file);
  },
});

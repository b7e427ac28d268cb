/**
 * Pure editing of a crontab's text the way Ansible's cron module does it:
 * a job is a `#Ansible: NAME` line followed by the job's line, so jobs
 * written by Ansible are found again; `env` entries are `NAME=value` lines,
 * added at the top.
 */
import type { EditResult } from './line-edits.js';

export interface CronJob {
  name: string;
  job?: string;
  state: 'present' | 'absent';
  minute: string;
  hour: string;
  day: string;
  month: string;
  weekday: string;
  special_time?: string;
  disabled: boolean;
  env: boolean;
}

export const MARK = '#Ansible: ';

/** The job's line; `user` is the extra field of /etc/cron.d files. */
export function cronLine(j: CronJob, user: string | undefined): string {
  if (j.env) return `${j.name}=${j.job ?? ''}`;
  const when = j.special_time ? `@${j.special_time}` : [j.minute, j.hour, j.day, j.month, j.weekday].join(' ');
  return `${j.disabled ? '#' : ''}${when} ${user !== undefined ? `${user} ` : ''}${j.job ?? ''}`;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const result = (before: string, lines: string[]): EditResult => {
  const text = lines.length ? `${lines.join('\n')}\n` : '';
  return { text, changed: text !== before, msg: '' };
};

export function editCrontab(text: string, j: CronJob, user: string | undefined): EditResult {
  const lines = splitLines(text);
  if (j.env) {
    const at = lines.findIndex((l) => l.startsWith(`${j.name}=`));
    if (j.state === 'absent') return result(text, lines.filter((_, i) => i !== at));
    const line = cronLine(j, user);
    if (at >= 0) lines[at] = line;
    else lines.unshift(line);
    return result(text, lines);
  }
  const out: string[] = [];
  let found = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line !== `${MARK}${j.name}`) {
      out.push(line);
      continue;
    }
    // the marker and the job line under it are this job; a second copy of it goes
    i++;
    if (j.state === 'present' && !found) out.push(line, cronLine(j, user));
    found = true;
  }
  if (j.state === 'present' && !found) out.push(`${MARK}${j.name}`, cronLine(j, user));
  return result(text, out);
}

/**
 * `group`: Ansible's group module (groupadd, groupmod, groupdel).
 */
import { sh } from '../shell/quote.js';
import { groupFact, type GroupEntry } from '../facts/users.js';
import { defineModule, type Plan, type Step } from './types.js';

export { parseGroupEntry, type GroupEntry } from '../facts/users.js';

export interface GroupArgs {
  name: string;
  state: 'present' | 'absent';
  gid?: number;
  system: boolean;
}

const run = (command: string, description: string): Step => ({ kind: 'exec', command, description });

export function planGroup(a: GroupArgs, g: GroupEntry | undefined): Plan {
  const subject = `group ${a.name}`;
  if (a.state === 'absent') {
    if (!g) return { changed: false, result: { name: a.name, state: 'absent' } };
    const undo = [run(sh`groupadd -g ${g.gid} -- ${a.name}`, `recreate group ${a.name} (gid ${g.gid})`)];
    // groupdel forgets the members: give them back
    if (g.members.length) undo.push(run(sh`gpasswd -M ${g.members.join(',')} -- ${a.name}`, `restore the members of ${a.name}`));
    return {
      changed: true,
      diff: [{ subject, before: `present (gid ${g.gid})`, after: 'absent', kind: 'summary' }],
      steps: [run(sh`groupdel -- ${a.name}`, `remove group ${a.name}`)],
      undo,
      result: { name: a.name, state: 'absent' },
    };
  }
  if (!g) {
    const flags = [...(a.system ? ['-r'] : []), ...(a.gid !== undefined ? ['-g', String(a.gid)] : [])];
    const details = [...(a.system ? ['system'] : []), ...(a.gid !== undefined ? [`gid ${a.gid}`] : [])];
    return {
      changed: true,
      diff: [{ subject, before: 'absent', after: details.length ? `present (${details.join(', ')})` : 'present', kind: 'summary' }],
      steps: [run(sh`groupadd ${flags} -- ${a.name}`, `create group ${a.name}`)],
      undo: [run(sh`groupdel -- ${a.name}`, `remove group ${a.name}`)],
      result: { name: a.name, state: 'present', system: a.system, ...(a.gid !== undefined ? { gid: a.gid } : {}) },
    };
  }
  if (a.gid !== undefined && a.gid !== g.gid) {
    return {
      changed: true,
      diff: [{ subject: `${subject} gid`, before: `${g.gid}`, after: `${a.gid}`, kind: 'summary' }],
      steps: [run(sh`groupmod -g ${a.gid} -- ${a.name}`, `change the gid of ${a.name} to ${a.gid}`)],
      undo: [run(sh`groupmod -g ${g.gid} -- ${a.name}`, `change the gid of ${a.name} back to ${g.gid}`)],
      result: { name: a.name, state: 'present', gid: a.gid },
    };
  }
  return { changed: false, result: { name: a.name, state: 'present', gid: g.gid } };
}

export const group = defineModule<GroupArgs>({
  name: 'group',
  summary: 'Create, change or remove a group',
  description:
    'Manages a local group with groupadd, groupmod and groupdel. Undo removes a group it created, ' +
    'sets a changed gid back, and recreates a removed group with its old gid and members.',
  args: {
    name: { type: 'str', required: true, description: 'Name of the group.' },
    state: {
      type: 'str',
      default: 'present',
      choices: ['present', 'absent'],
      description: 'Whether the group should exist.',
    },
    gid: { type: 'int', description: 'Group id; an existing group with another gid is changed (groupmod -g).' },
    system: {
      type: 'bool',
      default: false,
      description: 'Create a system group (groupadd -r: gid from the system range). Ignored for an existing group.',
    },
  },
  async plan(ctx, args) {
    const plan = planGroup(args, await ctx.gather(groupFact, args.name));
    if (!plan.changed) return plan;
    const effect = { kind: 'group' as const, name: args.name, exists: args.state === 'present', ...(args.gid !== undefined ? { gid: args.gid } : {}) };
    return { ...plan, effects: [effect] };
  },
});

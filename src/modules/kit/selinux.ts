/**
 * Ansible's `seuser`, `serole`, `setype` and `selevel`: the SELinux context
 * of a file a module writes. On a host without SELinux enabled they are
 * ignored, as Ansible ignores them; where it is enabled, a `chcon` step
 * follows the write, and undo sets the old context back.
 */
import { ModuleError } from '../../errors.js';
import { selinuxContextFact } from '../../facts/selinux-context.js';
import { sh } from '../../shell/quote.js';
import type { ArgSchema, HostContext, Plan, Step } from '../types.js';

export interface SelinuxWant {
  seuser?: string | undefined;
  serole?: string | undefined;
  setype?: string | undefined;
  selevel?: string | undefined;
}

export const selinuxArgs: ArgSchema = {
  seuser: { type: 'str', description: 'SELinux user of the file (`system_u`); ignored where SELinux is not enabled.' },
  serole: { type: 'str', description: 'SELinux role of the file (`object_r`); ignored where SELinux is not enabled.' },
  setype: { type: 'str', description: 'SELinux type of the file (`etc_t`); ignored where SELinux is not enabled.' },
  selevel: { type: 'str', description: 'SELinux level of the file (`s0`); ignored where SELinux is not enabled.' },
};

const PARTS = ['seuser', 'serole', 'setype', 'selevel'] as const;
const FLAGS = { seuser: '-u', serole: '-r', setype: '-t', selevel: '-l' } as const;

/** The context `want` makes of `current` (user:role:type:level, the level may hold colons). */
export function wantedContext(current: string, want: SelinuxWant): string {
  const [user = '', role = '', type = '', ...level] = current.split(':');
  const have = { seuser: user, serole: role, setype: type, selevel: level.join(':') };
  return PARTS.map((p) => want[p] ?? have[p]).join(':');
}

/** Adds the context change to a plan that writes `path`. */
export async function withSelinuxContext(ctx: HostContext, path: string, want: SelinuxWant, plan: Plan): Promise<Plan> {
  const given = PARTS.filter((p) => want[p] !== undefined);
  if (!given.length) return plan;
  const facts = await ctx.gather(selinuxContextFact, path);
  if (!facts.enabled) return plan;
  if (given.some((p) => want[p] === '_default')) throw new ModuleError("the '_default' SELinux context is not supported: name the context");
  const after = facts.context === undefined ? undefined : wantedContext(facts.context, want);
  if (facts.context !== undefined && after === facts.context) return plan;
  const step: Step = {
    kind: 'exec',
    command: sh`chcon ${given.flatMap((p) => [FLAGS[p], want[p] as string])} -- ${path}`,
    description: `set the SELinux context of ${path}`,
  };
  const undo: Step[] = facts.context === undefined ? [] : [{ kind: 'exec', command: sh`chcon ${facts.context} -- ${path}`, description: `set the SELinux context of ${path} back` }];
  return {
    ...plan,
    changed: true,
    diff: [...(plan.diff ?? []), { subject: `${path} SELinux context`, before: facts.context ?? '(new file)', after: after ?? given.map((p) => `${p}=${want[p]}`).join(' '), kind: 'summary' }],
    steps: [...(plan.steps ?? []), step],
    undo: [...undo, ...(plan.undo ?? [])],
    writes: [...new Set([...(plan.writes ?? []), path])],
  };
}

/**
 * Several whole files whose new text a module computed (apt's source
 * files, a yum .repo file): each written through the text-edit plan
 * (atomic, backed up, undo restores it), or moved into the run's backups
 * when it should be gone. One plan for them all.
 */
import type { Attributes } from './kit/attributes.js';
import { guardRemoval } from './kit/backup.js';
import { planTextEdit } from './text-edit-plan.js';
import type { Diff, HostContext, Plan, Step } from './types.js';

export interface FileText {
  path: string;
  /** its text now; undefined when it does not exist */
  before: string | undefined;
  /** the text it should hold; undefined: it should be gone */
  after: string | undefined;
  /** mode, owner and group to set (a new file: mode 0644 unless given) */
  attributes?: Attributes | undefined;
}

export async function planFileTexts(ctx: HostContext, files: readonly FileText[]): Promise<Plan> {
  const diff: Diff[] = [];
  const steps: Step[] = [];
  const undo: Step[] = [];
  const cleanup: Step[] = [];
  const writes: string[] = [];
  for (const file of files) {
    let plan: Plan;
    if (file.after === undefined) {
      if (file.before === undefined) continue;
      plan = { changed: true, diff: [{ subject: file.path, before: file.before, after: '', kind: 'content' }], ...guardRemoval(ctx.runId, [file.path]) };
    } else {
      const after = file.after;
      const given = file.attributes ?? {};
      const attributes = given.mode === undefined && file.before === undefined ? { ...given, mode: 0o644 } : given;
      plan = await planTextEdit(ctx, {
        path: file.path,
        attributes,
        backup: false,
        create: true,
        removing: false,
        transform: (text) => ({ text: after, changed: text !== after, msg: '' }),
      });
      if (!plan.changed) continue;
    }
    diff.push(...(plan.diff ?? []));
    steps.push(...(plan.steps ?? []));
    undo.unshift(...(plan.undo ?? []));
    cleanup.push(...(plan.cleanup ?? []));
    writes.push(...(plan.writes ?? []));
  }
  if (!steps.length) return { changed: false };
  return { changed: true, diff, steps, undo, ...(cleanup.length ? { cleanup } : {}), writes };
}

/**
 * lineinfile and blockinfile: fetch the file (stat and bytes in one probe),
 * transform its text with a pure function, and write the result through
 * the same content plan as copy.
 */
import { ModuleError } from '../errors.js';
import { pathsFact } from '../facts/paths.js';
import { planContent, type Attributes } from './kit/content.js';
import type { EditResult } from './line-edits.js';
import type { HostContext, Plan } from './types.js';

export interface TextEditRequest {
  path: string;
  attributes: Attributes;
  backup: boolean;
  create: boolean;
  /** true when the wanted state is "absent" (a missing file is then fine) */
  removing: boolean;
  validate?: string | undefined;
  transform(text: string, existed: boolean): EditResult;
}

export async function planTextEdit(ctx: HostContext, request: TextEditRequest): Promise<Plan> {
  const [facts] = await ctx.gather(pathsFact, [{ path: request.path, follow: true, content: true }]);
  if (!facts) throw new ModuleError(`no facts about ${request.path}`);
  if (facts.stat && facts.stat.type !== 'file') throw new ModuleError(`${request.path} is a ${facts.stat.kind}, not a file`);
  if (!facts.stat) {
    if (request.removing) return { changed: false, result: { path: request.path, msg: '' } };
    if (!request.create) throw new ModuleError(`Destination ${request.path} does not exist !`, { rc: 257 });
  }
  const before = facts.content ?? Buffer.alloc(0);
  let edit: EditResult;
  try {
    edit = request.transform(before.toString('utf8'), facts.stat !== null);
  } catch (error) {
    throw new ModuleError(`${request.path}: ${(error as Error).message}`);
  }
  const plan = await planContent(
    ctx,
    {
      dest: request.path,
      content: edit.changed ? Buffer.from(edit.text, 'utf8') : before,
      attributes: request.attributes,
      backup: request.backup,
      force: true,
      validate: request.validate,
      createParents: {},
    },
    facts,
  );
  const attrsOnly = plan.changed && !edit.changed;
  const msg = edit.msg || (attrsOnly ? 'ownership, perms or SE linux context changed' : '');
  return { ...plan, msg, result: { ...plan.result, path: request.path, msg } };
}

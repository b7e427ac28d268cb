/**
 * `template`: renders a Jinja2 file from the role's templates/ with the
 * host's variables, then writes it exactly like copy writes content.
 */
import { readFileSync } from 'node:fs';
import { ModuleError } from '../errors.js';
import { FILE_CONTENT_ARGS } from './copy.js';
import { planContentAt } from './kit/content.js';
import { selinuxArgs, withSelinuxContext, type SelinuxWant } from './kit/selinux.js';
import { defineModule } from './types.js';

export interface TemplateArgs extends SelinuxWant {
  src: string;
  dest: string;
  mode?: number;
  owner?: string;
  group?: string;
  backup: boolean;
  force: boolean;
  validate?: string;
  newline_sequence: string;
}

/** Rewrites every line ending to `sequence` (YAML's single quotes leave `\r\n` escaped: accept both). */
export function withNewlines(text: string, sequence: string): string {
  sequence = sequence.replace(/\\r/g, '\r').replace(/\\n/g, '\n');
  return sequence === '\n' ? text.replace(/\r\n?/g, '\n') : text.replace(/\r\n|\r|\n/g, sequence);
}

export const templateModule = defineModule<TemplateArgs>({
  name: 'template',
  summary: "Render a Jinja2 template from the role's templates/ onto the host",
  description:
    "Renders `src` (looked up in the role's templates/ folder, then beside the playbook) with the host's variables " +
    'and writes it to `dest` like copy does: compared by sha256, uploaded atomically, optionally validated first, ' +
    'undone by putting back the replaced file or removing the created one.',
  args: {
    src: { type: 'path', required: true, description: "The template: a path in the role's templates/ folder, or absolute on the controller." },
    ...FILE_CONTENT_ARGS,
    ...selinuxArgs,
    newline_sequence: {
      type: 'str',
      default: '\n',
      choices: ['\n', '\r\n', '\r', '\\n', '\\r\\n', '\\r'],
      description: "The line ending of the written file: '\\n', '\\r\\n' or '\\r' (escaped or not).",
    },
  },
  async plan(ctx, args) {
    const local = ctx.findFile('templates', args.src);
    let text: string;
    try {
      text = readFileSync(local, 'utf8');
    } catch (error) {
      throw new ModuleError(`template: cannot read ${local}: ${(error as Error).message}`);
    }
    const rendered = withNewlines(ctx.render(text, { file: local, line: 1 }, { path: args.src, dest: args.dest }), args.newline_sequence);
    const plan = await planContentAt(ctx, args.dest, args.src, {
      content: Buffer.from(rendered, 'utf8'),
      attributes: { mode: args.mode, owner: args.owner, group: args.group },
      backup: args.backup,
      force: args.force,
      validate: args.validate,
    });
    if (plan.result) plan.result.src = args.src;
    const written = typeof plan.result?.dest === 'string' ? plan.result.dest : args.dest;
    return withSelinuxContext(ctx, written, args, plan);
  },
});

/**
 * `template`: renders a Jinja2 file from the role's templates/ with the
 * host's variables, then writes it exactly like copy writes content.
 */
import { readFileSync } from 'node:fs';
import { sealedPlan, vaultFileBytes } from './kit/vault-file.js';
import { ModuleError } from '../errors.js';
import { FILE_CONTENT_ARGS, modeOf, withPathInfo } from './copy.js';
import { md5, planContentAt } from './kit/content.js';
import { selinuxArgs, withSelinuxContext, type SelinuxWant } from './kit/selinux.js';

import { encodeText } from './text-encoding.js';
import { defineModule, type TemplateSyntax } from './types.js';

export interface TemplateArgs extends SelinuxWant {
  src: string;
  dest: string;
  mode?: number | 'preserve';
  owner?: string;
  group?: string;
  backup: boolean;
  force: boolean;
  validate?: string;
  newline_sequence: string;
  trim_blocks: boolean;
  lstrip_blocks: boolean;
  block_start_string?: string;
  block_end_string?: string;
  variable_start_string?: string;
  variable_end_string?: string;
  comment_start_string?: string;
  comment_end_string?: string;
  output_encoding: string;
  follow: boolean;
}

/** The delimiter arguments, by the lexer setting each one changes. */
const DELIMITER_ARGS = {
  block_start_string: ['blockStart', '{%', 'block'],
  block_end_string: ['blockEnd', '%}', 'block'],
  variable_start_string: ['variableStart', '{{', 'print statement'],
  variable_end_string: ['variableEnd', '}}', 'print statement'],
  comment_start_string: ['commentStart', '{#', 'comment'],
  comment_end_string: ['commentEnd', '#}', 'comment'],
} as const;

/** The template's Jinja settings from the task's arguments. */
export function templateSyntax(args: TemplateArgs): TemplateSyntax {
  const tags: NonNullable<TemplateSyntax['tags']> = {};
  for (const [arg, [setting]] of Object.entries(DELIMITER_ARGS)) {
    const value = args[arg as keyof typeof DELIMITER_ARGS];
    if (value !== undefined && value !== '') tags[setting] = value;
  }
  return { trimBlocks: args.trim_blocks, lstripBlocks: args.lstrip_blocks, ...(Object.keys(tags).length ? { tags } : {}) };
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
    trim_blocks: { type: 'bool', default: true, description: 'Drop the line break after a block tag (`{% if %}`), as Jinja does.' },
    lstrip_blocks: { type: 'bool', default: false, description: 'Strip the spaces and tabs before a block tag at the start of a line.' },
    ...Object.fromEntries(
      Object.entries(DELIMITER_ARGS).map(([arg, [, usual, what]]) => [
        arg,
        { type: 'str', description: `The string that ${arg.includes('start') ? 'opens' : 'closes'} a ${what} (\`${usual}\` otherwise).` },
      ]),
    ),
    output_encoding: {
      type: 'str',
      default: 'utf-8',
      description: 'The encoding of the written file: utf-8, latin-1, ascii or windows-1252 (empty: utf-8). The template itself is read as UTF-8.',
    },
  },
  async plan(ctx, args) {
    const local = ctx.findFile('templates', args.src);
    let text: string;
    try {
      text = readFileSync(local).toString('utf8');
    } catch (error) {
      throw new ModuleError(`template: cannot read ${local}: ${(error as Error).message}`);
    }
    // a vaulted template is decrypted on the controller, as Ansible's template action does
    const fromVault = text.startsWith('$ANSIBLE_VAULT');
    if (fromVault) text = vaultFileBytes(Buffer.from(text, 'utf8'), local).toString('utf8');
    const names = { path: args.src, dest: args.dest, syntax: templateSyntax(args) };
    const rendered = withNewlines(ctx.render(text, { file: local, line: 1 }, names), args.newline_sequence);
    const content = encodeText(rendered, args.output_encoding);
    const planned = await planContentAt(ctx, args.dest, args.src, {
      content,
      attributes: { mode: modeOf(args.mode, local), owner: args.owner, group: args.group },
      backup: args.backup,
      force: args.force,
      validate: args.validate,
      follow: args.follow,
    });
    if (planned.result) planned.result.src = args.src;
    // a change's result names dest as it is afterwards, as Ansible's does (owner, ids, mode, size, state, md5sum)
    if (planned.changed && planned.result) planned.result.md5sum = md5(content);
    const plan = await withPathInfo(ctx, planned);
    const written = typeof plan.result?.dest === 'string' ? plan.result.dest : args.dest;
    return withSelinuxContext(ctx, written, args, fromVault ? sealedPlan(plan) : plan);
  },
});

/**
 * `blockinfile`: keeps a block of lines between two marker lines, so a
 * role can own a part of a file (/etc/hosts) that others also edit.
 */
import { ModuleError } from '../errors.js';
import { TEXT_EDIT_ARGS } from './lineinfile.js';
import { blockInFile } from './line-edits.js';
import { planTextEdit } from './text-edit-plan.js';
import { defineModule } from './types.js';

export interface BlockInFileArgs {
  path: string;
  block: string;
  marker: string;
  marker_begin: string;
  marker_end: string;
  state: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
  create: boolean;
  mode?: number;
  owner?: string;
  group?: string;
  backup: boolean;
  validate?: string;
}

export const blockinfileModule = defineModule<BlockInFileArgs>({
  name: 'blockinfile',
  summary: 'Insert, update or remove a block of lines between marker lines',
  description:
    'Keeps `block` between a begin and an end marker line, replacing what was between them; without the markers ' +
    'the block is inserted (at the end, or after/before a line matching a regular expression). With state=absent, ' +
    'or an empty block, the markers and what is between them go. The file is rewritten atomically like copy.',
  args: {
    ...TEXT_EDIT_ARGS,
    block: { type: 'str', default: '', aliases: ['content'], description: 'The lines to keep between the markers.' },
    marker: {
      type: 'str',
      default: '# {mark} ANSIBLE MANAGED BLOCK',
      description: 'The marker line template; `{mark}` becomes marker_begin or marker_end. Use a comment syntax the file accepts.',
    },
    marker_begin: { type: 'str', default: 'BEGIN', description: '`{mark}` in the first marker line.' },
    marker_end: { type: 'str', default: 'END', description: '`{mark}` in the last marker line.' },
    insertafter: {
      type: 'str',
      description: 'Without markers in the file: `EOF` (default), or after the last line matching this regular expression.',
    },
    insertbefore: {
      type: 'str',
      description: 'Without markers in the file: `BOF`, or before the last line matching this regular expression.',
    },
  },
  async plan(ctx, args) {
    if (args.insertafter !== undefined && args.insertbefore !== undefined) {
      throw new ModuleError('blockinfile: insertafter and insertbefore are mutually exclusive');
    }
    return planTextEdit(ctx, {
      path: args.path,
      attributes: { mode: args.mode, owner: args.owner, group: args.group },
      backup: args.backup,
      create: args.create,
      removing: args.state === 'absent',
      validate: args.validate,
      transform: (text, existed) => blockInFile(text, args, existed),
    });
  },
});

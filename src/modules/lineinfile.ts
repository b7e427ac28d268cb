/**
 * `lineinfile`: makes sure one line is in a file (or is not), replacing
 * the line a regexp finds. The transform is the pure `lineInFile`.
 */
import { ModuleError } from '../errors.js';
import { lineInFile } from './line-edits.js';
import { planTextEdit } from './text-edit-plan.js';
import { defineModule, type ArgSchema } from './types.js';

export interface LineInFileArgs {
  path: string;
  line?: string;
  regexp?: string;
  search_string?: string;
  state: 'present' | 'absent';
  insertafter?: string;
  insertbefore?: string;
  create: boolean;
  backrefs: boolean;
  firstmatch: boolean;
  mode?: number;
  owner?: string;
  group?: string;
  backup: boolean;
  validate?: string;
}

/** Arguments lineinfile and blockinfile share. */
export const TEXT_EDIT_ARGS: ArgSchema = {
  path: { type: 'path', required: true, aliases: ['dest', 'destfile', 'name'], description: 'The file to edit; a symlink is followed.' },
  state: { type: 'str', default: 'present', choices: ['present', 'absent'], description: 'Whether the text should be there.' },
  create: {
    type: 'bool',
    default: false,
    description: 'Create the file (and missing parent directories) when it does not exist; otherwise that is an error.',
  },
  mode: { type: 'mode', description: "Permission bits, as octal: '0644'. Default: the existing file's." },
  owner: { type: 'str', description: 'The owning user, by name or uid.' },
  group: { type: 'str', description: 'The owning group, by name or gid.' },
  backup: {
    type: 'bool',
    default: false,
    description: 'Keep the old file as `path.<YYYY-MM-DD@HH:MM:SS>~` (registered as backup_file).',
  },
  validate: { type: 'str', description: 'A command run on the new file before it replaces path, `%s` standing for its path.' },
};

export const lineinfileModule = defineModule<LineInFileArgs>({
  name: 'lineinfile',
  summary: 'Ensure a line is in a file, or is not',
  description:
    'Adds a line, replaces the line `regexp` (or `search_string`) finds, or removes matching lines, following ' +
    "Ansible's rules for where a new line goes (insertafter/insertbefore, else the end). The file is rewritten " +
    'atomically like copy; undo puts the old file back.',
  args: {
    ...TEXT_EDIT_ARGS,
    line: { type: 'str', aliases: ['value'], description: 'The line to have in the file (required with state=present).' },
    regexp: {
      type: 'str',
      aliases: ['regex'],
      description:
        'A regular expression (Python syntax) looked for in every line: with state=present the last matching line is replaced, with state=absent all matching lines go.',
    },
    search_string: { type: 'str', description: 'Like regexp, but a literal string contained in the line.' },
    insertafter: {
      type: 'str',
      description: 'Where a new line goes when nothing matches: `EOF` (default), or after the last line matching this regular expression.',
    },
    insertbefore: {
      type: 'str',
      description: 'Where a new line goes when nothing matches: `BOF`, or before the last line matching this regular expression.',
    },
    backrefs: {
      type: 'bool',
      default: false,
      description: 'Expand `\\1` and `\\g<name>` in `line` from the regexp match; when nothing matches, the file is left alone.',
    },
    firstmatch: { type: 'bool', default: false, description: 'Use the first matching line of regexp/insertafter/insertbefore instead of the last.' },
  },
  async plan(ctx, args) {
    if (args.insertafter !== undefined && args.insertbefore !== undefined) {
      throw new ModuleError('lineinfile: insertafter and insertbefore are mutually exclusive');
    }
    if (args.regexp !== undefined && args.search_string !== undefined) {
      throw new ModuleError('lineinfile: regexp and search_string are mutually exclusive');
    }
    if (args.state === 'present' && args.line === undefined) throw new ModuleError('lineinfile: line is required with state=present');
    if (args.state === 'absent' && args.line === undefined && args.regexp === undefined && args.search_string === undefined) {
      throw new ModuleError('lineinfile: one of line, regexp or search_string is required with state=absent');
    }
    if (args.backrefs && args.regexp === undefined) throw new ModuleError('lineinfile: regexp is required with backrefs=true');
    const plan = await planTextEdit(ctx, {
      path: args.path,
      attributes: { mode: args.mode, owner: args.owner, group: args.group },
      backup: args.backup,
      create: args.create,
      removing: args.state === 'absent',
      validate: args.validate,
      transform: (text) => lineInFile(text, args),
    });
    const warnings = [...(plan.warnings ?? []), ...emptyPatternWarnings(args)];
    // lineinfile names its backup `backup` ('' when none), where copy and the others say backup_file
    return { ...plan, ...(warnings.length ? { warnings } : {}), result: { ...plan.result, backup: plan.result?.backup_file ?? '' } };
  },
});

/** Ansible's warning for an empty regexp or search_string, which matches every line. */
export function emptyPatternWarnings(args: { regexp?: string | undefined; search_string?: string | undefined }): string[] {
  if (args.regexp !== '' && args.search_string !== '') return [];
  const what = args.regexp === '' ? 'regular expression' : 'search string';
  const advice = args.regexp === '' ? " If this is desired, use '^' to match every line in the file and avoid this warning." : '';
  return [
    `The ${what} is an empty string, which will match every line in the file. ` +
      `This may have unintended consequences, such as replacing the last line in the file rather than appending.${advice}`,
  ];
}

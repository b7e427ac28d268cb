/**
 * `ini_file`: an option (or a whole section) of an INI file, edited by
 * community.general's algorithm (`ini-edit.ts`) and written through the
 * shared text-edit plan: atomic, backed up, undone, attributes by the kit.
 */
import { ModuleError } from '../errors.js';
import { attributeArgs } from './kit/attributes.js';
import { iniEdit } from './ini-edit.js';
import { planTextEdit } from './text-edit-plan.js';
import { defineModule } from './types.js';

export interface IniFileArgs {
  path: string;
  section?: string;
  option?: string;
  value?: string;
  values?: string[];
  state: 'present' | 'absent';
  exclusive: boolean;
  no_extra_spaces: boolean;
  allow_no_value: boolean;
  create: boolean;
  backup: boolean;
  mode?: number;
  owner?: string;
  group?: string;
}

export const iniFileModule = defineModule<IniFileArgs>({
  name: 'ini_file',
  summary: 'Set or remove an option, or a section, in an INI file',
  description:
    "Edits `path` as community.general's ini_file does: sets `option = value` in `section` (commented-out `#option` lines " +
    'are taken over, as there), with `values` several lines of one option, removes an option or a whole section with ' +
    'state=absent; `msg` says what it did (`option added`, `option changed`, `section removed`, `OK`, ...). The file is ' +
    'rewritten atomically; undo puts the old one back, or removes one the task created.',
  args: {
    path: { type: 'path', required: true, aliases: ['dest'], description: 'The INI file; created (with its folders) when missing, unless create=false.' },
    section: { type: 'str', description: 'The section (`[name]`, without brackets); null or unset for the options before the first section.' },
    option: { type: 'str', description: 'The option; without it, state=present makes sure the section exists and state=absent removes the section.' },
    value: { type: 'str', description: 'The value of option. Not with values.' },
    values: { type: 'list', elements: 'str', description: 'Several values: one `option = value` line each. Not with value.' },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'], description: 'Whether the option (or section) should be there.' },
    exclusive: {
      type: 'bool',
      default: true,
      description: 'present: remove other lines of the option; absent: remove every line of the option, whatever its value (false: only those with the given values).',
    },
    no_extra_spaces: { type: 'bool', default: false, description: 'Write `option=value` instead of `option = value`.' },
    allow_no_value: { type: 'bool', default: false, description: 'Allow an option without a value (a bare `option` line).' },
    create: { type: 'bool', default: true, description: 'Create the file when it does not exist; otherwise that is an error.' },
    backup: { type: 'bool', default: false, description: 'Keep the old file as `path.<YYYY-MM-DD@HH:MM:SS>~` (registered as backup_file).' },
    ...attributeArgs({ of: 'the file', keepExisting: true }),
  },
  async plan(ctx, args) {
    if (args.value !== undefined && args.values !== undefined) throw new ModuleError('parameters are mutually exclusive: value|values');
    if (args.state === 'present' && !args.allow_no_value && args.value === undefined && !args.values?.length) {
      throw new ModuleError("Parameter 'value(s)' must be defined if state=present and allow_no_value=False.");
    }
    const values = args.value !== undefined ? [args.value] : (args.values ?? []);
    return planTextEdit(ctx, {
      path: args.path,
      attributes: { mode: args.mode, owner: args.owner, group: args.group },
      backup: args.backup,
      create: args.create,
      removing: args.state === 'absent',
      transform: (text) =>
        iniEdit(text, {
          section: args.section,
          option: args.option,
          values,
          state: args.state,
          exclusive: args.exclusive,
          noExtraSpaces: args.no_extra_spaces,
          allowNoValue: args.allow_no_value,
        }),
    });
  },
});

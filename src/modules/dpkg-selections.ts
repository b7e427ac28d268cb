/**
 * `dpkg_selections`: a package's selection state in dpkg's database
 * (`hold` keeps apt from upgrading it). Read with `dpkg --get-selections`,
 * set with `dpkg --set-selections`; undo sets the old selection again (a
 * package dpkg had no entry for goes back to `deinstall`).
 */
import { ModuleError } from '../errors.js';
import { dpkgSelectionFact } from '../facts/packages.js';
import { defineModule, type Step } from './types.js';

export interface DpkgSelectionsArgs {
  name: string;
  selection: 'install' | 'hold' | 'deinstall' | 'purge';
}

const setSelection = (name: string, selection: string): Step => ({
  kind: 'exec',
  command: 'dpkg --set-selections',
  stdin: `${name} ${selection}\n`,
  description: `set the dpkg selection of ${name} to ${selection}`,
});

export const dpkgSelectionsModule = defineModule<DpkgSelectionsArgs>({
  name: 'dpkg_selections',
  summary: "Set a package's dpkg selection (hold, install, deinstall, purge)",
  description:
    "Compares `dpkg --get-selections NAME` with `selection` and sets it with `dpkg --set-selections`. The result's " +
    '`before` and `after` are the old and new selection (`not present` when dpkg had none). Undo sets the old ' +
    'selection back; an entry that was not present goes back to `deinstall`, which apt treats as not selected.',
  args: {
    name: { type: 'str', required: true, description: 'The package.' },
    selection: { type: 'str', required: true, choices: ['install', 'hold', 'deinstall', 'purge'], description: 'The selection state to set.' },
  },
  async plan(ctx, args) {
    if (!/^[a-z0-9][a-z0-9+.:-]*$/.test(args.name)) throw new ModuleError(`dpkg_selections: '${args.name}' is not a package name`);
    const before = await ctx.gather(dpkgSelectionFact, args.name);
    const result = { before, after: args.selection };
    if (before === args.selection) return { changed: false, result };
    return {
      changed: true,
      diff: [{ subject: `dpkg selection of ${args.name}`, before, after: args.selection, kind: 'summary' }],
      steps: [setSelection(args.name, args.selection)],
      undo: [setSelection(args.name, before === 'not present' ? 'deinstall' : before)],
      result,
    };
  },
});

/**
 * `replace`: every match of a regular expression in a file replaced, as
 * Python's `re.subn` with MULTILINE does, optionally only between `after`
 * and `before`. The transform is the pure `replaceText`; writing goes
 * through the same content plan as lineinfile (atomic, undo restores).
 */
import { ModuleError } from '../errors.js';
import { expandBackrefs, pythonRegex, type EditResult } from './line-edits.js';
import { TEXT_EDIT_ARGS } from './lineinfile.js';
import { planTextEdit } from './text-edit-plan.js';
import { defineModule } from './types.js';

export interface ReplaceArgs {
  path: string;
  regexp: string;
  replace: string;
  after?: string;
  before?: string;
  mode?: number;
  owner?: string;
  group?: string;
  backup: boolean;
  validate?: string;
  encoding: string;
}

function withFlags(re: RegExp, add: string): RegExp {
  return new RegExp(re.source, [...new Set([...re.flags, ...add])].join(''));
}

export function replaceText(text: string, o: Pick<ReplaceArgs, 'regexp' | 'replace' | 'after' | 'before'>): EditResult {
  let start = 0;
  let end = text.length;
  if (o.after !== undefined || o.before !== undefined) {
    // Ansible's section: `after(?P<subsection>.*?)before` (lazy with both, greedy with one), dot matching newlines
    const after = o.after !== undefined ? pythonRegex(o.after).source : '';
    const before = o.before !== undefined ? pythonRegex(o.before).source : '';
    const inner = o.after !== undefined && o.before !== undefined ? '.*?' : '.*';
    const section = new RegExp(`${after}(?<subsection>${inner})${before}`, 'sd').exec(text);
    const span = section?.indices?.groups?.subsection;
    if (!span) return { text, changed: false, msg: `Pattern for before/after params did not match the given file: ${after}(?P<subsection>${inner})${before}` };
    [start, end] = span;
  }
  // Ansible's replace compiles with re.MULTILINE: ^ and $ at every line
  const re = withFlags(pythonRegex(o.regexp, { multiline: true }), 'g');
  const section = text.slice(start, end);
  let count = 0;
  const replaced = section.replace(re, (...parts: unknown[]) => {
    count++;
    const groups = typeof parts[parts.length - 1] === 'object' ? (parts[parts.length - 1] as Record<string, string>) : undefined;
    const numbered = parts.slice(0, groups ? -3 : -2) as string[];
    const match = Object.assign([...numbered], { index: 0, input: section, groups }) as unknown as RegExpExecArray;
    return expandBackrefs(o.replace, match);
  });
  if (count === 0 || replaced === section) return { text, changed: false, msg: '' };
  return { text: text.slice(0, start) + replaced + text.slice(end), changed: true, msg: `${count} replacements made` };
}

export const replaceModule = defineModule<ReplaceArgs>({
  name: 'replace',
  summary: 'Replace every match of a regular expression in a file',
  description:
    'Replaces all matches of `regexp` (Python syntax, multiline: `^` and `$` match at every line) with `replace`, ' +
    'which may use `\\1` and `\\g<name>`; `after`/`before` limit the change to the text between their matches. ' +
    'The file is rewritten atomically like copy; undo puts the old file back. A missing file is an error.',
  args: {
    path: TEXT_EDIT_ARGS.path!,
    regexp: { type: 'str', required: true, description: 'The regular expression to look for (Python syntax, multiline).' },
    replace: { type: 'str', default: '', description: 'What each match becomes; `\\1`, `\\g<name>` refer to its groups. Empty removes the matches.' },
    after: { type: 'str', description: 'Only replace in the text after the first match of this regular expression.' },
    before: { type: 'str', description: 'Only replace in the text before the last match of this regular expression (the first after `after`).' },
    mode: TEXT_EDIT_ARGS.mode!,
    owner: TEXT_EDIT_ARGS.owner!,
    group: TEXT_EDIT_ARGS.group!,
    backup: TEXT_EDIT_ARGS.backup!,
    validate: TEXT_EDIT_ARGS.validate!,
    encoding: { type: 'str', default: 'utf-8', choices: ['utf-8', 'utf8'], description: 'The file encoding; only UTF-8 is supported.' },
  },
  async plan(ctx, args) {
    try {
      pythonRegex(args.regexp);
    } catch (error) {
      throw new ModuleError(`replace: ${(error as Error).message}`);
    }
    return planTextEdit(ctx, {
      path: args.path,
      attributes: { mode: args.mode, owner: args.owner, group: args.group },
      backup: args.backup,
      create: false,
      removing: false,
      validate: args.validate,
      transform: (text) => replaceText(text, args),
    });
  },
});

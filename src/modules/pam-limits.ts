/**
 * `pam_limits`: one `domain type item value` line of a limits.conf file,
 * edited in place or appended, as community.general's module does it; the
 * file goes through the shared text-edit plan (atomic, backed up, undone).
 */
import path from 'node:path';
import { ModuleError } from '../errors.js';
import { pathsFact } from '../facts/paths.js';
import { splitLinesKeep, type EditResult } from './line-edits.js';
import { planTextEdit } from './text-edit-plan.js';
import { defineModule } from './types.js';

export interface PamLimitsArgs {
  domain: string;
  limit_type: '-' | 'hard' | 'soft';
  limit_item: string;
  value: string;
  use_max: boolean;
  use_min: boolean;
  backup: boolean;
  dest: string;
  create: boolean;
  comment: string;
}

const LIMIT_ITEMS = [
  'core', 'data', 'fsize', 'memlock', 'nofile', 'rss', 'stack', 'cpu', 'nproc', 'as', 'maxlogins', 'maxsyslogins',
  'priority', 'locks', 'sigpending', 'msgqueue', 'nice', 'rtprio', 'chroot',
];
const UNLIMITED = ['unlimited', 'infinity', '-1'];
const isDigits = (v: string): boolean => /^\d+$/.test(v);
/** Why `value` is no limit for `item`, or undefined when it is one (the checks and words of Ansible's module). */
export function invalidValue(item: string, value: string): string | undefined {
  if (item === 'nice' || item === 'priority') {
    const n = /^[-+]?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (n >= -20 && n <= 19) return undefined;
    return `Value of '${value}' for item '${item}' is invalid. Value must be a number in the range -20 to 19 inclusive. Refer to the limits.conf(5) manual pages for more details.`;
  }
  if (UNLIMITED.includes(value) || isDigits(value)) return undefined;
  return (
    `Value of '${value}' for item '${item}' is invalid. Value must either be 'unlimited', 'infinity' or -1, all of which indicate no limit, ` +
    'or a limit of 0 or larger. Refer to the limits.conf(5) manual pages for more details.'
  );
}

/** The value to write given the one found, with use_max/use_min as Ansible picks it. */
function chosenValue(item: string, wanted: string, found: string, o: Pick<PamLimitsArgs, 'use_max' | 'use_min'>): string {
  const priority = item === 'nice' || item === 'priority';
  const foundUnlimited = !priority && UNLIMITED.includes(found);
  const wantedUnlimited = !priority && UNLIMITED.includes(wanted);
  if (o.use_max) {
    if (foundUnlimited) return found;
    return wantedUnlimited ? wanted : String(Math.max(Number(wanted), Number(found)));
  }
  if (o.use_min) {
    if (foundUnlimited) return wantedUnlimited ? found : wanted;
    return wantedUnlimited ? found : String(Math.min(Number(wanted), Number(found)));
  }
  return wanted;
}

/**
 * Rewrites the line of `domain type item` (every such line, as Ansible's loop
 * does) or appends one; comment lines, blank lines and lines of other than
 * four fields are kept as they are.
 */
export function pamLimitsEdit(text: string, a: Omit<PamLimitsArgs, 'backup' | 'create'>): EditResult {
  const lines = splitLinesKeep(text);
  const out: string[] = [];
  let found = false;
  let msg = '';
  const render = (value: string, comment: string) => `${a.domain}\t${a.limit_type}\t${a.limit_item}\t${value}${comment ? `\t#${comment}` : ''}\n`;
  for (const line of lines) {
    const bare = line.replace(/[\r\n]+$/, '');
    const collapsed = bare.replace(/\s+/g, ' ').trim();
    if (line.startsWith('#') || collapsed === '') {
      out.push(line);
      continue;
    }
    const hash = bare.indexOf('#');
    const oldComment = hash >= 0 ? bare.slice(hash + 1) : '';
    const fields = collapsed.split('#', 1)[0]!.trimEnd().split(' ');
    if (fields.length !== 4) {
      out.push(line);
      continue;
    }
    const [domain, type, item, actual] = fields as [string, string, string, string];
    const invalid = invalidValue(item, actual);
    if (invalid !== undefined) throw new Error(`Invalid configuration found in '${a.dest}'. ${invalid}`);
    if (domain !== a.domain || type !== a.limit_type || item !== a.limit_item) {
      out.push(line);
      continue;
    }
    found = true;
    const next = actual === a.value ? actual : chosenValue(item, a.value, actual, a);
    if (next === actual) {
      msg = line;
      out.push(line);
    } else {
      msg = render(next, a.comment || oldComment);
      out.push(msg);
    }
  }
  if (!found) {
    if (out.length && !/[\r\n]$/.test(out[out.length - 1] as string)) out.push('\n');
    msg = render(a.value, a.comment);
    out.push(msg);
  }
  const next = out.join('');
  return { text: next, changed: next !== text, msg };
}

export const pamLimitsModule = defineModule<PamLimitsArgs>({
  name: 'pam_limits',
  summary: 'Set a PAM limit (a `domain type item value` line of limits.conf)',
  description:
    "Edits the line of `domain limit_type limit_item` in `dest` in place, or appends one, as community.general's pam_limits " +
    'does; `use_max`/`use_min` keep the larger or smaller of the value found and the one given. The file is rewritten ' +
    'atomically; undo puts the old file back (or removes one the task created). `msg` is the line as it now is.',
  args: {
    domain: { type: 'str', required: true, description: 'A user name, `@group`, `*`, a uid or gid range, as limits.conf(5) reads it.' },
    limit_type: { type: 'str', required: true, choices: ['hard', 'soft', '-'], description: 'The limit type: hard, soft, or `-` for both.' },
    limit_item: { type: 'str', required: true, choices: LIMIT_ITEMS, description: 'The limit to set (nofile, nproc, memlock, ...).' },
    value: { type: 'str', required: true, description: 'A number of 0 or more, or `unlimited`, `infinity` or `-1` (no limit); for nice and priority a number from -20 to 19.' },
    use_max: { type: 'bool', default: false, description: 'Keep the larger of the value found and `value` (an unlimited value found is kept).' },
    use_min: { type: 'bool', default: false, description: 'Keep the smaller of the value found and `value` (an unlimited `value` keeps the value found).' },
    backup: { type: 'bool', default: false, description: 'Keep the old file as `dest.<YYYY-MM-DD@HH:MM:SS>~` (registered as backup_file).' },
    dest: { type: 'path', default: '/etc/security/limits.conf', description: 'The limits file to edit.' },
    create: { type: 'bool', default: true, description: 'Create `dest` when it does not exist (its folder must exist); otherwise that is an error.' },
    comment: { type: 'str', default: '', description: 'A comment written after the value (`\\t#comment`); without it a changed line keeps its old comment.' },
  },
  async plan(ctx, args) {
    if (args.use_max && args.use_min) throw new ModuleError('Cannot use use_min and use_max at the same time.');
    const invalid = invalidValue(args.limit_item, args.value);
    if (invalid !== undefined) throw new ModuleError(invalid);
    // Ansible creates the file, never its folder
    const [dest] = await ctx.gather(pathsFact, [{ path: args.dest, follow: true, content: true }]);
    const folder = path.posix.dirname(args.dest);
    if (dest && !dest.stat && args.create && dest.ancestor !== undefined && dest.ancestor !== folder) {
      throw new ModuleError(`directory ${folder} is not writable (check presence, access rights, use sudo)`);
    }
    return planTextEdit(ctx, {
      path: args.dest,
      attributes: {},
      backup: args.backup,
      create: args.create,
      removing: false,
      transform: (text) => pamLimitsEdit(text, args),
    });
  },
});

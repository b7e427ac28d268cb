/**
 * The folder a temporary name goes in: the one asked for, else the first
 * writable folder of `$TMPDIR`, `$TEMP`, `$TMP`, /tmp, /var/tmp, /usr/tmp
 * (the order of Python's `tempfile.gettempdir`, which Ansible's tempfile
 * module uses on the host), else the working folder.
 */
import { sh } from '../shell/quote.js';
import type { PlannedState } from './planned.js';
import { defineFact, FactError } from './types.js';

export interface TempFolderArgs {
  /** the folder the task names; absent: the host's temporary folder */
  path?: string | undefined;
}

export interface TempFolder {
  path: string;
  /** what the folder is: a directory, missing, or something else (a file) */
  type: 'directory' | 'missing' | 'other';
}

const DEFAULT_FOLDER = [
  'ezt=',
  'for d in "${TMPDIR:-}" "${TEMP:-}" "${TMP:-}" /tmp /var/tmp /usr/tmp; do',
  '  if [ -z "$ezt" ] && [ -n "$d" ] && [ -d "$d" ] && [ -w "$d" ]; then ezt=$d; fi',
  'done',
  '[ -n "$ezt" ] || ezt=$(pwd)',
].join('\n');

export function tempFolderCommand(args: TempFolderArgs): string {
  const choose = args.path === undefined ? DEFAULT_FOLDER : sh`ezt=${args.path}`;
  return `${choose}\nif [ -d "$ezt" ]; then echo directory; elif [ -e "$ezt" ] || [ -L "$ezt" ]; then echo other; else echo missing; fi\nprintf '%s\\n' "$ezt"`;
}

/** First line the folder's type, then the folder (which may hold any character but a final newline). */
export function parseTempFolder(stdout: string): TempFolder {
  const newline = stdout.indexOf('\n');
  const type = stdout.slice(0, newline);
  const folder = stdout.slice(newline + 1).replace(/\n$/, '');
  if (newline < 0 || (type !== 'directory' && type !== 'missing' && type !== 'other') || !folder) {
    throw new FactError(`cannot read the temporary folder from: ${JSON.stringify(stdout.slice(0, 200))}`);
  }
  return { path: folder, type };
}

export const tempFolderFact = defineFact<TempFolderArgs, TempFolder>({
  name: 'temp_folder',
  command: tempFolderCommand,
  parse(out) {
    if (out.rc !== 0) throw new FactError(`finding the temporary folder: ${out.stderr.trim()}`, out.rc);
    return parseTempFolder(out.stdout);
  },
  planned: (value, state) => plannedTempFolder(value, state),
});

/** Check mode: a folder an earlier task would make (or remove) counts as made (or gone). */
export function plannedTempFolder(value: TempFolder, state: PlannedState): TempFolder {
  const planned = state.path(value.path);
  if (!planned) return value;
  return { ...value, type: planned.type === 'directory' ? 'directory' : planned.type === 'absent' ? 'missing' : 'other' };
}

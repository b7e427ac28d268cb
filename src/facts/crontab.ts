/**
 * A user's crontab, as `crontab -l` prints it (the crontab command keeps
 * the spool file; it is never read directly).
 */
import { sh } from '../shell/quote.js';
import { FactError, defineFact } from './types.js';

export interface Crontab {
  /** the user has a crontab */
  exists: boolean;
  text: string;
}

/** `crontab` for `user`, or for the user the task runs as when undefined. */
export const crontabFor = (user: string | undefined): string => (user === undefined ? 'crontab' : sh`crontab -u ${user}`);

export function crontabCommand(user: string | undefined): string {
  return (
    `if ! command -v crontab >/dev/null 2>&1; then echo @@no-crontab; ` +
    `elif out=$(${crontabFor(user)} -l 2>/dev/null); then echo @@present; printf '%s\\n' "$out"; ` +
    `else echo @@absent; fi`
  );
}

export function parseCrontab(stdout: string): Crontab {
  const marker = stdout.slice(0, stdout.indexOf('\n') + 1 || undefined).trim();
  if (marker === '@@no-crontab') throw new FactError('cron: there is no crontab command on the host (install cron)');
  if (marker === '@@absent') return { exists: false, text: '' };
  if (marker !== '@@present') throw new FactError(`cron: cannot read the crontab: ${stdout.trim()}`);
  const text = stdout.slice(stdout.indexOf('\n') + 1);
  // `$(...)` dropped the trailing newlines and printf put one back; a crontab that was empty stays empty
  return { exists: true, text: text === '\n' ? '' : text };
}

export const crontabFact = defineFact<string | undefined, Crontab>({
  name: 'crontab',
  command: (user) => crontabCommand(user),
  parse: (out) => parseCrontab(out.stdout),
});

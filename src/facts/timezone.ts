/**
 * The host's time zone as the files say it: where /etc/localtime links
 * (`../usr/share/zoneinfo/Europe/Berlin`), the name in /etc/timezone
 * (Debian keeps one), and whether the zone database has a wanted zone.
 */
import { sh } from '../shell/quote.js';
import { defineFact } from './types.js';

export const ZONEINFO = '/usr/share/zoneinfo';

export interface TimezoneFacts {
  /** /etc/localtime: a link (its target), a plain file, or missing */
  localtime: { kind: 'link'; target: string } | { kind: 'file' } | { kind: 'absent' };
  /** the first line of /etc/timezone; undefined when there is no such file */
  timezoneFile: string | undefined;
  /** the zone asked about is in the zone database */
  known: boolean;
}

export function timezoneProbe(name: string): string {
  return [
    'if [ -L /etc/localtime ]; then printf \'link:%s\\n\' "$(readlink /etc/localtime)"; elif [ -e /etc/localtime ]; then echo file; else echo absent; fi',
    'if [ -f /etc/timezone ]; then printf \'timezone:%s\\n\' "$(head -n 1 /etc/timezone)"; fi',
    `if [ -f ${sh`${`${ZONEINFO}/${name}`}`} ]; then echo known; fi`,
  ].join('; ');
}

export function parseTimezone(stdout: string): TimezoneFacts {
  const facts: TimezoneFacts = { localtime: { kind: 'absent' }, timezoneFile: undefined, known: false };
  for (const line of stdout.split('\n')) {
    if (line.startsWith('link:')) facts.localtime = { kind: 'link', target: line.slice(5) };
    else if (line === 'file') facts.localtime = { kind: 'file' };
    else if (line.startsWith('timezone:')) facts.timezoneFile = line.slice(9).trim();
    else if (line === 'known') facts.known = true;
  }
  return facts;
}

/** The zone /etc/localtime names (its link into the zone database), else /etc/timezone's, else undefined. */
export function currentZone(facts: TimezoneFacts): string | undefined {
  if (facts.localtime.kind === 'link') {
    const i = facts.localtime.target.indexOf('zoneinfo/');
    if (i >= 0) return facts.localtime.target.slice(i + 'zoneinfo/'.length);
  }
  return facts.timezoneFile || undefined;
}

export const timezoneFact = defineFact<string, TimezoneFacts>({
  name: 'timezone',
  command: (name) => timezoneProbe(name),
  parse: (out) => parseTimezone(out.stdout),
});

/** What is mounted on one path, from `findmnt` (util-linux). */
import { sh } from '../shell/quote.js';
import { FactError, defineFact } from './types.js';

export interface LiveMount {
  source: string;
  fstype: string;
  options: string;
}

/** `SOURCE="tmpfs" FSTYPE="tmpfs" OPTIONS="rw,relatime"`, with findmnt's \xNN escapes. */
export function parseFindmnt(stdout: string): LiveMount | undefined {
  const line = stdout.split('\n').find((l) => l.trim() !== '');
  if (!line) return undefined;
  const fields = new Map<string, string>();
  for (const m of line.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
    fields.set(m[1] as string, (m[2] as string).replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
  }
  return { source: fields.get('SOURCE') ?? '', fstype: fields.get('FSTYPE') ?? '', options: fields.get('OPTIONS') ?? '' };
}

export const mountFact = defineFact<string, LiveMount | undefined>({
  name: 'mount',
  // exit 1: nothing is mounted there
  command: (path) => `${sh`findmnt -n -P -o SOURCE,FSTYPE,OPTIONS --mountpoint ${path}`} || [ $? -eq 1 ]`,
  parse(out) {
    if (out.rc !== 0) throw new FactError(`findmnt: ${out.stderr.trim() || `exit ${out.rc}`}`, out.rc);
    return parseFindmnt(out.stdout);
  },
});

/**
 * `timezone` (community.general): the host's time zone. What
 * `timedatectl set-timezone` does, done with files so the module kit can
 * take it back: /etc/localtime becomes a link into the zone database and
 * /etc/timezone, where the host keeps one (Debian), names the zone. Undo
 * restores both from the run's backups.
 */
import { ModuleError } from '../errors.js';
import { currentZone, timezoneFact, ZONEINFO } from '../facts/timezone.js';
import { sh } from '../shell/quote.js';
import { guardWrites } from './kit/backup.js';
import { defineModule, type Step } from './types.js';

export interface TimezoneArgs {
  name: string;
}

const LOCALTIME = '/etc/localtime';
const TIMEZONE_FILE = '/etc/timezone';

export const timezoneModule = defineModule<TimezoneArgs>({
  name: 'timezone',
  summary: "Set the host's time zone",
  description:
    'Links /etc/localtime to the zone in /usr/share/zoneinfo and, where the host keeps /etc/timezone (Debian), writes ' +
    'the name there too: the files `timedatectl set-timezone` changes. A zone the zone database lacks is an error. ' +
    'Undo puts both files back as they were. The hardware clock (`hwclock`) is not supported.',
  args: {
    name: { type: 'str', required: true, description: 'The zone, as in the zone database: `Etc/UTC`, `Europe/Berlin`.' },
  },
  async plan(ctx, args) {
    const name = args.name;
    if (!/^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(name)) throw new ModuleError(`timezone: '${name}' is not a time zone name`);
    const facts = await ctx.gather(timezoneFact, name);
    const current = currentZone(facts);
    const result = { name };
    const fileRight = facts.timezoneFile === undefined || facts.timezoneFile === name;
    if (current === name && facts.localtime.kind === 'link' && fileRight) return { changed: false, result };
    if (!facts.known) throw new ModuleError(`given timezone "${name}" is not available`);
    const files = [{ path: LOCALTIME, existed: facts.localtime.kind !== 'absent' }];
    if (facts.timezoneFile !== undefined) files.push({ path: TIMEZONE_FILE, existed: true });
    const guard = guardWrites(ctx.runId, files);
    const steps: Step[] = [
      ...guard.steps,
      { kind: 'exec', command: sh`ln -sfn ${`${ZONEINFO}/${name}`} ${LOCALTIME}`, description: `link ${LOCALTIME} to ${name}` },
    ];
    if (facts.timezoneFile !== undefined) {
      steps.push({ kind: 'put', dest: TIMEZONE_FILE, content: { text: `${name}\n` }, mode: 0o644, owner: 'root', group: 'root', description: `write ${TIMEZONE_FILE}` });
    }
    return {
      changed: true,
      diff: [{ subject: 'timezone', before: current ?? 'unknown', after: name, kind: 'summary' }],
      steps,
      undo: guard.undo,
      cleanup: guard.cleanup,
      writes: guard.writes,
      result,
    };
  },
});

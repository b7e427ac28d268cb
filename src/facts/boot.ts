/** The kernel's boot id: a new one after every boot, so a reboot is seen when it changes. */
import { defineFact, FactError } from './types.js';

export const BOOT_ID_PROBE = 'cat /proc/sys/kernel/random/boot_id';

export const bootIdFact = defineFact<void, string>({
  name: 'boot_id',
  command: () => BOOT_ID_PROBE,
  parse(out) {
    const id = out.stdout.trim();
    if (out.rc !== 0 || !/^[0-9a-f-]{36}$/.test(id)) throw new FactError(`cannot read the boot id: ${out.stderr.trim() || id || `exit ${out.rc}`}`, out.rc);
    return id;
  },
});

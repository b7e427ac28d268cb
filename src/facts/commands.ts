/**
 * `commands`: which of some programs the host has on its PATH (get_url's
 * downloads on the host need curl or wget).
 */
import { sh } from '../shell/quote.js';
import { defineFact } from './types.js';

export const commandsFact = defineFact<readonly string[], Record<string, boolean>>({
  name: 'commands',
  command: (names) => `for c in ${sh`${[...names]}`}; do command -v "$c" >/dev/null 2>&1 && echo "have $c"; done; true`,
  parse: (out, names) => {
    const have = new Set(out.stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('have ')).map((l) => l.slice(5)));
    return Object.fromEntries(names.map((n) => [n, have.has(n)]));
  },
});

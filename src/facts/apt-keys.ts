/**
 * apt's trusted keys as `apt-key adv --list-public-keys --keyid-format=long`
 * lists them (all keyrings, or one with `--keyring`), and the keyring files
 * apt-key would change when it deletes a key from all of them.
 */
import { sh } from '../shell/quote.js';
import { FactError, defineFact } from './types.js';

export const TRUSTED_GPG = '/etc/apt/trusted.gpg';
export const TRUSTED_PARTS = '/etc/apt/trusted.gpg.d';

export interface AptKeys {
  /** the long (16 hex digits) ids of the primary keys and subkeys that have not expired */
  ids: string[];
  /** the keyring files there are (the one asked for, or apt's own) */
  keyrings: string[];
}

/** apt-key's command line, with the keyring a task names. */
export const aptKey = (keyring: string | undefined): string => (keyring === undefined ? 'apt-key' : sh`apt-key --keyring ${keyring}`);

export function aptKeysProbe(keyring: string | undefined): string {
  const files = keyring === undefined ? `${TRUSTED_GPG} ${TRUSTED_PARTS}/*` : sh`${keyring}`;
  return [
    "command -v apt-key >/dev/null 2>&1 || { echo 'apt-key: command not found' >&2; exit 127; }",
    `for f in ${files}; do [ -f "$f" ] && printf '@@keyring %s\\n' "$f"; done`,
    `LC_ALL=C ${aptKey(keyring)} adv --list-public-keys --keyid-format=long 2>/dev/null || true`,
  ].join('\n');
}

/** Key ids from a long-format or colon listing, as Ansible reads them: `pub`/`sub` lines, expired ones left out. */
export function parseKeyIds(listing: string): string[] {
  const ids: string[] = [];
  for (const line of listing.split('\n')) {
    if (!(line.startsWith('pub') || line.startsWith('sub')) || line.includes('expired')) continue;
    const spaced = line.split(/\s+/)[1]?.split('/');
    if (spaced && spaced.length === 2) ids.push(spaced[1] as string);
    else {
      const colon = line.split(':')[4];
      if (colon) ids.push(colon);
    }
  }
  return ids;
}

export function parseAptKeys(stdout: string): AptKeys {
  const keyrings: string[] = [];
  const rest: string[] = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('@@keyring ')) keyrings.push(line.slice(10));
    else rest.push(line);
  }
  return { ids: parseKeyIds(rest.join('\n')), keyrings };
}

export const aptKeysFact = defineFact<string | undefined, AptKeys>({
  name: 'apt_keys',
  command: (keyring) => aptKeysProbe(keyring),
  parse(out) {
    if (out.rc !== 0) throw new FactError(out.stderr.trim() || `listing apt's keys: exit ${out.rc}`, out.rc);
    return parseAptKeys(out.stdout);
  },
});

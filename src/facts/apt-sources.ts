/**
 * apt's one-line source files: /etc/apt/sources.list and every
 * /etc/apt/sources.list.d/*.list, each with its text, in one read.
 */
import { FactError, defineFact } from './types.js';

export const SOURCES_LIST = '/etc/apt/sources.list';
export const SOURCES_PARTS = '/etc/apt/sources.list.d';

export const APT_SOURCES_PROBE = [
  `for f in ${SOURCES_LIST} ${SOURCES_PARTS}/*.list; do`,
  '  [ -f "$f" ] || continue',
  `  printf '@@file %s\\n' "$f"`,
  '  base64 -w 0 < "$f" || exit 1',
  '  echo',
  'done',
].join('\n');

/** Each file's path and text, sources.list first, the others in the shell's (sorted) order. */
export function parseAptSources(stdout: string): Map<string, string> {
  const files = new Map<string, string>();
  let current: string | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('@@file ')) current = line.slice(7);
    else if (current !== undefined) {
      files.set(current, Buffer.from(line, 'base64').toString('utf8'));
      current = undefined;
    }
  }
  return files;
}

export const aptSourcesFact = defineFact<void, Map<string, string>>({
  name: 'apt_sources',
  command: () => APT_SOURCES_PROBE,
  parse(out) {
    if (out.rc !== 0) throw new FactError(`reading apt's source files: ${out.stderr.trim() || `exit ${out.rc}`}`, out.rc);
    return parseAptSources(out.stdout);
  },
});

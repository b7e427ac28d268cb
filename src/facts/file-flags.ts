/**
 * A path's ext2-style flags (`i` immutable, `a` append only, ...) as
 * `lsattr -d` prints them; none for a path that is missing or on a file
 * system without them.
 */
import { sh } from '../shell/quote.js';
import { defineFact } from './types.js';

/** The set flags from lsattr's first field (`----i---------e-------` -> `ie`). */
export function parseLsattr(stdout: string): string {
  const field = stdout.trim().split(/\s+/)[0] ?? '';
  return [...field].filter((c) => c !== '-').join('');
}

export const fileFlagsFact = defineFact<string, string>({
  name: 'file_flags',
  command: (path) => `${sh`lsattr -d -- ${path}`} 2>/dev/null || true`,
  parse: (out) => parseLsattr(out.stdout),
});

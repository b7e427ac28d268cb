/**
 * A path's SELinux context (`system_u:object_r:etc_t:s0`), and whether
 * SELinux is enabled on the host at all.
 */
import { sh } from '../shell/quote.js';
import { defineFact } from './types.js';

export interface SelinuxContext {
  enabled: boolean;
  /** undefined when the path is missing */
  context: string | undefined;
}

export function parseSelinuxContext(stdout: string): SelinuxContext {
  const [state = '', context = ''] = stdout.split('\n');
  return { enabled: state.trim() === 'enabled', context: context.trim() || undefined };
}

export const selinuxContextFact = defineFact<string, SelinuxContext>({
  name: 'selinux_context',
  command: (path) =>
    `if command -v selinuxenabled >/dev/null 2>&1 && selinuxenabled; then echo enabled; ${sh`stat -c %C -- ${path}`} 2>/dev/null || true; else echo disabled; fi`,
  parse: (out) => parseSelinuxContext(out.stdout),
});

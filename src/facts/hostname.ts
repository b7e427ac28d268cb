/**
 * The host's name: the kernel's (`uname -n`), the one kept in
 * /etc/hostname, and whether systemd's hostnamectl can set it.
 */
import { batchProbe, parseSections, section } from './sections.js';
import { defineFact } from './types.js';

export interface HostnameFacts {
  /** the running (kernel) hostname */
  current: string;
  /** the first line of /etc/hostname; undefined when the file is missing */
  file: string | undefined;
  /** systemd is PID 1 and hostnamectl is installed */
  systemd: boolean;
}

export const HOSTNAME_PROBE = batchProbe([
  { name: 'kernel', command: 'uname -n' },
  { name: 'file', command: 'cat /etc/hostname 2>/dev/null' },
  { name: 'systemd', command: '[ -d /run/systemd/system ] && command -v hostnamectl' },
]);

export function parseHostnameFacts(stdout: string): HostnameFacts {
  const s = parseSections(stdout);
  const file = section(s, 'file');
  return {
    current: section(s, 'kernel').out.trim(),
    file: file.rc === 0 ? (file.out.split('\n')[0] ?? '').trim() : undefined,
    systemd: section(s, 'systemd').rc === 0,
  };
}

export const hostnameFact = defineFact<void, HostnameFacts>({
  name: 'hostname',
  command: () => HOSTNAME_PROBE,
  parse: (out) => parseHostnameFacts(out.stdout),
});

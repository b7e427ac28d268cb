/**
 * How the CLI opens SSH connections: run-wide settings from flags and the
 * environment. The ssh code (and ssh2) loads with the first connection, so
 * runs that reach no host over SSH never load it.
 */
import type { ConnectionOpener } from '../engine/connections.js';
import { askSecret } from './ask-secret.js';

export function sshOpener(flags: { acceptNewHostKeys: boolean; password?: string | undefined }): ConnectionOpener {
  return async (spec) => {
    const { openSsh } = await import('../connection/ssh.js');
    return openSsh(flags.password && !spec.password ? { ...spec, password: flags.password } : spec, {
      acceptNewHostKeys: flags.acceptNewHostKeys,
      ...(process.stdin.isTTY ? { askPassphrase: (file: string) => askSecret(`passphrase for ${file}: `) } : {}),
    });
  };
}

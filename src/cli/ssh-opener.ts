/** How the CLI opens SSH connections: run-wide settings from flags and the environment. */
import { openSsh } from '../connection/ssh.js';
import type { ConnectionOpener } from '../engine/connections.js';
import { askSecret } from './run-command.js';

export function sshOpener(flags: { acceptNewHostKeys: boolean; password?: string | undefined }): ConnectionOpener {
  return async (spec) =>
    openSsh(flags.password && !spec.password ? { ...spec, password: flags.password } : spec, {
      acceptNewHostKeys: flags.acceptNewHostKeys,
      ...(process.stdin.isTTY ? { askPassphrase: (file: string) => askSecret(`passphrase for ${file}: `) } : {}),
    });
}

/**
 * `user: password`: a crypted hash set with `chpasswd -e`, the hash on its
 * stdin (never in argv, diffs or the journal). The current hash never
 * leaves the host either: the fact reads its sha256 to compare, and undo
 * restores the old field from a root-only copy kept on the host.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ModuleError } from '../errors.js';
import { sh } from '../shell/quote.js';
import { BACKUP_ROOT } from './kit/backup.js';
import type { Diff, Step } from './types.js';
import type { UserFacts } from '../facts/users.js';

export const passwordDigest = (hash: string): string => createHash('sha256').update(hash).digest('hex');

/** Hashes go into `name:hash` lines: a colon or a line break would write another account's line. */
export function checkPasswordHash(name: string, hash: string, warnings: string[]): void {
  if (/[:\n\r]/.test(hash)) throw new ModuleError(`user ${name}: password must be a crypted hash without ':' or line breaks`);
  if (!/^(\$[\w.\/$=,-]+|[!*].*)$/.test(hash)) {
    warnings.push(`user ${name}: the password does not look like a crypted hash; it is stored as given (give a hash: openssl passwd -6)`);
  }
}

/** Sets the hash: the secret travels on stdin only. */
export function setPasswordStep(name: string, hash: string): Step {
  return { kind: 'exec', command: 'chpasswd -e', stdin: `${name}:${hash}\n`, secret: true, description: `set the password of ${name}` };
}

function savedFieldPath(runId: string, name: string, tag: string): string {
  return path.posix.join(BACKUP_ROOT, runId, 'shadow', `${name}.${tag}`);
}

export interface PasswordChange {
  diff: Diff;
  steps: Step[];
  undo: Step[];
  cleanup: Step[];
}

/**
 * The change of an existing user's hash, or undefined when it is already
 * the wanted one (or `update_password: on_create`).
 */
export function planPasswordChange(
  name: string,
  hash: string | undefined,
  update: 'always' | 'on_create',
  facts: UserFacts,
  runId: string,
  warnings: string[],
): PasswordChange | undefined {
  if (hash === undefined || update === 'on_create') return undefined;
  checkPasswordHash(name, hash, warnings);
  if (facts.passwordDigest === passwordDigest(hash)) return undefined;
  const saved = savedFieldPath(runId, name, passwordDigest(hash).slice(0, 12));
  return {
    diff: { subject: `user ${name} password`, before: 'another hash', after: 'the given hash', kind: 'summary' },
    steps: [
      {
        kind: 'exec',
        // a step run again keeps the first copy: the hash as it was before this task
        command: `umask 077 && ${sh`mkdir -p ${path.posix.dirname(saved)}`} && ${sh`if [ ! -e ${saved} ]; then getent shadow -- ${name} | cut -d: -f1,2 > ${saved}; fi`}`,
        description: `keep the old password hash of ${name} on the host for undo`,
      },
      setPasswordStep(name, hash),
    ],
    undo: [{ kind: 'exec', command: sh`if [ -s ${saved} ]; then chpasswd -e < ${saved}; fi`, description: `put the old password hash of ${name} back` }],
    cleanup: [{ kind: 'exec', command: sh`rm -f ${saved}`, description: `delete the saved password hash of ${name}` }],
  };
}

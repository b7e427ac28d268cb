/**
 * Names of the temporary files an upload writes before it renames them into
 * place. They carry the run id, so the files a killed upload leaves behind
 * are found by name and removed when that run is rolled back or pruned
 * (`tempFilesCleanup`), and never mistaken for another run's.
 */
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { sh } from '../shell/quote.js';

const UNTAGGED = 'x';

export function tempBeside(dest: string, tag: string | undefined): string {
  return posix.join(posix.dirname(dest), `.${posix.basename(dest)}.ezplay-${tag ?? UNTAGGED}-${randomBytes(4).toString('hex')}`);
}

export function stagingName(tag: string | undefined): string {
  return `/tmp/.ezplay-upload-${tag ?? UNTAGGED}-${randomBytes(6).toString('hex')}`;
}

/** A command removing whatever uploads to `dest` tagged `tag` left: beside it and staged in /tmp. */
export function tempFilesCleanup(dest: string, tag: string): string {
  const beside = posix.join(posix.dirname(dest), `.${posix.basename(dest)}.ezplay-${tag}-`);
  // the prefixes are quoted; the glob after each is not
  return `rm -f -- ${sh`${beside}`}* ${sh`/tmp/.ezplay-upload-${tag}-`}*`;
}

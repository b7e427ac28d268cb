/**
 * Atomic uploads and whole-file reads over an ssh connection. A file is
 * written beside its destination under a hidden temporary name, given its
 * mode and owner, and renamed into place: a dropped connection can leave a
 * stray temporary file but never a half-written destination.
 */
import { createHash } from 'node:crypto';
import { stagingName, tempBeside } from './temp-names.js';
import type { SFTPWrapper } from 'ssh2';
import { ConnectionError } from '../errors.js';
import { sh } from '../shell/quote.js';
import type { Become, ExecResult, PutOptions } from './types.js';
import type { CommandShape, StdinSource } from './become.js';

export interface FileHost {
  readonly host: string;
  readonly user: string;
  readonly lost: string | undefined;
  run(shape: CommandShape, source: StdinSource, become?: Become, timeoutMs?: number): Promise<ExecResult>;
  sftp(): Promise<SFTPWrapper>;
  needsSudo(become: Become | undefined): boolean;
}

/** Above this, bytes go by SFTP rather than base64 through the shell. */
const SHELL_UPLOAD_LIMIT = 256 * 1024;
const SFTP_CHUNK = 32 * 1024;
const SFTP_IN_FLIGHT = 32;
/** `get` reports a missing file with this exit code */
const MISSING = 44;

interface CurrentFile {
  sha256: string;
  mode: number;
  owner: string;
  group: string;
}

function fail(h: FileHost, what: string, result: ExecResult): never {
  const detail = result.stderr.trim() || `exit code ${result.rc}`;
  throw new ConnectionError(`${what} on ${h.host}: ${detail}`);
}

async function inspect(h: FileHost, dest: string, become: Become | undefined): Promise<CurrentFile | undefined> {
  const probe = await h.run(
    { command: sh`if [ -f ${dest} ]; then sha256sum < ${dest} && stat -c '%a %U %G' -- ${dest}; fi` },
    { kind: 'none' },
    become,
  );
  if (probe.rc !== 0) fail(h, `cannot inspect ${dest}`, probe);
  const [hashLine, statLine] = probe.stdout.split('\n');
  if (!hashLine || !statLine) return undefined;
  const [mode, owner, group] = statLine.trim().split(' ');
  return { sha256: hashLine.split(' ')[0] as string, mode: parseInt(mode as string, 8), owner: owner as string, group: group as string };
}

function ownership(owner: string | undefined, group: string | undefined): string | undefined {
  if (owner === undefined && group === undefined) return undefined;
  return `${owner ?? ''}${group !== undefined ? `:${group}` : ''}`;
}

/** Streams bytes to a new remote file, several writes in flight, mode 0600 from the start. */
async function sftpWrite(h: FileHost, path: string, data: Buffer, dest: string): Promise<void> {
  const sftp = await h.sftp();
  const call = <T>(fn: (cb: (error: Error | null | undefined, value: T) => void) => void): Promise<T> =>
    new Promise((resolve, reject) => fn((error, value) => (error ? reject(error) : resolve(value))));
  try {
    const handle = await call<Buffer>((cb) => sftp.open(path, 'wx', { mode: 0o600 }, cb));
    let next = 0;
    const writer = async (): Promise<void> => {
      while (next < data.length) {
        const offset = next;
        const length = Math.min(SFTP_CHUNK, data.length - offset);
        next += length;
        await call<void>((cb) => sftp.write(handle, data, offset, length, offset, (e) => cb(e, undefined)));
      }
    };
    await Promise.all(Array.from({ length: SFTP_IN_FLIGHT }, writer));
    await call<void>((cb) => sftp.close(handle, (e) => cb(e, undefined)));
  } catch (cause) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (h.lost) {
      throw new ConnectionError(`connection to ${h.host} lost while uploading ${dest} (${h.lost})`, { unreachable: true, cause });
    }
    throw new ConnectionError(`cannot upload ${dest} to ${h.host} (as ${path}): ${(cause as Error).message}`, { cause });
  }
}

export async function putFile(h: FileHost, dest: string, data: Buffer, options: PutOptions): Promise<void> {
  const become = options.become;
  const sudo = h.needsSudo(become);
  const writer = sudo ? (become?.user ?? 'root') : h.user;
  const current = await inspect(h, dest, become);
  const wanted = createHash('sha256').update(data).digest('hex');

  // Keep what the file had unless told otherwise; only root can hand a file to someone else.
  const mode = options.mode ?? current?.mode ?? 0o644;
  const keepOwner = writer === 'root' && current !== undefined;
  const owner = options.owner ?? (keepOwner ? current.owner : undefined);
  const group = options.group ?? (keepOwner ? current.group : undefined);

  if (current && current.sha256 === wanted) {
    const fixes: string[] = [];
    if (current.mode !== mode) fixes.push(sh`chmod ${mode.toString(8)} -- ${dest}`);
    const chown = ownership(
      options.owner !== undefined && options.owner !== current.owner ? options.owner : undefined,
      options.group !== undefined && options.group !== current.group ? options.group : undefined,
    );
    if (chown) fixes.push(sh`chown ${chown} -- ${dest}`);
    if (fixes.length === 0) return;
    const fixed = await h.run({ command: fixes.join(' && ') }, { kind: 'none' }, become);
    if (fixed.rc !== 0) fail(h, `cannot set mode/owner of ${dest}`, fixed);
    return;
  }

  const tmp = tempBeside(dest, options.tempTag);
  const chown = ownership(owner, group);
  const finish = [
    sh`chmod ${mode.toString(8)} -- ${tmp}`,
    ...(chown ? [sh`chown ${chown} -- ${tmp}`] : []),
    sh`mv -f -- ${tmp} ${dest}`,
  ].join(' && ');
  const orCleanUp = sh` || { rm -f -- ${tmp}; exit 1; }`;
  const writeFromStdin = sh`umask 077 && cat > ${tmp}` + ` && ${finish}`;

  let result: ExecResult;
  if (data.length <= SHELL_UPLOAD_LIMIT) {
    result = await h.run({ command: `{ ${writeFromStdin}; }${orCleanUp}` }, { kind: 'bytes', data }, become);
  } else if (!sudo) {
    await sftpWrite(h, tmp, data, dest);
    result = await h.run({ command: `{ ${finish}; }${orCleanUp}` }, { kind: 'none' });
  } else {
    // SFTP runs as the login user: stage in /tmp, then let the sudo'ed shell
    // copy it beside the destination; stdin is opened before sudo, so the
    // staged file can stay private to the login user.
    const staging = stagingName(options.tempTag);
    await sftpWrite(h, staging, data, dest);
    try {
      result = await h.run({ command: `{ ${writeFromStdin}; }${orCleanUp}` }, { kind: 'remote-file', path: staging }, become);
    } finally {
      if (!h.lost) await h.run({ command: sh`rm -f -- ${staging}` }, { kind: 'none' });
    }
  }
  if (result.rc !== 0) fail(h, `cannot write ${dest}`, result);
}

export async function getFile(h: FileHost, path: string, become: Become | undefined): Promise<Buffer | null> {
  const result = await h.run(
    { command: sh`if [ -e ${path} ]; then base64 < ${path}; else exit ${MISSING}; fi` },
    { kind: 'none' },
    become,
  );
  if (result.rc === MISSING && result.stderr === '') return null;
  if (result.rc !== 0) fail(h, `cannot read ${path}`, result);
  return Buffer.from(result.stdout, 'base64');
}

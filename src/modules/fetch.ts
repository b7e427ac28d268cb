/**
 * `fetch`: copies a file from the host to the controller, by default under
 * `dest/<inventory_hostname>/<src path>` so hosts never overwrite each
 * other. The write is a controller-side put step; undo restores the old
 * local file or removes the new one.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ModuleError } from '../errors.js';
import { sh } from '../shell/quote.js';
import { pathsFact } from '../facts/paths.js';
import { contentDiff, looksLikePrivateKey, sha1 } from './kit/content.js';
import { defineModule, type Step } from './types.js';

export interface FetchArgs {
  src: string;
  dest: string;
  flat: boolean;
  fail_on_missing: boolean;
  validate_checksum: boolean;
}

/** Where the file lands on the controller, as Ansible lays it out. */
export function fetchDest(args: Pick<FetchArgs, 'src' | 'dest' | 'flat'>, host: string, baseDir: string): string {
  const dest = path.resolve(baseDir, args.dest);
  if (args.flat) return args.dest.endsWith('/') ? path.join(dest, path.posix.basename(args.src)) : dest;
  return path.join(dest, host, path.posix.normalize(args.src).replace(/^\/+/, ''));
}

/** The nearest existing directory above `file` on the controller, and the ones to create below it. */
function missingLocalDirs(file: string): string[] {
  const dirs: string[] = [];
  for (let d = path.dirname(file); !existsSync(d) && d !== path.dirname(d); d = path.dirname(d)) dirs.unshift(d);
  return dirs;
}

export const fetchModule = defineModule<FetchArgs>({
  name: 'fetch',
  summary: 'Copy a file from the host to the controller',
  description:
    'Fetches `src` from the host into `dest/<inventory_hostname>/<src>` on the controller (or `dest` itself with flat). ' +
    'Compared by sha1 first, so an unchanged file is not transferred. The copy gets the source\'s mode. Undo restores the previous local file (kept sealed in the journal) or removes the fetched one.',
  args: {
    src: { type: 'path', required: true, description: 'The file on the host (files only, not directories).' },
    dest: {
      type: 'path',
      required: true,
      description: 'A directory on the controller (relative to the playbook). With flat, the file path itself, or a directory when it ends in `/`.',
    },
    flat: { type: 'bool', default: false, description: 'Do not add `<inventory_hostname>/<src path>` below dest.' },
    fail_on_missing: { type: 'bool', default: true, description: 'Fail when src does not exist on the host (else the task is ok and says so).' },
    validate_checksum: { type: 'bool', default: true, description: 'Check the fetched bytes against the checksum the host reported.' },
  },
  async plan(ctx, args) {
    const [remote] = await ctx.gather(pathsFact, [{ path: args.src, follow: true, checksum: 'sha1' }]);
    if (!remote?.stat) {
      if (args.fail_on_missing) throw new ModuleError(`the remote file does not exist: ${args.src}`, { file: args.src });
      const msg = 'the remote file does not exist, not transferring, ignored';
      return { changed: false, msg, result: { msg, file: args.src } };
    }
    if (remote.stat.type === 'directory') throw new ModuleError(`remote file is a directory, fetch cannot work on directories: ${args.src}`);
    const dest = fetchDest(args, ctx.host, ctx.playbookDir);
    let local: Buffer | null = null;
    let localMode: number | undefined;
    if (existsSync(dest)) {
      const st = statSync(dest);
      if (!st.isFile()) throw new ModuleError(`${dest} exists on the controller and is not a file`);
      local = readFileSync(dest);
      localMode = st.mode & 0o7777;
    }
    const result = { file: args.src, dest, checksum: remote.checksum, remote_checksum: remote.checksum };
    if (local && sha1(local) === remote.checksum) return { changed: false, result };

    const bytes = await ctx.readFile(remote.realPath);
    if (!bytes) throw new ModuleError(`could not read ${args.src} on the host`);
    if (args.validate_checksum && sha1(bytes) !== remote.checksum) {
      throw new ModuleError(`checksum mismatch fetching ${args.src}: the file changed while it was read`);
    }
    const dirs = missingLocalDirs(dest);
    const steps: Step[] = [];
    if (dirs.length) {
      steps.push({ kind: 'exec', command: sh`mkdir -p -- ${dirs[dirs.length - 1] as string}`, description: `create ${dirs[dirs.length - 1]}`, on: 'controller' });
    }
    // the copy is as private as the source (a 0600 key stays 0600); the old local copy keeps its own mode
    const sourceMode = { mode: remote.stat.mode & 0o777 };
    const keepMode = localMode !== undefined ? { mode: localMode } : {};
    steps.push({
      kind: 'put',
      dest,
      content: { base64: bytes.toString('base64') },
      description: `fetch ${args.src} to ${dest}`,
      on: 'controller',
      secret: looksLikePrivateKey(bytes),
      ...sourceMode,
    });
    // The old local bytes are sealed in the journal (see engine/journal-seal.ts), never kept in clear.
    const undo: Step[] = local
      ? [{ kind: 'put', dest, content: { base64: local.toString('base64') }, description: `put back ${dest}`, on: 'controller', secret: looksLikePrivateKey(local), ...keepMode }]
      : [{ kind: 'exec', command: sh`rm -rf -- ${dirs[0] ?? dest}`, description: `remove ${dirs[0] ?? dest}`, on: 'controller' }];
    return { changed: true, diff: [contentDiff(dest, local, bytes)], steps, undo, result };
  },
});


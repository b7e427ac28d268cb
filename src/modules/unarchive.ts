/**
 * unarchive: a tar archive (gzipped or not) into a folder on the host. Check
 * mode is honest: the members are listed (on the controller with our own
 * tar reader, on the host with GNU tar) and compared by sha256 with what is
 * in `dest`, so only members that differ count as changes, and only those
 * are moved into place.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ModuleError } from '../errors.js';
import { sh } from '../shell/quote.js';
import { archiveDestFact, type DestEntry } from '../facts/archive-dest.js';
import { archiveListing } from './tar-listing-cache.js';
import type { Compression } from './tar-reader.js';
import { defineModule, type HostContext, type Plan, type Step } from './types.js';
import { compareMembers, describeChanges, extractSteps, withParents, type Attributes } from './unarchive-changes.js';
import { attributeArgs } from './kit/attributes.js';
import {
  parseRemoteListing,
  remoteListCommand,
  selectMembers,
  type Member,
} from './unarchive-members.js';

export interface UnarchiveArgs {
  src: string;
  dest: string;
  remote_src: boolean;
  extra_opts: string[];
  include: string[];
  exclude: string[];
  creates?: string;
  mode?: number;
  owner?: string;
  group?: string;
}

export const UPLOAD_DIR = '/var/tmp/ezplay-unarchive';

export const unarchive = defineModule<UnarchiveArgs>({
  name: 'unarchive',
  summary: 'Extract a tar archive into a folder on the host, changing only the files that differ',
  description:
    'Reads the archive (on the controller with a built-in tar reader, or on the host with GNU tar when ' +
    '`remote_src: true`), applies `include`, `exclude` and `--strip-components` from `extra_opts`, and ' +
    'compares each member by sha256 with the file in `dest`. Changed members are extracted into a scratch ' +
    'folder inside `dest` and moved into place one by one; files they replace are backed up first, so undo ' +
    'restores them and removes what did not exist. A controller-side archive is streamed into tar on the host ' +
    'as it is sent (uploaded first when sudo needs a password), and its member listing is cached beside the ' +
    'download cache, so an unchanged archive is not decompressed again on the next run. Supports .tar and ' +
    '.tar.gz on the controller; on the host, whatever GNU tar reads.',
  args: {
    src: {
      type: 'path',
      required: true,
      description:
        "The archive: a name in the role's files/ folder or an absolute path on the controller, or with " +
        '`remote_src: true` a path on the host.',
    },
    dest: { type: 'path', required: true, description: 'Folder on the host to extract into; it must exist.' },
    remote_src: { type: 'bool', default: false, description: '`src` is already on the host.' },
    extra_opts: {
      type: 'list',
      elements: 'str',
      default: [],
      description: "Extra options for tar, e.g. ['--strip-components=1']. Only --strip-components is taken into account when planning a controller-side archive.",
    },
    include: {
      type: 'list',
      elements: 'str',
      default: [],
      description: 'Archive member names (as stored, before stripping) to extract; a folder name takes everything below it.',
    },
    exclude: { type: 'list', elements: 'str', default: [], description: 'Wildcard patterns of members not to extract, as tar --exclude.' },
    creates: { type: 'path', description: 'If this path exists on the host, do nothing.' },
    ...attributeArgs({ of: 'every extracted file and folder' }),
  },
  plan: planUnarchive,
});

export async function planUnarchive(ctx: HostContext, args: UnarchiveArgs): Promise<Plan> {
  const fail = (message: string) => new ModuleError(message, { src: args.src, dest: args.dest }, ctx.pos);
  const tarOptions = [...args.extra_opts, ...args.exclude.map((e) => `--exclude=${e}`)];
  const want: Attributes = { mode: args.mode, owner: args.owner, group: args.group };
  const guard = [
    args.creates ? sh`if [ -e ${args.creates} ]; then echo @creates; exit 0; fi` : '',
    sh`[ -d ${args.dest} ] || { echo @nodest; exit 0; }`,
  ].filter(Boolean);

  let members: Member[];
  let localArchive: { path: string; compression: Compression } | undefined;
  let destEntries: Map<string, DestEntry>;
  if (args.remote_src) {
    const res = await ctx.probe([...guard, remoteListCommand(args.src, tarOptions, args.include)].join('\n'));
    const early = guardOutcome(res.stdout, args);
    if (early) return early;
    const listing = parseRemoteListing(res.stdout, res.stderr, stripComponents(args.extra_opts));
    if (listing.kind === 'nosrc') throw fail(`${args.src} does not exist on ${ctx.host}`);
    if (listing.kind === 'failed') throw fail(`cannot list ${args.src}: ${listing.detail}`);
    members = withParents(listing.members);
    destEntries = (await ctx.gather(archiveDestFact, { dest: args.dest, paths: pathList(members) })).entries;
  } else {
    const file = ctx.findFile('files', args.src);
    try {
      const listing = await archiveListing(file);
      localArchive = { path: file, compression: listing.compression };
      members = withParents(selectMembers(listing.entries, { strip: stripComponents(args.extra_opts), include: args.include, exclude: args.exclude }));
    } catch (error) {
      throw fail(`${file}: ${(error as Error).message}`);
    }
    if (args.extra_opts.some((o) => /^--(transform|xform)\b/.test(o))) {
      ctx.warn(`unarchive: ${args.extra_opts.join(' ')}: renaming options are not taken into account when planning`);
    }
    const probed = await ctx.gather(archiveDestFact, { dest: args.dest, creates: args.creates, paths: pathList(members) });
    if (probed.created) return skippedPlan(args);
    if (probed.noDest) throw new ModuleError(`dest ${args.dest} does not exist or is not a directory`, { dest: args.dest });
    destEntries = probed.entries;
  }

  let changes;
  try {
    changes = compareMembers(members, destEntries, want);
  } catch (error) {
    throw fail((error as Error).message);
  }
  const files = members.map((m) => m.path);
  const result = { src: args.src, dest: args.dest, files };
  if (!changes.length) return { changed: false, result: { ...result, msg: `${args.dest} already holds the archive's files` } };

  const tag = createHash('sha256')
    .update(JSON.stringify([args.src, args.dest, changes.map((c) => [c.member.path, c.member.sha256])]))
    .digest('hex')
    .slice(0, 12);
  // A controller archive streams straight into tar on the host, unless sudo
  // needs a password, which it would read from that same stdin: then it is
  // uploaded first.
  const stream = localArchive && ctx.become?.password === undefined ? localArchive : undefined;
  const upload =
    localArchive && !stream ? path.posix.join(UPLOAD_DIR, `${ctx.runId}-${tag}-${path.basename(localArchive.path)}`) : undefined;
  const extract = extractSteps(
    {
      archive: stream ? { stream: stream.path, compression: stream.compression } : (upload ?? args.src),
      dest: args.dest,
      tarOptions,
      include: args.include,
      want,
      runId: ctx.runId,
    },
    changes,
  );
  const steps: Step[] = [];
  const undo: Step[] = [...extract.undo];
  if (upload && localArchive) {
    steps.push(
      { kind: 'exec', command: sh`mkdir -p -m 0700 ${UPLOAD_DIR}`, description: `create ${UPLOAD_DIR}` },
      { kind: 'put', dest: upload, content: { localPath: localArchive.path }, mode: 0o600, description: `upload ${args.src} to ${upload}` },
    );
    const removeUpload: Step = { kind: 'exec', command: sh`rm -f ${upload}`, description: `remove ${upload}` };
    undo.push(removeUpload);
    steps.push(...extract.steps, removeUpload);
  } else {
    steps.push(...extract.steps);
  }
  return {
    changed: true,
    diff: describeChanges(args.dest, changes, want),
    steps,
    undo,
    ...(extract.cleanup.length ? { cleanup: extract.cleanup } : {}),
    writes: extract.writes,
    result: { ...result, changed_files: changes.map((c) => path.posix.join(args.dest, c.member.path)) },
  };
}

function skippedPlan(args: UnarchiveArgs): Plan {
  return { changed: false, result: { src: args.src, dest: args.dest, msg: `skipped, since ${args.creates} exists` } };
}

function guardOutcome(stdout: string, args: UnarchiveArgs): Plan | undefined {
  if (/^@creates$/m.test(stdout)) return skippedPlan(args);
  if (/^@nodest$/m.test(stdout)) throw new ModuleError(`dest ${args.dest} does not exist or is not a directory`, { dest: args.dest });
  return undefined;
}


function pathList(members: readonly Member[]): string[] {
  const bad = members.find((m) => m.path.includes('\n'));
  if (bad) throw new ModuleError(`archive member name with a newline is not supported: ${JSON.stringify(bad.path)}`);
  return members.map((m) => m.path);
}

/** `--strip-components=N`, `--strip-components N` or `--strip=N`, as tar spells it. */
export function stripComponents(opts: readonly string[]): number {
  let strip = 0;
  opts.forEach((o, i) => {
    const m = /^--strip(?:-components)?(?:=(\d+))?$/.exec(o);
    if (m) strip = Number(m[1] ?? opts[i + 1] ?? 0);
  });
  return strip;
}

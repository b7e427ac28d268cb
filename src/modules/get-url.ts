/**
 * get_url: a file from http, https or file:// on the host. By default the
 * controller downloads it once into its cache (hosts may not reach the
 * internet) and pushes it to each host; `fetch_on: host` lets each host
 * download it itself.
 */
import path from 'node:path';
import { ModuleError } from '../errors.js';
import { ChecksumMismatchError, sharedDownloadCache, type CachedFile } from './download-cache.js';
import type { DownloadOptions } from './download-transport.js';
import { attributeArgs, attributeChanges } from './kit/attributes.js';
import { guardWrites } from './kit/backup.js';
import { removeTempStep, tempBeside } from './kit/content.js';
import { humanSize, parseChecksumArg, pickChecksum, shortSha, urlBasename } from './get-url-checksum.js';
import { commandsFact } from '../facts/commands.js';
import { pathsFact, type PathFacts } from '../facts/paths.js';
import { checksumsProbeCommand, hostDownloadCommand, parseHostDownload, type HostFetch } from './get-url-host.js';
import { defineModule, type Diff, type HostContext, type Plan, type Step } from './types.js';

export interface GetUrlArgs {
  url: string;
  dest: string;
  checksum?: string;
  mode?: number;
  owner?: string;
  group?: string;
  force: boolean;
  timeout: number;
  validate_certs: boolean;
  url_username?: string;
  url_password?: string;
  fetch_on: 'controller' | 'host';
}

type DestState =
  | { kind: 'absent' }
  | { kind: 'file'; mode: number; owner: string; group: string; size: number; sha256?: string }
  | { kind: 'other' };
type FileState = Extract<DestState, { kind: 'file' }>;

const DOWNLOADERS = ['curl', 'wget'] as const;

/**
 * What is at `dest`, from the paths fact (one round trip): dest itself and
 * the URL's basename inside it, for when dest is a folder. Links are
 * followed, as writing through them would.
 */
async function destFacts(
  ctx: HostContext,
  dest: string,
  basename: string,
  withHash: boolean,
): Promise<{ isDir: boolean; noParent: boolean; state: DestState }> {
  const request = (p: string) => ({ path: p, follow: true, ...(withHash ? { checksum: 'sha256' as const } : {}) });
  const [asked, within] = (await ctx.gather(pathsFact, [request(dest), request(path.posix.join(dest, basename))])) as [PathFacts, PathFacts];
  const isDir = asked.stat?.type === 'directory';
  const facts = isDir ? within : asked;
  const stat = facts.stat;
  // a missing path whose nearest existing folder is not its own parent
  const noParent = !isDir && !stat && facts.ancestor !== undefined && facts.ancestor !== path.posix.dirname(facts.realPath);
  const state: DestState = !stat
    ? { kind: 'absent' }
    : stat.type === 'file'
      ? { kind: 'file', mode: stat.mode, owner: stat.owner, group: stat.group, size: stat.size, ...(facts.checksum ? { sha256: facts.checksum } : {}) }
      : { kind: 'other' };
  return { isDir, noParent, state };
}

export const getUrl = defineModule<GetUrlArgs>({
  name: 'get_url',
  summary: 'Download a file from http, https or file:// to the host, verified by sha256',
  description:
    'By default the controller downloads the URL once per run into its cache ' +
    '($EZPLAY_CACHE_DIR, else ~/.cache/ezplay/downloads), verifies it against `checksum`, ' +
    'and uploads it to each host, so hosts need no internet access and N hosts cost one download. ' +
    'With `fetch_on: host` each host downloads it with curl or wget and verifies it with sha256sum. ' +
    'When `dest` already has the expected sha256 nothing is downloaded. Undo restores the previous file ' +
    'from a backup taken on the host, or removes the file if there was none.',
  args: {
    url: { type: 'str', required: true, description: 'http://, https:// or file:// URL to download.' },
    dest: {
      type: 'path',
      required: true,
      description: "Absolute path on the host. If it is a directory, the file is saved in it under the URL's basename.",
    },
    checksum: {
      type: 'str',
      description:
        "'sha256:<hex>', or 'sha256:<url>' of a checksums file whose `HEX  filename` line for the URL's basename " +
        'is used. With a checksum, a `dest` that already matches is left alone and a download that does not match fails.',
    },
    ...attributeArgs({ keepExisting: true }),
    force: {
      type: 'bool',
      default: false,
      description:
        'Without a checksum, an existing `dest` is left alone unless force is true; then the URL is downloaded and ' +
        'replaces `dest` when its content differs (with `fetch_on: host` the content is only known after the ' +
        'download, so it always counts as a change).',
    },
    timeout: { type: 'int', default: 10, description: 'Seconds to wait for the server to connect or send data.' },
    validate_certs: { type: 'bool', default: true, description: "Verify the server's TLS certificate." },
    url_username: { type: 'str', aliases: ['username'], description: 'User for HTTP basic authentication.' },
    url_password: {
      type: 'str',
      aliases: ['password'],
      noLog: true,
      description: 'Password for HTTP basic authentication.',
    },
    fetch_on: {
      type: 'str',
      default: 'controller',
      choices: ['controller', 'host'],
      description:
        'Who downloads: the controller (cached once per run, then uploaded; the default) or each host itself ' +
        '(needs curl or wget and network access on the host). An ezplay extension.',
    },
  },
  plan: planGetUrl,
});

export async function planGetUrl(ctx: HostContext, args: GetUrlArgs): Promise<Plan> {
  const fail = (message: string, result: Record<string, unknown> = {}) => new ModuleError(message, result, ctx.pos);
  const basename = urlBasename(args.url);
  const fetch: HostFetch = {
    url: args.url,
    timeout: args.timeout,
    validateCerts: args.validate_certs,
    username: args.url_username,
    withPassword: args.url_password !== undefined,
  };
  const expected = await expectedSha(ctx, args, fetch, basename).catch((error: Error) => {
    throw error instanceof ModuleError ? error : fail(error.message);
  });

  const facts = await destFacts(ctx, args.dest, basename, expected !== undefined || args.force);
  const dest = facts.isDir ? path.posix.join(args.dest, basename) : args.dest;
  if (!facts.isDir && args.dest.endsWith('/')) throw fail(`destination directory ${args.dest} does not exist`);
  if (facts.noParent) throw fail(`destination directory ${path.posix.dirname(dest)} does not exist`);
  if (facts.state.kind === 'other') throw fail(`${dest} exists and is not a regular file`);
  const existing = facts.state.kind === 'file' ? facts.state : undefined;
  const base = { dest, url: args.url };

  const keep =
    existing !== undefined &&
    ((expected !== undefined && existing.sha256 === expected) || (expected === undefined && !args.force));
  if (keep) return attributePlan(args, dest, existing, { ...base, checksum: existing.sha256 ?? expected, size: existing.size });

  if (args.fetch_on === 'host') {
    const tools = await ctx.gather(commandsFact, DOWNLOADERS);
    if (!tools.curl && !tools.wget) throw fail(`neither curl nor wget is installed on ${ctx.host} (fetch_on: host)`);
    return hostPlan(ctx, args, dest, existing, expected, fetch);
  }

  let file: CachedFile;
  try {
    const name = urlBasename(args.url) || args.url;
    file = await sharedDownloadCache().get(args.url, expected, {
      ...downloadOptions(args),
      onProgress: (done, total) => ctx.progress?.({ text: `downloading ${name}`, done, ...(total ? { total } : {}), unit: 'bytes' }),
    });
  } catch (error) {
    if (error instanceof ChecksumMismatchError) {
      throw fail(`${error.message}; the download was discarded`, { expected: error.expected, actual: error.actual });
    }
    throw fail(`downloading ${args.url}: ${(error as Error).message}`, base);
  }
  if (existing?.sha256 === file.sha256) {
    return attributePlan(args, dest, existing, { ...base, checksum: file.sha256, size: file.size });
  }
  const diff: Diff = {
    subject: dest,
    kind: 'summary',
    before: describeFile(existing),
    after: `sha256 ${shortSha(file.sha256)} (${humanSize(file.size)} from ${args.url})`,
  };
  const put: Step = {
    kind: 'put',
    dest,
    content: { localPath: file.path },
    description: `upload ${args.url} to ${dest}`,
    mode: args.mode ?? existing?.mode ?? 0o644,
    ...owners(args, existing),
  };
  return contentPlan(ctx, dest, existing, diff, [put], {
    ...base,
    checksum: file.sha256,
    size: file.size,
    msg: `${dest} from ${args.url}`,
  });
}

async function expectedSha(ctx: HostContext, args: GetUrlArgs, fetch: HostFetch, basename: string): Promise<string | undefined> {
  if (!args.checksum) return undefined;
  const spec = parseChecksumArg(args.checksum);
  if ('sha256' in spec) return spec.sha256;
  let text: string;
  if (args.fetch_on === 'host') {
    const res = await ctx.probe(checksumsProbeCommand({ ...fetch, url: spec.checksumsUrl }), passwordStdin(args));
    if (res.rc !== 0) throw new Error(`downloading checksums ${spec.checksumsUrl} on the host: ${res.stderr.trim()}`);
    text = res.stdout;
  } else {
    text = await sharedDownloadCache().text(spec.checksumsUrl, downloadOptions(args));
  }
  const found = pickChecksum(text, basename);
  if (!found) throw new Error(`no sha256 for '${basename}' in ${spec.checksumsUrl}`);
  return found;
}

function hostPlan(
  ctx: HostContext,
  args: GetUrlArgs,
  dest: string,
  existing: FileState | undefined,
  expected: string | undefined,
  fetch: HostFetch,
): Plan {
  const tmp = tempBeside(dest, ctx.runId);
  const command = hostDownloadCommand({
    ...fetch,
    dest,
    tmp,
    sha256: expected,
    mode: args.mode ?? existing?.mode ?? 0o644,
    ...owners(args, existing),
  });
  const step: Step = {
    kind: 'exec',
    command,
    description: `download ${args.url} to ${dest} on the host`,
    ...passwordStdin(args),
    ...(args.url_password !== undefined ? { secret: true } : {}),
  };
  const diff: Diff = {
    subject: dest,
    kind: 'summary',
    before: describeFile(existing),
    after: expected ? `sha256 ${shortSha(expected)} (from ${args.url}, fetched by the host)` : `from ${args.url}, fetched by the host`,
  };
  const plan = contentPlan(ctx, dest, existing, diff, [step], { dest, url: args.url, msg: `${dest} from ${args.url}` });
  // a download killed outright (no EXIT trap) leaves its temporary file: removed by undo, or when the run is pruned
  plan.undo = [removeTempStep(tmp), ...(plan.undo ?? [])];
  plan.cleanup = [removeTempStep(tmp), ...(plan.cleanup ?? [])];
  const stepIndex = (plan.steps?.length ?? 1) - 1;
  plan.afterApply = (outputs) => {
    const got = parseHostDownload(outputs[stepIndex]?.stdout ?? '');
    return { dest, url: args.url, ...(got.sha256 ? { checksum: got.sha256 } : {}), ...(got.size !== undefined ? { size: got.size } : {}) };
  };
  return plan;
}

/** The content changes: back up the old file first so undo can put it back exactly. */
function contentPlan(
  ctx: HostContext,
  dest: string,
  existing: FileState | undefined,
  diff: Diff,
  write: Step[],
  result: Record<string, unknown>,
): Plan {
  const guard = guardWrites(ctx.runId, [{ path: dest, existed: existing !== undefined }]);
  return {
    changed: true,
    diff: [diff],
    steps: [...guard.steps, ...write],
    undo: guard.undo,
    ...(guard.cleanup.length ? { cleanup: guard.cleanup } : {}),
    writes: guard.writes,
    result,
  };
}

/** The content is right; only mode, owner or group may still differ. */
function attributePlan(args: GetUrlArgs, dest: string, file: FileState, result: Record<string, unknown>): Plan {
  const { diff, steps, undo } = attributeChanges(dest, file, { mode: args.mode, owner: args.owner, group: args.group });
  if (!steps.length) return { changed: false, result: { ...result, msg: `${dest} is up to date` } };
  return { changed: true, diff, steps, undo: undo.reverse(), writes: [dest], result };
}

function describeFile(file: FileState | undefined): string {
  if (!file) return 'absent';
  return file.sha256 ? `sha256 ${shortSha(file.sha256)} (${humanSize(file.size)})` : `${humanSize(file.size)}`;
}

function owners(args: GetUrlArgs, existing: FileState | undefined): { owner?: string; group?: string } {
  const owner = args.owner ?? existing?.owner;
  const group = args.group ?? existing?.group;
  return { ...(owner ? { owner } : {}), ...(group ? { group } : {}) };
}

function downloadOptions(args: GetUrlArgs): DownloadOptions {
  return {
    timeoutMs: args.timeout * 1000,
    validateCerts: args.validate_certs,
    username: args.url_username,
    password: args.url_password,
  };
}

function passwordStdin(args: GetUrlArgs): { stdin?: string } {
  return args.url_password !== undefined ? { stdin: `${args.url_password}\n` } : {};
}

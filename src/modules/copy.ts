/**
 * `copy`: a file from the role's files/ (or inline `content`, or a file
 * already on the host) to dest. Compared by sha256, so an unchanged file
 * costs one probe and no upload.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ModuleError } from '../errors.js';
import { sh } from '../shell/quote.js';
import { planStreamedCopy, STREAM_ABOVE_BYTES } from './copy-stream.js';
import { compactJson } from '../template/filters/data.js';
import { planCopyTree } from './copy-tree.js';
import { pathInfo } from './file-states.js';
import { isVaultFile, isVaultText } from '../vault/index.js';
import { sealedPlan, vaultFileBytes } from './kit/vault-file.js';
import { pathsFact } from '../facts/paths.js';
import { expandHostPath } from '../facts/path-expansion.js';
import { treeCompareFact } from '../facts/tree-compare.js';
import { guardWrites } from './kit/backup.js';
import { attributeArgs, attributeChanges, chownCommand, mergedAttributes, type Attributes } from './kit/attributes.js';
import { createDirsSteps, installCommand, md5, missingDirs, planContentAt, prepareWrite, removeTempStep, sha256, tempBeside } from './kit/content.js';
import type { ArgSchema, ArgSpec, HostContext, Plan, Step } from './types.js';
import { defineModule } from './types.js';

export interface CopyArgs {
  src?: string;
  content?: unknown;
  dest: string;
  mode?: number | 'preserve';
  owner?: string;
  group?: string;
  backup: boolean;
  remote_src: boolean;
  force: boolean;
  directory_mode?: number;
  validate?: string;
  follow: boolean;
  decrypt: boolean;
  /** unset: follow on the controller, keep links with remote_src (Ansible's module has no default) */
  local_follow?: boolean | undefined;
}

/** `mode: preserve` is the controller file's own mode; any other mode is already a number. */
export function modeOf(mode: number | 'preserve' | undefined, local: string): number | undefined {
  return mode === 'preserve' ? statSync(local).mode & 0o7777 : mode;
}

/** Arguments copy and template share, with their reference text. */
export const FILE_CONTENT_ARGS: ArgSchema = {
  dest: {
    type: 'path',
    required: true,
    description:
      'Where the file goes on the host. A path ending in `/`, or an existing directory, means "inside it, under the source\'s name". ' +
      'When dest is a symlink, the file it points to is written.',
  },
  ...attributeArgs({ keepExisting: true }),
  mode: {
    ...attributeArgs({ keepExisting: true }).mode!,
    keywords: ['preserve'],
    description:
      "Permission bits, as octal: '0644' (quote it in YAML) or 0644. `preserve`: the mode the source file has on the controller. " +
      "Default: the existing file's, else 0644.",
  },
  backup: {
    type: 'bool',
    default: false,
    description: 'Keep the replaced file as `dest.<YYYY-MM-DD@HH:MM:SS>~` (registered as backup_file).',
  },
  force: { type: 'bool', default: true, description: 'Replace a dest that differs. With `no`, only create dest when it is missing.' },
  follow: {
    type: 'bool',
    default: true,
    description:
      'When dest is a symlink, write the file it points to. `no` (Ansible\'s default) replaces the link with the file.',
  },
  validate: {
    type: 'str',
    description:
      'A command run on the new file before it replaces dest, `%s` standing for its path (`visudo -cf %s`). Dest is left alone when it fails.',
  },
};


/**
 * The result names what dest is once the task is done: an unchanged plan
 * has it from its probe, a change reads dest again after its steps.
 */
export async function withPathInfo(ctx: HostContext, plan: Plan): Promise<Plan> {
  const dest = plan.result?.dest;
  // a tree's result names the folder only, as Ansible's does; an unchanged file's plan has them from its probe
  if (typeof dest !== 'string' || 'files' in (plan.result ?? {}) || !plan.changed) return plan;
  const earlier = plan.afterApply;
  return {
    ...plan,
    afterApply: async (outputs) => {
      const after = { ...plan.result, ...(earlier ? await earlier(outputs) : {}) };
      try {
        const [facts] = await ctx.gather(pathsFact, [{ path: dest, follow: true }], { fresh: true });
        return { ...after, ...pathInfo(facts?.stat ?? null) };
      } catch {
        // the change is made: a read that fails leaves the result with what the plan knew
        return after;
      }
    },
  };
}

function contentBytes(content: unknown): Buffer {
  // Ansible hands a dict or list to the module as json.dumps text: compact, ASCII-escaped
  return Buffer.from(typeof content === 'string' ? content : compactJson(content), 'utf8');
}

/** remote_src: both files are on the host; the bytes never travel. */
async function planRemoteCopy(ctx: HostContext, args: CopyArgs, src: string): Promise<Plan> {
  const dest = args.dest.endsWith('/') ? path.posix.join(args.dest, path.basename(src)) : args.dest;
  const [srcFacts, destFacts] = await ctx.gather(pathsFact, [
    { path: src, follow: true, checksum: 'sha1' },
    { path: dest, follow: true, checksum: 'sha1' },
  ]);
  if (!srcFacts?.stat || !destFacts) throw new ModuleError(`Source ${src} not found`);
  if (srcFacts.stat.type === 'directory') return planRemoteTree(ctx, args, src);
  if (srcFacts.stat.type !== 'file') throw new ModuleError(`Cannot copy invalid source '${src}': not a file`);
  if (destFacts.stat?.type === 'directory') return planRemoteCopy(ctx, { ...args, dest: `${dest}/` }, src);
  const target = destFacts.realPath;
  const existing = destFacts.stat;
  // preserve: the mode src has on the host
  const want: Attributes = { mode: args.mode === 'preserve' ? srcFacts.stat.mode & 0o7777 : args.mode, owner: args.owner, group: args.group };
  const result: Record<string, unknown> = { dest, src, checksum: srcFacts.checksum, state: 'file' };
  if (existing && (!args.force || destFacts.checksum === srcFacts.checksum)) {
    const attrs = args.force ? attributeChanges(target, existing, want) : { diff: [], steps: [], undo: [] };
    if (!attrs.steps.length) return { changed: false, result: { ...result, ...pathInfo(existing) } };
    return { changed: true, diff: attrs.diff, steps: attrs.steps, undo: attrs.undo.reverse(), writes: [target], result };
  }
  const tmp = tempBeside(target, ctx.runId);
  // dest ending in / makes its missing folders (with directory_mode); a missing folder above a file dest is an error
  const guard = prepareWrite(ctx.runId, destFacts, { createParents: args.dest.endsWith('/') ? { mode: args.directory_mode } : undefined, backup: args.backup }, result);
  const install = installCommand(sh`cp -- ${src} ${tmp}`, tmp, target, mergedAttributes(want, existing));
  const short = (s: string | undefined) => (s ? `sha1 ${s.slice(0, 12)}…` : 'absent');
  return {
    changed: true,
    diff: [{ subject: dest, before: existing ? short(destFacts.checksum) : 'absent', after: short(srcFacts.checksum), kind: 'summary' }],
    steps: [...guard.steps, { kind: 'exec', command: install, description: `copy ${src} to ${dest}` }],
    undo: [removeTempStep(tmp), ...guard.undo],
    ...(guard.cleanup.length ? { cleanup: guard.cleanup } : {}),
    writes: guard.writes,
    result,
  };
}

/**
 * remote_src with a folder: its contents are merged into dest (`src/`) or
 * into dest/<name of src> (`src`), folders made as needed, links followed
 * with local_follow (else made again as links), as Ansible's module does.
 * Unchanged when `diff -r` finds the two the same. Undo puts the folder
 * back as it was (kept whole in the run's backups) or removes it.
 */
async function planRemoteTree(ctx: HostContext, args: CopyArgs, src: string): Promise<Plan> {
  const target = src.endsWith('/') ? args.dest : path.posix.join(args.dest, path.posix.basename(src));
  const follow = args.local_follow === true;
  const compared = await ctx.gather(treeCompareFact, { src, dest: target, follow });
  const result: Record<string, unknown> = { dest: args.dest, src };
  const owner = args.owner !== undefined || args.group !== undefined;
  if (compared === 'same' && !owner) return { changed: false, result };
  const [facts] = await ctx.gather(pathsFact, [{ path: target, follow: true }]);
  const existed = Boolean(facts?.stat);
  // a folder already there is kept whole in the run's backups; the folders the copy makes are removed by undo
  const guard = existed
    ? guardWrites(ctx.runId, [{ path: target, existed }])
    : { ...createDirsSteps(missingDirs(target, facts?.ancestor ?? '/'), args.directory_mode), cleanup: [] as Step[] };
  const copy = sh`mkdir -p -- ${target} && cp -R ${follow ? '-L' : '-P'} --preserve=mode,timestamps -- ${`${src.replace(/\/+$/, '')}/.`} ${`${target}/`}`;
  const steps: Step[] = [...guard.steps, { kind: 'exec', command: copy, description: `copy the contents of ${src} into ${target}` }];
  if (owner) steps.push({ kind: 'exec', command: chownCommand([target], args.owner, args.group, { recurse: true }), description: `chown -R ${target}` });
  return {
    changed: true,
    diff: [{ subject: target, before: existed ? 'folder' : 'absent', after: `folder with the contents of ${src}`, kind: 'summary' }],
    steps,
    undo: guard.undo,
    ...(guard.cleanup.length ? { cleanup: guard.cleanup } : {}),
    writes: guard.writes,
    result,
  };
}

export const copyModule = defineModule<CopyArgs>({
  name: 'copy',
  summary: "Copy a file from the role's files/ (or inline content) to the host",
  description:
    'Writes a file from the controller (`src`, looked up in the role\'s files/ folder, then beside the playbook), ' +
    'from `content`, or from another path on the host (`remote_src`). Files are compared by sha256: an unchanged ' +
    'file is not uploaded. The upload is atomic. Undo puts back the replaced file (kept in the run\'s backups ' +
    'under /var/lib/ezplay/backup, never beside it) or removes a file the task created.',
  args: {
    src: {
      type: 'path',
      description:
        "The file to copy: a path in the role's files/ folder (or absolute, on the controller); with remote_src, a path on the host. " +
        'A directory is copied recursively: `dir` lands as `dest/dir/`, `dir/` copies its contents into dest.',
    },
    content: {
      type: 'raw',
      noLog: true,
      description: 'The file content, instead of src. A mapping or list is written as JSON.',
    },
    ...FILE_CONTENT_ARGS,
    dest: { ...(FILE_CONTENT_ARGS.dest as ArgSpec), requiredMessage: 'dest is required' },
    remote_src: { type: 'bool', default: false, description: 'src is a file on the host, copied there with cp.' },
    directory_mode: { type: 'mode', description: 'Mode of the directories the task creates (for a dest ending in `/`, or a directory src).' },
    local_follow: {
      type: 'bool',
      description:
        'Follow the symlinks inside a src folder on the controller (unset: yes), copying the files they point to and walking the folders (a link that cannot be followed is made again as a link). `no`: every link is made again as a link. ' +
        'With remote_src and a src folder, only `yes` follows links; unset or `no` copies them as links, as Ansible\'s module does.',
    },
    decrypt: {
      type: 'bool',
      default: true,
      description:
        'Decrypt a src that is an Ansible Vault file (on the controller, with the run\'s vault secrets; without one that fits, the task fails as in Ansible); `no` copies the file as it is.',
    },
  },
  async plan(ctx, given) {
    return withPathInfo(ctx, await planCopy(ctx, given));
  },
});

async function planCopy(ctx: HostContext, given: CopyArgs): Promise<Plan> {
  const args = { ...given };
  if (args.src === '') delete args.src;
  // Ansible's checks, in its order and words
  if (args.src === undefined && args.content === undefined) throw new ModuleError('src (or content) is required');
  if (args.src !== undefined && args.content !== undefined) throw new ModuleError('src and content are mutually exclusive');
  if (args.content !== undefined && args.dest.endsWith('/')) throw new ModuleError('can not use content with a dir as dest');
  // dest, and a src on the host, are paths the host expands ($HOME, ~), as Ansible's module does there
  const expand = (p: string) => expandHostPath((fact, a) => ctx.gather(fact, a), p);
  args.dest = await expand(args.dest);
  if (args.remote_src && args.src !== undefined) args.src = await expand(args.src);
    if (args.mode === 'preserve' && args.src === undefined) {
      throw new ModuleError('copy: mode=preserve needs a src (with content it is not supported)');
    }
    if (args.remote_src) {
      if (args.src === undefined) throw new ModuleError('copy: remote_src needs src');
      return planRemoteCopy(ctx, args, args.src);
    }
    let bytes: Buffer;
    let fromVault = false;
    let mode = args.mode === 'preserve' ? undefined : args.mode;
    if (args.src !== undefined) {
      const local = ctx.findFile('files', args.src);
      if (existsSync(local) && statSync(local).isDirectory()) {
        return planCopyTree(ctx, {
          src: args.src,
          localDir: local,
          dest: args.dest,
          attributes: { mode, owner: args.owner, group: args.group },
          directoryMode: args.directory_mode,
          backup: args.backup,
          force: args.force,
          localFollow: args.local_follow ?? true,
          preserveMode: args.mode === 'preserve',
          decrypt: args.decrypt,
        });
      }
      if (args.mode === 'preserve' && existsSync(local)) mode = modeOf('preserve', local);
      // a file planned in check mode by an earlier task exists only in the plan: read it from there
      const size = existsSync(local) ? statSync(local).size : 0;
      // a vault is decrypted here, on the controller: only what it holds is sent
      const vaulted = args.decrypt && existsSync(local) && isVaultFile(local);
      if (size > STREAM_ABOVE_BYTES && args.validate === undefined && !vaulted) {
        const attributes = { mode, owner: args.owner, group: args.group };
        return planStreamedCopy(ctx, { local, size, dest: args.dest, attributes, force: args.force, backup: args.backup, directoryMode: args.directory_mode });
      }
      bytes = ctx.readControllerFile(local);
      if (args.decrypt && isVaultText(bytes)) {
        bytes = vaultFileBytes(bytes, local);
        fromVault = true;
      }
    } else bytes = contentBytes(args.content);
    const plan = await planContentAt(ctx, args.dest, args.src, {
      content: bytes,
      attributes: { mode, owner: args.owner, group: args.group },
      backup: args.backup,
      force: args.force,
      validate: args.validate,
      createParents: { mode: args.directory_mode },
      follow: args.follow,
    });
    if (plan.result && args.src !== undefined) plan.result.src = args.src;
    if (plan.result) plan.result.sha256 ??= sha256(bytes);
    if (plan.changed && plan.result) plan.result.md5sum = md5(bytes);
    return fromVault ? sealedPlan(plan) : plan;
}


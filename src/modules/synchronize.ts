/**
 * `synchronize`: rsync between the controller and the host (push: the
 * controller's `src` to the host's `dest`; pull: the other way), or on the
 * host alone when the task is delegated to the host itself or runs on a
 * local connection. The plan is the same rsync with `--dry-run`: its
 * itemized list of changes is the diff, and no change plans nothing, so
 * `--check` says exactly what a run would copy or delete.
 */
import { ModuleError } from '../errors.js';
import { quoteArgs } from '../shell/quote.js';
import { guardWrites, removeCreatedTreeStep, type Guarded } from './kit/index.js';
import { defineModule, type HostContext, type Step } from './types.js';

export interface SynchronizeArgs {
  src: string;
  dest: string;
  mode: 'push' | 'pull';
  archive: boolean;
  checksum: boolean;
  compress: boolean;
  existing_only: boolean;
  delete: boolean;
  dirs: boolean;
  recursive?: boolean;
  links?: boolean;
  copy_links: boolean;
  perms?: boolean;
  times?: boolean;
  owner?: boolean;
  group?: boolean;
  set_remote_user: boolean;
  rsync_path?: string;
  rsync_timeout: number;
  rsync_opts: string[];
  partial: boolean;
  verify_host: boolean;
  private_key?: string;
  dest_port?: number;
  link_dest: string[];
  delay_updates: boolean;
  use_ssh_args: boolean;
}

/** The far side of an rsync run from the controller or a delegate: how ssh reaches the host. */
export interface RemoteEnd {
  address: string;
  user?: string;
  port?: number;
  key?: string;
  /** more ssh options (use_ssh_args) */
  sshArgs?: string[];
  /** the program rsync starts on the far side (`sudo rsync` with become) */
  rsyncPath?: string;
}

export const CHANGED_MARK = '<<CHANGED>>';

/** rsync's options for the arguments, in Ansible's order; `remote` undefined: both paths are local. */
export function rsyncArgv(args: SynchronizeArgs, src: string, dest: string, remote: RemoteEnd | undefined, dryRun: boolean): string[] {
  const argv = ['rsync'];
  if (args.delay_updates) argv.push('--delay-updates');
  argv.push('-F');
  if (args.compress) argv.push('--compress');
  if (args.rsync_timeout) argv.push(`--timeout=${args.rsync_timeout}`);
  if (args.delete) argv.push('--delete-after');
  if (args.existing_only) argv.push('--existing');
  if (args.checksum) argv.push('--checksum');
  if (args.copy_links) argv.push('--copy-links');
  // archive implies the six; each one set false is taken back, each set true without archive added
  if (args.archive) argv.push('--archive');
  const implied: Array<[keyof SynchronizeArgs, string]> = [['recursive', 'recursive'], ['links', 'links'], ['perms', 'perms'], ['times', 'times'], ['owner', 'owner'], ['group', 'group']];
  for (const [key, flag] of implied) {
    const value = args[key];
    if (args.archive && value === false) argv.push(`--no-${flag}`);
    if (!args.archive && value === true) argv.push(`--${flag}`);
  }
  if (args.archive && args.recursive === false && args.dirs) argv.push('--dirs');
  if (!args.archive && args.dirs) argv.push('--dirs');
  if (args.partial) argv.push('--partial');
  for (const link of args.link_dest) argv.push(`--link-dest=${link}`);
  if (remote) {
    const ssh = ['ssh', '-S', 'none'];
    if (!args.verify_host) ssh.push('-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null');
    if (remote.key) ssh.push('-i', remote.key);
    if (remote.port !== undefined) ssh.push('-p', String(remote.port));
    ssh.push(...(remote.sshArgs ?? []));
    argv.push(`--rsh=${quoteArgs(ssh)}`);
  }
  const rsyncPath = args.rsync_path ?? remote?.rsyncPath;
  if (rsyncPath && remote) argv.push(`--rsync-path=${rsyncPath}`);
  argv.push(...args.rsync_opts);
  if (dryRun) argv.push('--dry-run');
  argv.push(`--out-format=${CHANGED_MARK}%i %n%L`);
  const far = (p: string) => {
    if (!remote) return p;
    const host = remote.address.includes(':') ? `[${remote.address}]` : remote.address;
    return `${remote.user ? `${remote.user}@` : ''}${host}:${p}`;
  };
  argv.push(args.mode === 'pull' ? far(src) : src, args.mode === 'pull' ? dest : far(dest));
  return argv;
}

export interface ItemizedChange {
  /** rsync's itemize code: `>f+++++++++`, `cd+++++++++`, `*deleting` */
  code: string;
  path: string;
}

/** The `<<CHANGED>>` lines of rsync's output. */
export function parseItemized(stdout: string): ItemizedChange[] {
  const out: ItemizedChange[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(CHANGED_MARK)) continue;
    const rest = line.slice(CHANGED_MARK.length);
    const m = /^(\*deleting|\S+)\s+(.*)$/.exec(rest);
    if (m) out.push({ code: m[1] as string, path: m[2] as string });
  }
  return out;
}

/** An itemized change in words, for the diff. */
export function describeChange(change: ItemizedChange): string {
  if (change.code === '*deleting') return `delete ${change.path}`;
  const kind = change.code[1] === 'd' ? 'folder' : change.code[1] === 'L' ? 'link' : 'file';
  if (change.code.slice(2).startsWith('+++')) return `create ${kind} ${change.path}`;
  if (change.code[0] === '.' || change.code[0] === 'c' && kind !== 'file') return `set attributes of ${kind} ${change.path}`;
  return `update ${kind} ${change.path}`;
}

type Where = { side: 'host' | 'controller'; remote: RemoteEnd | undefined };

/** Where rsync runs and how it reaches the other side, as Ansible's synchronize decides. */
export function whereRsyncRuns(ctx: Pick<HostContext, 'host' | 'vars' | 'local' | 'delegatedTo' | 'become'>, args: SynchronizeArgs): Where {
  if (ctx.local || ctx.delegatedTo === ctx.host) return { side: 'host', remote: undefined };
  const v = ctx.vars;
  const str = (x: unknown) => (typeof x === 'string' && x !== '' ? x : undefined);
  const port = args.dest_port ?? (v.ansible_port !== undefined ? Number(v.ansible_port) : undefined);
  const key = args.private_key ?? str(v.ansible_ssh_private_key_file) ?? str(v.ansible_private_key_file);
  const user = args.set_remote_user ? (str(v.ansible_user) ?? str(v.ansible_ssh_user)) : undefined;
  const sshArgs = args.use_ssh_args ? [str(v.ansible_ssh_common_args), str(v.ansible_ssh_extra_args)].filter((x): x is string => !!x).flatMap((s) => s.split(/\s+/).filter(Boolean)) : [];
  const become = ctx.become;
  const rsyncPath = become ? (become.user && become.user !== 'root' ? `sudo -u ${become.user} rsync` : 'sudo rsync') : undefined;
  const remote: RemoteEnd = {
    address: str(v.ansible_host) ?? ctx.host,
    ...(user ? { user } : {}),
    ...(port !== undefined && Number.isFinite(port) ? { port } : {}),
    ...(key ? { key } : {}),
    ...(sshArgs.length ? { sshArgs } : {}),
    ...(rsyncPath ? { rsyncPath } : {}),
  };
  // delegated to another host: rsync runs there and reaches this host by ssh
  return { side: ctx.delegatedTo !== undefined ? 'host' : 'controller', remote };
}

export const synchronizeModule = defineModule<SynchronizeArgs>({
  name: 'synchronize',
  summary: 'Copy files with rsync between the controller and the host',
  description:
    'Push (the controller\'s `src` to the host\'s `dest`) or pull (the host\'s `src` to the controller\'s `dest`) with rsync over ssh; ' +
    'delegated to the host itself, or on a local connection, rsync runs on the host with both paths there. ' +
    'Planned with the same rsync and `--dry-run`: the itemized changes are the diff, none means no change, and `--check` runs only the dry run. ' +
    'rsync must be installed on both sides; ssh reaches the host with its `ansible_user`, `ansible_port` and key (no passwords). ' +
    'With become, the far side runs `sudo rsync`. Undo, when the destination is on the host and an absolute path: a destination that existed ' +
    'is copied whole into the run\'s backups first and restored; a new one is removed. A pull (destination on the controller) cannot be undone.',
  args: {
    src: { type: 'str', required: true, description: 'The source: on the controller for push, on the host for pull. A trailing `/` copies the folder\'s contents.' },
    dest: { type: 'str', required: true, description: 'The destination: on the host for push, on the controller for pull.' },
    mode: { type: 'str', default: 'push', choices: ['push', 'pull'], description: 'push: controller to host; pull: host to controller.' },
    archive: { type: 'bool', default: true, description: 'rsync `--archive`: recursive, links, permissions, times, owner, group.' },
    checksum: { type: 'bool', default: false, description: 'Compare files by checksum, not by size and time.' },
    compress: { type: 'bool', default: true, description: 'Compress data on the wire.' },
    existing_only: { type: 'bool', default: false, description: 'Update only files the destination has already.' },
    delete: { type: 'bool', default: false, description: 'Delete destination files the source does not have (`--delete-after`).' },
    dirs: { type: 'bool', default: false, description: 'Transfer folders without recursing into them.' },
    recursive: { type: 'bool', description: 'Recurse into folders (default: archive\'s).' },
    links: { type: 'bool', description: 'Copy symlinks as symlinks (default: archive\'s).' },
    copy_links: { type: 'bool', default: false, description: 'Copy what symlinks point to instead.' },
    perms: { type: 'bool', description: 'Keep permissions (default: archive\'s).' },
    times: { type: 'bool', description: 'Keep modification times (default: archive\'s).' },
    owner: { type: 'bool', description: 'Keep the owner (default: archive\'s; needs root on the destination).' },
    group: { type: 'bool', description: 'Keep the group (default: archive\'s).' },
    set_remote_user: { type: 'bool', default: true, description: 'Reach the host as its `ansible_user`.' },
    rsync_path: { type: 'str', description: 'The program to run on the far side (`sudo rsync`).' },
    rsync_timeout: { type: 'int', default: 0, description: 'rsync `--timeout` in seconds (0: none).' },
    rsync_opts: { type: 'list', elements: 'str', default: [], description: 'More rsync options, each as one argument.' },
    partial: { type: 'bool', default: false, description: 'Keep partially transferred files.' },
    verify_host: { type: 'bool', default: false, description: 'Check the host key (off: StrictHostKeyChecking=no, as Ansible).' },
    private_key: { type: 'path', description: 'The ssh key (default: `ansible_ssh_private_key_file`).' },
    dest_port: { type: 'int', description: 'The ssh port (default: `ansible_port`).' },
    link_dest: { type: 'list', elements: 'str', default: [], description: 'Hard-link unchanged files from these folders (`--link-dest`).' },
    delay_updates: { type: 'bool', default: true, description: 'Put updated files in place at the end (`--delay-updates`).' },
    use_ssh_args: { type: 'bool', default: false, description: 'Pass the host\'s `ansible_ssh_common_args` and `ansible_ssh_extra_args` to ssh.' },
    ssh_connection_multiplexing: { type: 'bool', default: false, description: 'Accepted for compatibility; ssh runs with `-S none`.' },
  },
  async plan(ctx, args) {
    const where = whereRsyncRuns(ctx, args);
    // a relative push source on the controller is looked up as copy's src is: the role's files/, then beside the playbook
    const src = where.side === 'controller' && args.mode === 'push' && !args.src.startsWith('/') ? keepSlash(args.src, ctx.findFile('files', args.src.replace(/\/+$/, ''))) : args.src;
    const dest = args.dest;
    const command = (dryRun: boolean) => quoteArgs(rsyncArgv(args, src, dest, where.remote, dryRun));
    const probe = where.side === 'controller' ? ctx.probeController?.bind(ctx) : (c: string) => ctx.probe(c);
    if (!probe) throw new ModuleError('synchronize: this context cannot run commands on the controller');
    const dry = await probe(command(true));
    if (dry.rc !== 0) throw new ModuleError(`synchronize: rsync --dry-run failed (rc ${dry.rc}): ${dry.stderr.trim()}`, { rc: dry.rc, stderr: dry.stderr, cmd: command(true) });
    const changes = parseItemized(dry.stdout);
    const cmd = command(false);
    if (!changes.length) return { changed: false, result: { cmd, msg: '', stdout_lines: [] } };
    const step: Step = { kind: 'exec', command: cmd, description: `rsync ${src} -> ${dest}`, ...(where.side === 'controller' ? { on: 'controller' as const } : {}) };
    const guard = await guardDest(ctx, args, where, dest, changes);
    return {
      changed: true,
      diff: [{ subject: `${args.mode} ${src} -> ${dest}`, before: '', after: changes.map(describeChange).join('\n'), kind: 'summary' }],
      steps: [...(guard?.steps ?? []), step],
      ...(guard ? { undo: guard.undo, cleanup: guard.cleanup, writes: guard.writes } : {}),
      result: { cmd },
      afterApply: (outputs) => {
        // rsync is the last step, after the backup
        const out = outputs[outputs.length - 1];
        const lines = (out?.stdout ?? '').split('\n').filter((l) => l.startsWith(CHANGED_MARK)).map((l) => l.slice(CHANGED_MARK.length));
        return { changed: lines.length > 0, msg: lines.join('\n'), stdout_lines: lines, rc: out?.rc ?? 0 };
      },
    };
  },
});

/**
 * The run's backup of what rsync will change, when the destination is on
 * the task's host (push, or rsync on the host alone) and named by an
 * absolute path: an existing destination is copied whole into the run's
 * backups and restored by undo; a new one is removed by undo. A pull's
 * destination is on the controller: that cannot be undone.
 */
async function guardDest(ctx: HostContext, args: SynchronizeArgs, where: Where, dest: string, changes: ItemizedChange[]): Promise<Guarded | undefined> {
  const onHost = where.remote === undefined || (where.side === 'controller' && args.mode === 'push');
  const target = dest.replace(/\/+$/, '');
  if (!onHost || !target.startsWith('/')) return undefined;
  if (await ctx.stat(target)) return guardWrites(ctx.runId, [{ path: target, existed: true }]);
  const tree = changes.some((c) => c.code.startsWith('cd') || c.path.includes('/'));
  return tree ? { steps: [], undo: [removeCreatedTreeStep(target)], cleanup: [], writes: [target] } : guardWrites(ctx.runId, [{ path: target, existed: false }]);
}

function keepSlash(given: string, found: string): string {
  return given.endsWith('/') && !found.endsWith('/') ? `${found}/` : found;
}

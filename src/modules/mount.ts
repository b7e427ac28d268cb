/**
 * `mount` (ansible.posix.mount): an fstab entry and whether it is mounted.
 * fstab goes through the shared text-edit plan (atomic, undo restores it);
 * the live state is read with findmnt and changed with mount/umount, undo
 * doing the opposite with the same source, type and options.
 */
import path from 'node:path';
import { ModuleError } from '../errors.js';
import { mountFact, type LiveMount } from '../facts/mounts.js';
import { pathsFact } from '../facts/paths.js';
import { sh } from '../shell/quote.js';
import { editFstab, type FstabEntry } from './fstab-edit.js';
import { planTextEdit } from './text-edit-plan.js';
import { defineModule, type Diff, type HostContext, type Plan, type Step } from './types.js';

export interface MountArgs {
  path: string;
  src?: string;
  fstype?: string;
  opts: string;
  dump: string;
  passno: string;
  state: 'mounted' | 'unmounted' | 'present' | 'absent' | 'remounted';
  fstab: string;
  boot: boolean;
}

const run = (command: string, description: string): Step => ({ kind: 'exec', command, description });

function wantedEntry(a: MountArgs): FstabEntry {
  if (a.src === undefined || a.fstype === undefined) throw new ModuleError(`mount: src and fstype are required with state=${a.state}`);
  const opts = a.boot ? a.opts : [...a.opts.split(',').filter((o) => o !== 'noauto' && o !== 'defaults'), 'noauto'].join(',');
  return { src: a.src, path: a.path, fstype: a.fstype, opts, dump: a.dump, passno: a.passno };
}

/** Mounts `path` by its fstab entry (`-T` for an fstab other than /etc/fstab). */
const mountByFstab = (a: MountArgs) => run(a.fstab === '/etc/fstab' ? sh`mount ${a.path}` : sh`mount -T ${a.fstab} ${a.path}`, `mount ${a.path}`);
/** Mounts again exactly what is mounted now, whatever fstab says by then. */
const mountAsNow = (a: MountArgs, m: LiveMount) => run(sh`mount -t ${m.fstype} -o ${m.options} ${m.source} ${a.path}`, `mount ${m.source} on ${a.path} again`);
const unmount = (a: MountArgs) => run(sh`umount ${a.path}`, `unmount ${a.path}`);

/** The fstab part: the edit plan, or no change. */
function fstabPlan(ctx: HostContext, a: MountArgs, entry: FstabEntry | undefined): Promise<Plan> {
  return planTextEdit(ctx, {
    path: a.fstab,
    attributes: {},
    backup: false,
    create: true,
    removing: entry === undefined,
    transform: (text) => editFstab(text, a.path, entry),
  });
}

/** `mkdir -p` of a missing mount point, and undo removing the folders it made, deepest first. */
async function mountPoint(ctx: HostContext, a: MountArgs): Promise<{ steps: Step[]; undo: Step[] }> {
  const [facts] = await ctx.gather(pathsFact, [{ path: a.path }]);
  if (facts?.stat) {
    if (facts.stat.type !== 'directory') throw new ModuleError(`mount: ${a.path} is a ${facts.stat.kind}, not a directory`);
    return { steps: [], undo: [] };
  }
  const made: string[] = [];
  for (let p = a.path; p !== facts?.ancestor && p !== '/' && p !== '.'; p = path.posix.dirname(p)) made.push(p);
  return {
    steps: [run(sh`mkdir -p ${a.path}`, `create the mount point ${a.path}`)],
    undo: made.map((d) => run(sh`rmdir ${d}`, `remove ${d} again`)),
  };
}

export async function planMount(ctx: HostContext, a: MountArgs): Promise<Plan> {
  if (!path.posix.isAbsolute(a.path)) throw new ModuleError(`mount: path must be absolute: ${a.path}`);
  const live = await ctx.gather(mountFact, a.path);
  const result = { name: a.path, state: a.state, fstab: a.fstab };
  if (a.state === 'remounted') {
    if (!live) throw new ModuleError(`mount: nothing is mounted on ${a.path}`);
    return { changed: true, diff: [{ subject: a.path, before: 'mounted', after: 'remounted', kind: 'summary' }], steps: [run(sh`mount -o remount ${a.path}`, `remount ${a.path}`)], undo: [], result };
  }
  const fstab = a.state === 'unmounted' ? { changed: false } as Plan : await fstabPlan(ctx, a, a.state === 'absent' ? undefined : wantedEntry(a));
  const diff: Diff[] = [...(fstab.changed ? (fstab.diff ?? []) : [])];
  const steps: Step[] = [...(fstab.changed ? (fstab.steps ?? []) : [])];
  const undo: Step[] = [...(fstab.changed ? (fstab.undo ?? []) : [])];
  const live$ = (after: string) => diff.push({ subject: `mount ${a.path}`, before: live ? `mounted (${live.source}, ${live.fstype})` : 'not mounted', after, kind: 'summary' });
  if (a.state === 'mounted') {
    const wanted = wantedEntry(a);
    if (!live) {
      const dir = await mountPoint(ctx, a);
      live$(`mounted (${wanted.src}, ${wanted.fstype})`);
      steps.push(...dir.steps, mountByFstab(a));
      // undone newest first: unmount, then the folders, then fstab
      undo.unshift(unmount(a), ...dir.undo);
    } else if (live.source !== wanted.src || live.fstype !== wanted.fstype) {
      live$(`mounted (${wanted.src}, ${wanted.fstype})`);
      steps.push(unmount(a), mountByFstab(a));
      undo.push(unmount(a), mountAsNow(a, live));
    } else if (fstab.changed) {
      // the options changed in fstab: mount reads them again
      steps.push(run(sh`mount -o remount ${a.path}`, `remount ${a.path} with the new options`));
      undo.push(run(sh`mount -o remount,${live.options} ${a.path}`, `remount ${a.path} with its old options`));
    }
  }
  if ((a.state === 'unmounted' || a.state === 'absent') && live) {
    live$('not mounted');
    steps.unshift(unmount(a));
    undo.push(mountAsNow(a, live));
  }
  if (!steps.length) return { changed: false, result };
  return { changed: true, diff, steps, undo, ...(fstab.changed && fstab.cleanup ? { cleanup: fstab.cleanup } : {}), result };
}

export const mountModule = defineModule<MountArgs>({
  name: 'mount',
  summary: 'Keep an fstab entry, and mount or unmount it',
  description:
    'ansible.posix.mount: `present` writes the fstab entry only; `mounted` also mounts it (creating the mount point) and ' +
    'remounts when its fstab entry changed; `unmounted` unmounts and leaves fstab alone; `absent` removes the entry and ' +
    'unmounts; `remounted` remounts. Undo restores fstab and mounts or unmounts back, an unmounted file system with the ' +
    'source, type and options it had.',
  args: {
    path: { type: 'path', required: true, aliases: ['name'], description: 'The mount point.' },
    src: { type: 'str', description: 'The device, `UUID=...` or remote share (required for present and mounted).' },
    fstype: { type: 'str', description: 'The file system type (required for present and mounted).' },
    opts: { type: 'str', default: 'defaults', description: 'Mount options, as in fstab.' },
    dump: { type: 'str', default: '0', description: 'The fstab dump field.' },
    passno: { type: 'str', default: '0', description: 'The fstab fsck pass field.' },
    state: {
      type: 'str',
      required: true,
      choices: ['mounted', 'unmounted', 'present', 'absent', 'remounted'],
      description: 'What to do with the entry and the mount.',
    },
    fstab: { type: 'path', default: '/etc/fstab', description: 'The fstab file.' },
    boot: { type: 'bool', default: true, description: 'Mount at boot; false adds `noauto` to the options.' },
  },
  plan: planMount,
});

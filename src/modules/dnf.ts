/**
 * `dnf` and `yum`: the same plan as `apt` from `rpm -q` (and `check-update`
 * for state=latest). Undo removes what was installed, installs removed
 * packages again at their old version, and downgrades upgraded ones: both
 * need the repositories to still have those versions, which rpm cannot tell
 * at plan time, so such an undo fails at rollback when they do not.
 */
import { ModuleError } from '../errors.js';
import { rpmFact, rpmUpdatesFact } from '../facts/packages.js';
import { sh } from '../shell/quote.js';
import { packageArgs } from './apt.js';
import { defineModule, type Diff, type HostContext, type Module, type Plan, type Step } from './types.js';

export interface RpmArgs {
  name?: string[];
  state: 'present' | 'absent' | 'latest';
  update_cache: boolean;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_+.-]*$/;
const run = (command: string, description: string): Step => ({ kind: 'exec', command, description });

export async function planRpm(ctx: HostContext, bin: 'dnf' | 'yum', a: RpmArgs): Promise<Plan> {
  const names = a.name ?? [];
  for (const n of names) if (!NAME.test(n)) throw new ModuleError(`${bin}: '${n}' is not a package name`);
  const result = { name: names, state: a.state };
  if (names.length === 0) return { changed: false, result };
  const installed = await ctx.gather(rpmFact, names);
  const refresh = a.update_cache ? ['--refresh'] : [];
  const diff: Diff[] = [];
  const steps: Step[] = [];
  const undo: Step[] = [];
  if (a.state === 'absent') {
    const present = names.filter((n) => installed.has(n));
    if (!present.length) return { changed: false, result };
    const pins = present.map((n) => `${n}-${installed.get(n)?.version}`);
    for (const n of present) diff.push({ subject: `package ${n}`, before: installed.get(n)?.version ?? 'present', after: 'absent', kind: 'summary' });
    steps.push(run(sh`${bin} -y remove -- ${present}`, `remove ${present.join(', ')}`));
    undo.push(run(sh`${bin} -y install -- ${pins}`, `install ${pins.join(', ')} again`));
    return { changed: true, diff, steps, undo, result };
  }
  const missing = names.filter((n) => !installed.has(n));
  const updates = a.state === 'latest' && missing.length < names.length
    ? await ctx.gather(rpmUpdatesFact, { bin, names: names.filter((n) => installed.has(n)) })
    : new Map<string, string>();
  const upgrade = [...updates.keys()].filter((n) => installed.has(n));
  if (!missing.length && !upgrade.length) return { changed: false, result };
  for (const n of missing) diff.push({ subject: `package ${n}`, before: 'absent', after: 'present', kind: 'summary' });
  for (const n of upgrade) diff.push({ subject: `package ${n}`, before: installed.get(n)?.version ?? '', after: updates.get(n) ?? 'newest', kind: 'summary' });
  if (missing.length) {
    steps.push(run(sh`${[bin, '-y', ...refresh, 'install', '--', ...missing]}`, `install ${missing.join(', ')}`));
    undo.push(run(sh`${bin} -y remove -- ${missing}`, `remove ${missing.join(', ')} again`));
  }
  if (upgrade.length) {
    const pins = upgrade.map((n) => `${n}-${installed.get(n)?.version}`);
    steps.push(run(sh`${[bin, '-y', ...(missing.length ? [] : refresh), 'upgrade', '--', ...upgrade]}`, `upgrade ${upgrade.join(', ')}`));
    undo.unshift(run(sh`${bin} -y downgrade -- ${pins}`, `downgrade to ${pins.join(', ')} again`));
  }
  return { changed: true, diff, steps, undo, result };
}

function rpmModule(bin: 'dnf' | 'yum'): Module<RpmArgs> {
  return defineModule<RpmArgs>({
    name: bin,
    summary: `Install, upgrade or remove packages with ${bin}`,
    description:
      `Reads what is installed with \`rpm -q\` (and \`${bin} check-update\` for state=latest); installs, upgrades and removes ` +
      `with ${bin}. Undo removes what the task installed, downgrades what it upgraded and installs what it removed at ` +
      'the old version: the last two need the repositories to still have that version, and fail at rollback otherwise.',
    args: {
      ...packageArgs,
      update_cache: { type: 'bool', default: false, aliases: ['update-cache'], description: 'Refresh the repository metadata first (`--refresh`).' },
    },
    plan: (ctx, args) => planRpm(ctx, bin, args),
  });
}

export const dnfModule = rpmModule('dnf');
export const yumModule = rpmModule('yum');

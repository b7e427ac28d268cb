/**
 * `apt`: Debian packages present, absent or at their newest version. What
 * apt would do is read from apt's own simulation (`apt-get -s`), so the
 * diff names every package that comes or goes (dependencies too), and undo
 * is exact where apt can do it: installed packages are removed again,
 * removed or upgraded ones are installed again at their old version when an
 * apt source still has it. When none has, the plan says the task cannot be
 * undone instead of pretending.
 */
import { ModuleError } from '../errors.js';
import {
  aptCacheAgeFact,
  aptPolicyFact,
  aptSimulationFact,
  debInfoFact,
  dpkgFact,
  type AptSimulation,
  type InstalledPackage,
} from '../facts/packages.js';
import { sh } from '../shell/quote.js';
import { defineModule, type ArgSchema, type Diff, type HostContext, type Plan, type Step } from './types.js';

export interface AptArgs {
  name?: string[];
  state: 'present' | 'absent' | 'latest';
  update_cache: boolean;
  cache_valid_time: number;
  deb?: string;
  purge: boolean;
  install_recommends?: boolean;
}

/** A package name, optionally pinned (`etcd-server=3.4.23-4+b6`), with an optional architecture. */
const NAME = /^[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?(=[A-Za-z0-9.+~:-]+)?$/;

const APT_GET = 'DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=60 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold';
const run = (command: string, description: string): Step => ({ kind: 'exec', command, description });

export const packageArgs: ArgSchema = {
  name: { type: 'list', elements: 'str', aliases: ['pkg', 'package'], description: 'Package names; `name=version` pins a version (apt).' },
  state: {
    type: 'str',
    default: 'present',
    choices: ['present', 'absent', 'latest'],
    description: 'Installed (any version), removed, or installed at the newest version the sources have.',
  },
};

function recommendOptions(a: AptArgs): string[] {
  if (a.install_recommends === undefined) return [];
  return [a.install_recommends ? '--install-recommends' : '--no-install-recommends'];
}

/** Names to install for state=present: missing ones, and pinned ones at another version. */
export function missingPackages(names: string[], installed: Map<string, InstalledPackage>): string[] {
  return names.filter((spec) => {
    const [name = '', version] = spec.split('=');
    const found = installed.get(name);
    return !found || (version !== undefined && found.version !== version);
  });
}

export function describeSimulation(sim: AptSimulation): Diff[] {
  return [
    ...sim.installs.map((p): Diff => ({ subject: `package ${p.name}`, before: p.old ?? 'absent', after: p.version, kind: 'summary' })),
    ...sim.removals.map((p): Diff => ({ subject: `package ${p.name}`, before: p.version || 'present', after: 'absent', kind: 'summary' })),
  ];
}

/**
 * What takes the simulated change back, or a reason why nothing can:
 * every version to put back must still be downloadable.
 */
async function undoOf(ctx: HostContext, sim: AptSimulation): Promise<{ undo: Step[] } | { reason: string }> {
  const added = sim.installs.filter((p) => p.old === undefined).map((p) => p.name);
  const back = [
    ...sim.installs.filter((p) => p.old !== undefined).map((p) => ({ name: p.name, version: p.old as string })),
    ...sim.removals,
  ];
  const undo: Step[] = [];
  if (back.length) {
    const policies = await ctx.gather(aptPolicyFact, back.map((p) => p.name));
    const lost = back.filter((p) => !policies.get(p.name)?.versions.some((v) => v.version === p.version && v.downloadable));
    if (lost.length) return { reason: `no apt source has ${lost.map((p) => `${p.name} ${p.version}`).join(', ')} any more` };
    const pins = back.map((p) => `${p.name}=${p.version}`);
    undo.push(run(`${APT_GET} ${sh`--allow-downgrades install ${pins}`}`, `install ${pins.join(', ')} again`));
  }
  if (added.length) undo.push(run(`${APT_GET} ${sh`remove ${added}`}`, `remove ${added.join(', ')} again`));
  return { undo };
}

async function cacheUpdate(ctx: HostContext, a: AptArgs): Promise<Step[]> {
  if (!a.update_cache) return [];
  if (a.cache_valid_time > 0 && (await ctx.gather(aptCacheAgeFact, undefined)) <= a.cache_valid_time) return [];
  return [run('DEBIAN_FRONTEND=noninteractive apt-get -q update', 'update the apt cache')];
}

/** The install, removal or upgrade to make, as apt-get arguments, or undefined when the host is as wanted. */
async function packageAction(ctx: HostContext, a: AptArgs): Promise<{ action: 'install' | 'remove' | 'purge'; targets: string[] } | undefined> {
  const names = a.name ?? [];
  if (a.deb !== undefined) {
    const deb = await ctx.gather(debInfoFact, a.deb);
    const installed = await ctx.gather(dpkgFact, [deb.name]);
    if (installed.get(deb.name)?.version === deb.version) return undefined;
    // apt-get takes a file only as a path with a slash
    return { action: 'install', targets: [a.deb.includes('/') ? a.deb : `./${a.deb}`] };
  }
  if (names.length === 0) return undefined;
  const installed = await ctx.gather(dpkgFact, names.map((n) => n.split('=')[0] as string));
  if (a.state === 'absent') {
    const present = names.filter((n) => installed.has(n.split('=')[0] as string)).map((n) => n.split('=')[0] as string);
    return present.length ? { action: a.purge ? 'purge' : 'remove', targets: present } : undefined;
  }
  // latest: apt's simulation of installing every name says which ones are not the newest
  const targets = a.state === 'latest' ? names : missingPackages(names, installed);
  return targets.length ? { action: 'install', targets } : undefined;
}

export async function planApt(ctx: HostContext, a: AptArgs): Promise<Plan> {
  for (const n of a.name ?? []) if (!NAME.test(n)) throw new ModuleError(`apt: '${n}' is not a package name`);
  if (a.deb !== undefined && a.state === 'absent') throw new ModuleError('apt: deb installs a package file; remove it by name');
  const update = await cacheUpdate(ctx, a);
  const result = { name: a.name ?? [], state: a.state, cache_updated: update.length > 0 };
  const action = await packageAction(ctx, a);
  const options = recommendOptions(a);
  const sim = action ? await ctx.gather(aptSimulationFact, { ...action, options }) : { installs: [], removals: [] };
  const changes = sim.installs.length + sim.removals.length > 0;
  if (!changes && !update.length) return { changed: false, result };
  const diff: Diff[] = [...(update.length ? [{ subject: 'apt cache', before: 'as it was', after: 'updated', kind: 'summary' as const }] : []), ...describeSimulation(sim)];
  if (!changes) return { changed: true, diff, steps: update, undo: [], result };
  const verb = action?.action === 'install' ? 'install' : action?.action === 'purge' ? 'remove --purge' : 'remove';
  const step = run(`${APT_GET} ${sh`${options}`}${options.length ? ' ' : ''}${verb} ${sh`${action?.targets ?? []}`}`, `${verb} ${(action?.targets ?? []).join(', ')}`);
  const back = await undoOf(ctx, sim);
  const plan = { changed: true, diff, steps: [...update, step], result };
  if ('reason' in back) return { ...plan, warnings: [`apt: this change cannot be undone: ${back.reason}`] };
  return { ...plan, undo: back.undo };
}

export const aptModule = defineModule<AptArgs>({
  name: 'apt',
  summary: 'Install, upgrade or remove Debian packages',
  description:
    "Plans with apt's own simulation (`apt-get -s`): the diff lists every package that would be installed, upgraded " +
    'or removed, dependencies included, and `--check` is exactly what apt would do. Undo removes the packages the task ' +
    'installed (their configuration files stay: `apt-get remove`, not purge) and installs removed or upgraded packages ' +
    'again at their old version when an apt source still has it; when none has (a package from a local .deb, an ' +
    'old version gone from the mirror) the task warns that it cannot be undone and a rollback reports it. ' +
    'Packages installed again by undo are marked as manually installed, and configuration files a purge removed come ' +
    'back as the package ships them.',
  args: {
    ...packageArgs,
    update_cache: { type: 'bool', default: false, aliases: ['update-cache'], description: 'Run `apt-get update` first.' },
    cache_valid_time: {
      type: 'int',
      default: 0,
      description: 'With update_cache: update only when the cache is older than this many seconds.',
    },
    deb: { type: 'path', description: 'A .deb file on the host to install (with its dependencies, through apt-get).' },
    purge: { type: 'bool', default: false, description: 'With state=absent, also remove configuration files (`--purge`).' },
    install_recommends: {
      type: 'bool',
      aliases: ['install-recommends'],
      description: "Install recommended packages too (true) or not (false); unset follows apt's configuration.",
    },
  },
  plan: planApt,
});

/**
 * `package`: the generic package module. It plans with the module of the
 * host's package manager (`ansible_pkg_mgr` when facts were gathered, else
 * found on the host): apt, dnf or yum.
 */
import { ModuleError } from '../errors.js';
import { pkgMgrFact, type PkgMgr } from '../facts/packages.js';
import { packageArgs, planApt } from './apt.js';
import { planRpm } from './dnf.js';
import { defineModule } from './types.js';

export interface PackageArgs {
  name?: string[];
  state: 'present' | 'absent' | 'latest';
  use: 'auto' | PkgMgr;
}

const MANAGERS: readonly string[] = ['apt', 'dnf', 'yum'];

export const packageModule = defineModule<PackageArgs>({
  name: 'package',
  summary: "Install, upgrade or remove packages with the host's package manager",
  description:
    'Plans with `apt`, `dnf` or `yum`, as `use` or the host says (`ansible_pkg_mgr`, else the first of apt-get, dnf, ' +
    'yum found on the host); diff, check mode and undo are those of that module.',
  args: {
    ...packageArgs,
    use: {
      type: 'str',
      default: 'auto',
      choices: ['auto', 'apt', 'dnf', 'yum'],
      description: 'The package manager; `auto` uses `ansible_pkg_mgr` or looks on the host.',
    },
  },
  async plan(ctx, args) {
    const known = ctx.vars.ansible_pkg_mgr;
    const manager = args.use !== 'auto' ? args.use : typeof known === 'string' && MANAGERS.includes(known) ? (known as PkgMgr) : await ctx.gather(pkgMgrFact, undefined);
    if (manager === undefined) throw new ModuleError('package: no apt-get, dnf or yum on the host');
    const common = { ...(args.name !== undefined ? { name: args.name } : {}), state: args.state, update_cache: false };
    if (manager === 'apt') return planApt(ctx, { ...common, cache_valid_time: 0, purge: false });
    return planRpm(ctx, manager, common);
  },
});

/**
 * `package`: the generic package module. It plans with the module of the
 * host's package manager (`ansible_pkg_mgr` when facts were gathered, else
 * found on the host): apt, dnf or yum. As in Ansible, the other arguments
 * go through to that module: they are known at load to be arguments one of
 * the three takes, and at run time the chosen one must take them.
 */
import { ModuleError } from '../errors.js';
import { pkgMgrFact, type PkgMgr } from '../facts/packages.js';
import { aptModule, packageArgs } from './apt.js';
import { validateArgs } from './args.js';
import { dnfModule, yumModule } from './dnf.js';
import { defineModule, type ArgSchema, type Module } from './types.js';

export interface PackageArgs {
  name?: string[];
  state: 'present' | 'absent' | 'latest';
  use: 'auto' | PkgMgr;
  [backendArg: string]: unknown;
}

const BACKENDS: Record<PkgMgr, Module<any>> = { apt: aptModule, dnf: dnfModule, yum: yumModule };

/** The arguments of the backends beyond name and state, without their defaults (a backend fills its own). */
export function backendArgs(backends: Record<string, Module<any>> = BACKENDS): ArgSchema {
  const out: ArgSchema = {};
  const owners = new Map<string, string[]>();
  for (const [manager, module] of Object.entries(backends)) {
    for (const [name, spec] of Object.entries(module.args)) {
      if (name in packageArgs) continue;
      owners.set(name, [...(owners.get(name) ?? []), manager]);
      if (out[name]) continue;
      const { default: _default, ...rest } = spec;
      out[name] = rest;
    }
  }
  for (const [name, managers] of owners) {
    const spec = out[name];
    if (spec) out[name] = { ...spec, description: `Passed to ${managers.join(', ')}: ${spec.description}` };
  }
  return out;
}

const PASSED = backendArgs();

/** The backend's own arguments from what the task gave: each must be one the backend takes. */
export function argsForBackend(manager: PkgMgr, args: PackageArgs): Record<string, unknown> {
  const backend = BACKENDS[manager];
  const given: Record<string, unknown> = { state: args.state };
  if (args.name !== undefined) given.name = args.name;
  for (const name of Object.keys(PASSED)) {
    if (args[name] === undefined) continue;
    if (!(name in backend.args)) throw new ModuleError(`package: ${manager}, the host's package manager, does not take the argument '${name}'`);
    given[name] = args[name];
  }
  try {
    return validateArgs(backend.name, backend.args, given);
  } catch (error) {
    throw new ModuleError(`package: ${(error as Error).message}`);
  }
}

export const packageModule = defineModule<PackageArgs>({
  name: 'package',
  summary: "Install, upgrade or remove packages with the host's package manager",
  description:
    'Plans with `apt`, `dnf` or `yum`, as `use` or the host says (`ansible_pkg_mgr`, else the first of apt-get, dnf, ' +
    'yum found on the host); diff, check mode and undo are those of that module. Other arguments go through to that ' +
    "module, as in Ansible: each must be one of apt's, dnf's or yum's at load, and one the chosen module takes when the " +
    "task runs (`update_cache: \"{{ true if ansible_pkg_mgr in ['apt', 'dnf'] else omit }}\"`).",
  args: {
    ...packageArgs,
    use: {
      type: 'str',
      default: 'auto',
      choices: ['auto', 'apt', 'dnf', 'yum'],
      description: 'The package manager; `auto` uses `ansible_pkg_mgr` or looks on the host.',
    },
    ...PASSED,
  },
  async plan(ctx, args) {
    const known = ctx.vars.ansible_pkg_mgr;
    const manager = args.use !== 'auto' ? args.use : typeof known === 'string' && known in BACKENDS ? (known as PkgMgr) : await ctx.gather(pkgMgrFact, undefined);
    if (manager === undefined) throw new ModuleError('package: no apt-get, dnf or yum on the host');
    return BACKENDS[manager].plan(ctx, argsForBackend(manager, args));
  },
});

/**
 * `package_facts`: the installed packages as `ansible_facts.packages`, read
 * with one command (rpm and dpkg as the host has them). Never changes the host.
 */
import { ModuleError } from '../errors.js';
import { packageListFact, type ListManager, type PackageEntry } from '../facts/package-list.js';
import { defineModule, type HostContext } from './types.js';

export interface PackageFactsArgs {
  manager: string[];
  strategy: 'first' | 'all';
}

// the order Ansible tries them in for `auto`
const AUTO: ListManager[] = ['rpm', 'apt'];
const SUPPORTED = new Set<string>(AUTO);

/** The facts a fact-setting module adds to `ansible_facts`, keeping the others, and as top-level variables. */
export function addedFacts(ctx: HostContext, added: Record<string, unknown>): Record<string, unknown> {
  const current = ctx.vars.ansible_facts;
  const existing = current !== null && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : {};
  return { ...added, ansible_facts: { ...existing, ...added } };
}

export const packageFactsModule = defineModule<PackageFactsArgs>({
  name: 'package_facts',
  summary: 'Gather the installed packages as facts',
  description:
    'Sets `ansible_facts.packages`: for each package name, a list of `{name, version, arch, source}` (apt adds `category`, ' +
    'its section; rpm adds `release` and `epoch`), read with `dpkg-query -W` and `rpm -qa` in one command. `auto` tries rpm, ' +
    'then apt, as Ansible does; with `auto` a manager whose database is empty counts as absent. Never changes the host.',
  args: {
    manager: { type: 'list', elements: 'str', default: ['auto'], description: 'The package managers to ask: `auto`, `apt`, `rpm`.' },
    strategy: { type: 'str', default: 'first', choices: ['first', 'all'], description: 'Stop at the first manager that answers, or merge all of them.' },
  },
  async plan(ctx, args) {
    const asked = args.manager.map((m) => m.toLowerCase());
    const unsupported = asked.filter((m) => m !== 'auto' && !SUPPORTED.has(m));
    if (unsupported.length) throw new ModuleError(`Unsupported package managers requested: ${unsupported.join(', ')}`);
    const managers = [...new Set(asked.flatMap((m) => (m === 'auto' ? AUTO : [m as ListManager])))];
    const lists = await ctx.gather(packageListFact, managers);
    const usable = lists.filter((l) => asked.includes(l.manager) || l.packages.length > 0);
    if (usable.length === 0) {
      throw new ModuleError(
        `Could not detect a supported package manager from the following list: [${managers.map((m) => `'${m}'`).join(', ')}], ` +
          'or the required Python library is not installed. Check warnings for details.',
      );
    }
    // with strategy=all a later manager's entry for a name replaces an earlier one's, as Ansible's dict update does
    const packages: Record<string, PackageEntry[]> = {};
    for (const list of args.strategy === 'first' ? usable.slice(0, 1) : usable) {
      const own: Record<string, PackageEntry[]> = {};
      for (const p of list.packages) (own[p.name] ??= []).push(p);
      Object.assign(packages, own);
    }
    return { changed: false, facts: addedFacts(ctx, { packages }), result: { ansible_facts: { packages } } };
  },
});

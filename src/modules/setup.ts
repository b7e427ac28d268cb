/**
 * `setup`: gathers the host's facts again mid-play (after a change that
 * moves them, or in a play with `gather_facts: no`), with the same probe
 * and parser as the engine's fact gathering. Never changes the host.
 * `gather_facts` as a task is the same read: Ansible's gather_facts action
 * runs setup.
 */
import { ModuleError } from '../errors.js';
import { FACTS_SCRIPT, factVariables, parseFacts } from '../facts/host.js';
import { defineModule, type ArgSchema, type HostContext, type Plan } from './types.js';

export interface SetupArgs {
  gather_subset: string[];
  filter: string[];
  gather_timeout: number;
  fact_path?: string;
}

/** Shell-style patterns (`ansible_*_ipv4`) as a RegExp over fact names. */
export function factFilter(patterns: readonly string[]): (name: string) => boolean {
  if (patterns.length === 0 || patterns.includes('*')) return () => true;
  const res = patterns.map((p) => new RegExp(`^${p.replace(/[.+^${}()|\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`));
  return (name) => res.some((re) => re.test(name) || re.test(`ansible_${name}`));
}

const SETUP_ARGS: ArgSchema = {
  gather_subset: { type: 'list', elements: 'str', default: ['all'], description: 'Accepted for compatibility; ezplay gathers one set of facts.' },
  filter: { type: 'list', elements: 'str', default: [], description: 'Keep only facts matching these shell-style patterns (`ansible_eth*`).' },
  gather_timeout: { type: 'int', default: 10, description: 'Accepted for compatibility.' },
  fact_path: { type: 'path', description: 'Local facts are not read; accepted for compatibility.' },
};

async function planSetup(ctx: HostContext, args: SetupArgs, module: string): Promise<Plan> {
  const res = await ctx.probe(FACTS_SCRIPT);
  if (res.rc !== 0) throw new ModuleError(`${module}: ${res.stderr.trim() || `facts script exited ${res.rc}`}`);
  const keep = factFilter(args.filter);
  const facts = Object.fromEntries(Object.entries(parseFacts(res.stdout)).filter(([name]) => keep(name)));
  return { changed: false, facts: factVariables(facts), result: { ansible_facts: facts } };
}

export const setupModule = defineModule<SetupArgs>({
  name: 'setup',
  summary: "Gather the host's facts",
  description:
    'Sets `ansible_facts` and the `ansible_*` variables, as `gather_facts` does. ezplay gathers one small set of facts ' +
    '(the same for every `gather_subset`: hostname, distribution, addresses, memory, processors, service manager, the host\'s Python); ' +
    '`filter` keeps only the facts whose names match its shell-style patterns. Never changes the host.',
  args: SETUP_ARGS,
  plan: (ctx, args) => planSetup(ctx, args, 'setup'),
});

export const gatherFactsModule = defineModule<SetupArgs & { parallel?: boolean }>({
  name: 'gather_facts',
  summary: "Gather the host's facts, as a task",
  description:
    "The play's fact gathering as a task: Ansible's gather_facts runs `setup`, and so does ezplay, " +
    'with the same arguments and the same facts. Never changes the host.',
  args: {
    ...SETUP_ARGS,
    parallel: { type: 'bool', description: "Accepted for compatibility: Ansible's way to run several fact modules at once; ezplay has one." },
  },
  plan: (ctx, args) => planSetup(ctx, args, 'gather_facts'),
});

/**
 * community.general's `redhat_subscription` and `rhsm_repository`, thin
 * over subscription-manager: planned from `identity` and `repos --list`.
 */
import { ModuleError } from '../errors.js';
import { rhsmIdentityFact, rhsmReposFact, type RhsmRepo } from '../facts/rhsm.js';
import { quoteArgs } from '../shell/quote.js';
import { planContentAt } from './kit/index.js';
import { defineModule, type Diff, type Plan, type Step } from './types.js';

const exec = (argv: string[], description: string): Step => ({ kind: 'exec', command: quoteArgs(argv), description });

// ----------------------------------------------------------- rhsm_repository

export interface RhsmRepositoryArgs {
  name: string[];
  state: 'enabled' | 'disabled' | 'present' | 'absent';
  purge: boolean;
}

/** Python's fnmatch for repository ids: `*`, `?` and `[...]`. */
export function repoPattern(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, end);
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Which repositories to enable and disable so the named ones are as wanted (and, with purge, every other one off). */
export function repoChanges(repos: readonly RhsmRepo[], a: RhsmRepositoryArgs): { enable: string[]; disable: string[] } {
  const wantEnabled = a.state === 'enabled' || a.state === 'present';
  const matched = new Set<string>();
  for (const name of a.name) {
    const pattern = repoPattern(name);
    const hits = repos.filter((r) => pattern.test(r.id));
    if (!hits.length) throw new ModuleError(`rhsm_repository: ${name} is not a valid repository ID`);
    for (const r of hits) matched.add(r.id);
  }
  const enable: string[] = [];
  const disable: string[] = [];
  for (const r of repos) {
    if (matched.has(r.id)) {
      if (wantEnabled && !r.enabled) enable.push(r.id);
      if (!wantEnabled && r.enabled) disable.push(r.id);
    } else if (a.purge && wantEnabled && r.enabled) disable.push(r.id);
  }
  return { enable, disable };
}

const reposArgv = (enable: string[], disable: string[]) => ['subscription-manager', 'repos', ...enable.map((id) => `--enable=${id}`), ...disable.map((id) => `--disable=${id}`)];

export const rhsmRepositoryModule = defineModule<RhsmRepositoryArgs>({
  name: 'rhsm_repository',
  summary: 'Enable or disable Red Hat repositories with subscription-manager',
  description:
    'Planned from `subscription-manager repos --list`: names may be patterns (`rhel-8-for-*-baseos-rpms`); a name matching no ' +
    'repository is an error. Undo switches back the repositories the task switched. Needs a registered RHEL host.',
  args: {
    name: { type: 'list', elements: 'str', required: true, description: 'Repository ids or fnmatch patterns.' },
    state: { type: 'str', default: 'enabled', choices: ['enabled', 'disabled', 'present', 'absent'], description: 'Enabled (present) or disabled (absent).' },
    purge: { type: 'bool', default: false, description: 'Disable every repository not named (with state enabled).' },
  },
  async plan(ctx, a) {
    const repos = await ctx.gather(rhsmReposFact, undefined);
    const { enable, disable } = repoChanges(repos, a);
    const result = { repositories: repos.map((r) => ({ id: r.id, name: r.name, url: r.url, enabled: r.enabled })) };
    if (!enable.length && !disable.length) return { changed: false, result };
    const diff: Diff[] = [
      ...enable.map((id) => ({ subject: `repository ${id}`, before: 'disabled', after: 'enabled', kind: 'summary' as const })),
      ...disable.map((id) => ({ subject: `repository ${id}`, before: 'enabled', after: 'disabled', kind: 'summary' as const })),
    ];
    return {
      changed: true,
      diff,
      steps: [exec(reposArgv(enable, disable), `subscription-manager repos: enable ${enable.join(', ') || 'none'}, disable ${disable.join(', ') || 'none'}`)],
      undo: [exec(reposArgv(disable, enable), 'switch the repositories back')],
      result,
    };
  },
});

// ------------------------------------------------------- redhat_subscription

export interface RedhatSubscriptionArgs {
  state: 'present' | 'absent';
  username?: string;
  password?: string;
  org_id?: string;
  activationkey?: string;
  auto_attach?: boolean;
  force_register: boolean;
  pool_ids: string[];
  environment?: string;
  server_hostname?: string;
  release?: string;
  consumer_type?: string;
  consumer_name?: string;
  syspurpose?: { usage?: string; role?: string; service_level_agreement?: string; addons?: string[]; sync?: boolean };
}

export const SYSPURPOSE_FILE = '/etc/rhsm/syspurpose/syspurpose.json';

/**
 * The register command. Secrets (password, activation key) come on stdin,
 * read by the shell into variables, so the journal never holds them (the
 * command line still shows them to `ps` while it runs, as Ansible's does).
 */
export function registerStep(a: RedhatSubscriptionArgs, force: boolean): Step {
  const argv = ['subscription-manager', 'register'];
  if (a.server_hostname) argv.push('--serverurl', a.server_hostname);
  if (a.org_id) argv.push('--org', a.org_id);
  if (a.username) argv.push('--username', a.username);
  if (a.environment) argv.push('--environment', a.environment);
  if (a.auto_attach) argv.push('--auto-attach');
  if (a.release) argv.push('--release', a.release);
  if (a.consumer_type) argv.push('--type', a.consumer_type);
  if (a.consumer_name) argv.push('--name', a.consumer_name);
  if (force) argv.push('--force');
  const secrets: string[] = [];
  const reads: string[] = [];
  if (a.activationkey !== undefined) {
    reads.push('IFS= read -r k');
    secrets.push(a.activationkey);
  }
  if (a.password !== undefined) {
    reads.push('IFS= read -r p');
    secrets.push(a.password);
  }
  const tail = `${a.activationkey !== undefined ? ' --activationkey "$k"' : ''}${a.password !== undefined ? ' --password "$p"' : ''}`;
  return {
    kind: 'exec',
    command: reads.length ? `${reads.join(' && ')} && ${quoteArgs(argv)}${tail}` : quoteArgs(argv),
    ...(secrets.length ? { stdin: `${secrets.join('\n')}\n`, secret: true } : {}),
    description: `register with Red Hat Subscription Management${force ? ' (again)' : ''}`,
  };
}

/** The syspurpose file as community.general writes it: the old keys kept, the given ones set, sorted, indented by 2. */
export function syspurposeContent(old: Record<string, unknown>, wanted: NonNullable<RedhatSubscriptionArgs['syspurpose']>): string {
  const merged: Record<string, unknown> = { ...old };
  for (const key of ['usage', 'role', 'service_level_agreement', 'addons'] as const) if (wanted[key] !== undefined) merged[key] = wanted[key];
  const sorted = Object.fromEntries(Object.keys(merged).sort().map((k) => [k, merged[k]]));
  return JSON.stringify(sorted, null, 2);
}

export const redhatSubscriptionModule = defineModule<RedhatSubscriptionArgs>({
  name: 'redhat_subscription',
  summary: 'Register or unregister a RHEL host with subscription-manager',
  description:
    'Planned from `subscription-manager identity`: a registered host is left as it is unless `force_register`. ' +
    'The password and activation key reach the command on stdin, never the run journal. `syspurpose` writes ' +
    `${SYSPURPOSE_FILE} through the module kit (backed up, undone). Undo unregisters a host the task registered; ` +
    'registering again over a registration, or unregistering, cannot be undone (the old registration is gone).',
  args: {
    state: { type: 'str', default: 'present', choices: ['present', 'absent'], description: 'Registered or not.' },
    username: { type: 'str', description: 'The Red Hat account.' },
    password: { type: 'str', noLog: true, description: 'Its password.' },
    org_id: { type: 'str', description: 'The organization (with an activation key).' },
    activationkey: { type: 'str', noLog: true, description: 'An activation key.' },
    auto_attach: { type: 'bool', aliases: ['autosubscribe'], description: 'Attach the best subscriptions (`--auto-attach`).' },
    force_register: { type: 'bool', default: false, description: 'Register again even when registered.' },
    pool_ids: { type: 'list', elements: 'str', default: [], description: 'Pools to attach after registering.' },
    environment: { type: 'str', description: 'The environment to register to.' },
    server_hostname: { type: 'str', description: 'The subscription server (`--serverurl`).' },
    release: { type: 'str', description: 'The release to pin (`--release`).' },
    consumer_type: { type: 'str', description: 'The consumer type (`--type`).' },
    consumer_name: { type: 'str', description: 'The name to register as (`--name`).' },
    syspurpose: { type: 'dict', description: 'System purpose: `usage`, `role`, `service_level_agreement`, `addons`, `sync`.' },
  },
  async plan(ctx, a) {
    const identity = await ctx.gather(rhsmIdentityFact, undefined);
    const result = { subscribed_pool_ids: a.pool_ids };
    if (a.state === 'absent') {
      if (!identity.registered) return { changed: false, result };
      return {
        changed: true,
        diff: [{ subject: 'subscription', before: `registered (${identity.identity ?? 'unknown id'})`, after: 'unregistered', kind: 'summary' }],
        steps: [exec(['subscription-manager', 'remove', '--all'], 'remove the subscriptions'), exec(['subscription-manager', 'unregister'], 'unregister')],
        result,
      };
    }
    const plans: Plan[] = [];
    if (!identity.registered || a.force_register) {
      if (!(a.username && a.password) && !(a.org_id && a.activationkey)) {
        throw new ModuleError('redhat_subscription: registering needs username and password, or org_id and activationkey');
      }
      const steps = [registerStep(a, identity.registered), ...a.pool_ids.map((pool) => exec(['subscription-manager', 'attach', '--pool', pool], `attach the pool ${pool}`))];
      plans.push({
        changed: true,
        diff: [{ subject: 'subscription', before: identity.registered ? `registered (${identity.identity ?? 'unknown id'})` : 'unregistered', after: identity.registered ? 'registered again' : 'registered', kind: 'summary' }],
        steps,
        ...(identity.registered ? {} : { undo: [exec(['subscription-manager', 'unregister'], 'unregister')] }),
      });
    }
    if (a.syspurpose) {
      const old = await ctx.readFile(SYSPURPOSE_FILE);
      let parsed: Record<string, unknown> = {};
      try {
        parsed = old ? (JSON.parse(old.toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        parsed = {};
      }
      const content = Buffer.from(syspurposeContent(parsed, a.syspurpose));
      const file = await planContentAt(ctx, SYSPURPOSE_FILE, undefined, { content, attributes: {}, backup: false, force: true, createParents: {} });
      if (file.changed) {
        plans.push(file);
        if (a.syspurpose.sync) plans.push({ changed: true, steps: [exec(['subscription-manager', 'status'], 'sync the system purpose with the server')], undo: [] });
      }
    }
    if (!plans.length) return { changed: false, result };
    // one undo only when every part has one: a registration made again cannot be taken back
    const undoable = plans.every((p) => p.undo !== undefined);
    return {
      changed: true,
      diff: plans.flatMap((p) => p.diff ?? []),
      steps: plans.flatMap((p) => p.steps ?? []),
      ...(undoable ? { undo: [...plans].reverse().flatMap((p) => p.undo ?? []) } : {}),
      writes: plans.flatMap((p) => p.writes ?? []),
      cleanup: plans.flatMap((p) => p.cleanup ?? []),
      effects: plans.flatMap((p) => p.effects ?? []),
      result,
    };
  },
});

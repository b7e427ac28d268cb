/**
 * kubernetes.core's `helm` and `helm_repository`, thin over the helm CLI:
 * planned from `helm list`/`helm get values` and `helm repo list`, changed
 * with `helm upgrade --install`, `helm uninstall` and `helm repo add`.
 */
import { isDeepStrictEqual } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { ModuleError } from '../errors.js';
import { helmReleaseFact, helmReposFact, splitChart, type HelmRelease } from '../facts/helm.js';
import { quoteArgs } from '../shell/quote.js';
import { defineModule, type Diff, type HostContext, type Step } from './types.js';

export interface HelmCliArgs {
  binary_path?: string;
  kubeconfig?: string;
  context?: string;
}

/** helm and the options every call shares (which cluster). */
export function helmBase(a: HelmCliArgs): string[] {
  return [a.binary_path ?? 'helm', ...(a.kubeconfig ? ['--kubeconfig', a.kubeconfig] : []), ...(a.context ? ['--kube-context', a.context] : [])];
}

const CLI_ARGS = {
  binary_path: { type: 'path', description: 'The helm binary (default: `helm` on the PATH).' },
  kubeconfig: { type: 'path', aliases: ['kubeconfig_path'], description: 'The kubeconfig to use (default: helm\'s).' },
  context: { type: 'str', aliases: ['kube_context'], description: 'The kubeconfig context to use.' },
} as const;

const exec = (argv: string[], description: string, extra: Partial<Extract<Step, { kind: 'exec' }>> = {}): Step => ({ kind: 'exec', command: quoteArgs(argv), description, ...extra });

// ------------------------------------------------------------ helm_repository

export interface HelmRepositoryArgs extends HelmCliArgs {
  repo_name: string;
  repo_url?: string;
  repo_username?: string;
  repo_password?: string;
  repo_state: 'present' | 'absent';
  force_update: boolean;
  pass_credentials: boolean;
}

function addRepoStep(a: HelmRepositoryArgs, url: string, force: boolean, description: string): Step {
  const argv = [...helmBase(a), 'repo', 'add', a.repo_name, url, ...(force ? ['--force-update'] : []), ...(a.pass_credentials ? ['--pass-credentials'] : [])];
  if (a.repo_username !== undefined) argv.push('--username', a.repo_username);
  if (a.repo_password === undefined) return exec(argv, description);
  // the password on stdin, never on the command line or in the journal
  return exec([...argv, '--password-stdin'], description, { stdin: a.repo_password, secret: true });
}

export const helmRepositoryModule = defineModule<HelmRepositoryArgs>({
  name: 'helm_repository',
  summary: 'Add or remove a helm chart repository',
  description:
    'Planned from `helm repo list -o json`. A repository of that name and URL is no change; another URL is replaced only with ' +
    '`force_update` (kubernetes.core re-adds the repository on every run with `force_update`; ezplay only when it differs). ' +
    'Undo removes a repository the task added and adds back one it replaced or removed, with its old URL (credentials are not kept). ' +
    'Needs the helm CLI on the host.',
  args: {
    ...CLI_ARGS,
    repo_name: { type: 'str', required: true, aliases: ['name'], description: 'The repository\'s name.' },
    repo_url: { type: 'str', aliases: ['url'], description: 'Its URL (required with state present).' },
    repo_username: { type: 'str', aliases: ['username'], description: 'User name for a protected repository.' },
    repo_password: { type: 'str', aliases: ['password'], noLog: true, description: 'Its password (given to helm on stdin).' },
    repo_state: { type: 'str', default: 'present', choices: ['present', 'absent'], aliases: ['state'], description: 'Added or removed.' },
    force_update: { type: 'bool', default: false, aliases: ['force'], description: 'Replace a repository of that name with another URL.' },
    pass_credentials: { type: 'bool', default: false, description: 'Pass the credentials to every domain (`--pass-credentials`).' },
  },
  async plan(ctx, a) {
    const repos = await ctx.gather(helmReposFact, { helm: helmBase(a) });
    const have = repos.find((r) => r.name === a.repo_name);
    const result = { repo_name: a.repo_name, repo_url: a.repo_url };
    const remove = exec([...helmBase(a), 'repo', 'remove', a.repo_name], `remove the helm repository ${a.repo_name}`);
    if (a.repo_state === 'absent') {
      if (!have) return { changed: false, result };
      return {
        changed: true,
        diff: [{ subject: `helm repository ${a.repo_name}`, before: have.url, after: 'absent', kind: 'summary' }],
        steps: [remove],
        undo: [addRepoStep({ ...a, repo_username: undefined, repo_password: undefined } as HelmRepositoryArgs, have.url, false, `add the helm repository ${a.repo_name} again`)],
        result,
      };
    }
    if (!a.repo_url) throw new ModuleError('helm_repository: repo_url is required with repo_state=present');
    if (have?.url === a.repo_url) return { changed: false, result };
    if (have && !a.force_update) throw new ModuleError(`helm_repository: a repository named ${a.repo_name} already exists with the URL ${have.url}`);
    const oldOnly = { ...a, repo_username: undefined, repo_password: undefined } as HelmRepositoryArgs;
    return {
      changed: true,
      diff: [{ subject: `helm repository ${a.repo_name}`, before: have?.url ?? 'absent', after: a.repo_url, kind: 'summary' }],
      steps: [addRepoStep(a, a.repo_url, Boolean(have), `add the helm repository ${a.repo_name}`)],
      undo: have ? [addRepoStep(oldOnly, have.url, true, `put the helm repository ${a.repo_name} back to ${have.url}`)] : [remove],
      result,
    };
  },
});

// --------------------------------------------------------------------- helm

export interface HelmArgs extends HelmCliArgs {
  release_name: string;
  release_namespace: string;
  chart_ref?: string;
  chart_version?: string;
  chart_repo_url?: string;
  release_values: Record<string, unknown>;
  values_files: string[];
  release_state: 'present' | 'absent';
  create_namespace: boolean;
  atomic: boolean;
  wait: boolean;
  wait_timeout?: string;
  disable_hook: boolean;
  purge: boolean;
  replace: boolean;
  skip_crds: boolean;
  history_max?: number;
  update_repo_cache: boolean;
  force: boolean;
  dependency_update: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Values merged as helm merges `-f` files and then the inline values: maps deeply, the rest replaced. */
export function mergeValues(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isRecord(v) && isRecord(out[k]) ? mergeValues(out[k] as Record<string, unknown>, v) : v;
  return out;
}

/** The chart's own name as helm lists it: `repo/name`, `name-1.2.3.tgz`, a path or URL ending in it. */
export function chartName(ref: string): string {
  const last = ref.replace(/\/+$/, '').split('/').pop() ?? ref;
  return last.endsWith('.tgz') ? splitChart(last.slice(0, -'.tgz'.length)).name : last;
}

/** Why the release must be installed or upgraded, or undefined when it is as wanted. */
export function releaseDrift(have: HelmRelease | null, a: HelmArgs, values: Record<string, unknown>): string | undefined {
  if (!have) return 'not installed';
  if (have.status !== 'deployed') return `status ${have.status}`;
  const chart = splitChart(have.chart);
  if (a.chart_ref && chartName(a.chart_ref) !== chart.name) return `chart ${chart.name} -> ${chartName(a.chart_ref)}`;
  if (a.chart_version && a.chart_version.replace(/^v/, '') !== chart.version.replace(/^v/, '')) return `version ${chart.version} -> ${a.chart_version}`;
  if (!isDeepStrictEqual(have.values, values)) return 'values differ';
  return undefined;
}

async function wantedValues(ctx: HostContext, a: HelmArgs): Promise<Record<string, unknown>> {
  let merged: Record<string, unknown> = {};
  for (const file of a.values_files) {
    const text = await ctx.readFile(file);
    if (text === null) throw new ModuleError(`helm: the values file ${file} does not exist on the host`);
    const parsed: unknown = parseYaml(text.toString('utf8'));
    if (isRecord(parsed)) merged = mergeValues(merged, parsed);
  }
  return mergeValues(merged, a.release_values);
}

export function upgradeArgv(a: HelmArgs, valuesFile: string): string[] {
  const argv = [...helmBase(a), 'upgrade', '-i', '--reset-values', a.release_name, a.chart_ref as string, '-n', a.release_namespace];
  if (a.chart_version) argv.push('--version', a.chart_version);
  if (a.chart_repo_url) argv.push('--repo', a.chart_repo_url);
  if (a.create_namespace) argv.push('--create-namespace');
  if (a.atomic) argv.push('--atomic');
  if (a.wait) argv.push('--wait');
  if (a.wait_timeout) argv.push('--timeout', a.wait_timeout);
  if (a.disable_hook) argv.push('--no-hooks');
  if (a.replace) argv.push('--replace');
  if (a.skip_crds) argv.push('--skip-crds');
  if (a.force) argv.push('--force');
  if (a.dependency_update) argv.push('--dependency-update');
  if (a.history_max !== undefined) argv.push('--history-max', String(a.history_max));
  argv.push('-f', valuesFile);
  return argv;
}

export const helmModule = defineModule<HelmArgs>({
  name: 'helm',
  summary: 'Install, upgrade or uninstall a helm release',
  description:
    'Planned from `helm list` and `helm get values`: a deployed release of the same chart, version (when given) and values is no change; ' +
    'otherwise `helm upgrade --install --reset-values` with the values in a file that lives only for that command. ' +
    '`update_repo_cache` runs `helm repo update` first, which counts as a change as apt\'s cache update does. ' +
    'Undo rolls an upgraded release back to its old revision and uninstalls one the task installed; an uninstall is undone by a rollback ' +
    'only when `purge: false` kept its history. Needs the helm CLI and a reachable cluster on the host.',
  args: {
    ...CLI_ARGS,
    release_name: { type: 'str', required: true, aliases: ['name'], description: 'The release.' },
    release_namespace: { type: 'str', required: true, aliases: ['namespace'], description: 'Its namespace.' },
    chart_ref: { type: 'str', description: 'The chart: `repo/name`, a path or a URL (required with state present).' },
    chart_version: { type: 'str', description: 'The chart version (default: the newest).' },
    chart_repo_url: { type: 'str', description: 'A repository URL to find the chart in (`--repo`).' },
    release_values: { type: 'dict', default: {}, aliases: ['values'], description: 'Values for the chart.' },
    values_files: { type: 'list', elements: 'str', default: [], description: 'Values files on the host, applied before `release_values`.' },
    release_state: { type: 'str', default: 'present', choices: ['present', 'absent'], aliases: ['state'], description: 'Installed or uninstalled.' },
    create_namespace: { type: 'bool', default: false, description: 'Create the namespace when missing.' },
    atomic: { type: 'bool', default: false, description: 'Roll back a failed upgrade (`--atomic`).' },
    wait: { type: 'bool', default: false, description: 'Wait until the release\'s resources are ready.' },
    wait_timeout: { type: 'str', description: 'How long to wait (`5m`).' },
    disable_hook: { type: 'bool', default: false, description: 'Skip the chart\'s hooks.' },
    purge: { type: 'bool', default: true, description: 'With state absent, delete the history too (false: `--keep-history`).' },
    replace: { type: 'bool', default: false, description: 'Reuse the name of a deleted release (`--replace`).' },
    skip_crds: { type: 'bool', default: false, description: 'Do not install the chart\'s CRDs.' },
    history_max: { type: 'int', description: 'Revisions to keep (`--history-max`).' },
    update_repo_cache: { type: 'bool', default: false, description: 'Run `helm repo update` first.' },
    force: { type: 'bool', default: false, description: 'Replace resources (`--force`).' },
    dependency_update: { type: 'bool', default: false, aliases: ['dep_up'], description: 'Update the chart\'s dependencies first.' },
  },
  async plan(ctx, a) {
    const helm = helmBase(a);
    const have = await ctx.gather(helmReleaseFact, { helm, name: a.release_name, namespace: a.release_namespace });
    const refresh = a.update_repo_cache ? [exec([...helm, 'repo', 'update'], 'update the helm repository cache')] : [];
    const refreshDiff: Diff[] = refresh.length ? [{ subject: 'helm repository cache', before: 'as it was', after: 'updated', kind: 'summary' }] : [];
    const result = { release_name: a.release_name, release_namespace: a.release_namespace };
    const ns = ['-n', a.release_namespace];
    if (a.release_state === 'absent') {
      if (!have) return refresh.length ? { changed: true, diff: refreshDiff, steps: refresh, undo: [], result } : { changed: false, result };
      const uninstall = exec([...helm, 'uninstall', a.release_name, ...ns, ...(a.purge ? [] : ['--keep-history']), ...(a.disable_hook ? ['--no-hooks'] : []), ...(a.wait ? ['--wait'] : [])], `uninstall the helm release ${a.release_name}`);
      return {
        changed: true,
        diff: [...refreshDiff, { subject: `helm release ${a.release_namespace}/${a.release_name}`, before: `${have.chart} revision ${have.revision}`, after: 'absent', kind: 'summary' }],
        steps: [...refresh, uninstall],
        ...(a.purge ? {} : { undo: [exec([...helm, 'rollback', a.release_name, String(have.revision), ...ns], `roll ${a.release_name} back to revision ${have.revision}`)] }),
        result,
      };
    }
    if (!a.chart_ref) throw new ModuleError('helm: chart_ref is required with release_state=present');
    const values = await wantedValues(ctx, a);
    const drift = releaseDrift(have, a, values);
    if (!drift) return refresh.length ? { changed: true, diff: refreshDiff, steps: refresh, undo: [], result } : { changed: false, result };
    const valuesFile = `/tmp/.ezplay-helm-values-${ctx.runId}-${a.release_name}.yaml`;
    const upgrade: Step = {
      kind: 'exec',
      // the values live on the host only while helm runs
      command: `umask 077 && cat > ${quoteArgs([valuesFile])} && { ${quoteArgs(upgradeArgv(a, valuesFile))}; rc=$?; rm -f ${quoteArgs([valuesFile])}; exit $rc; }`,
      stdin: JSON.stringify(values),
      secret: true,
      description: `helm upgrade --install ${a.release_name} ${a.chart_ref}`,
    };
    const undo = have
      ? [exec([...helm, 'rollback', a.release_name, String(have.revision), ...ns], `roll ${a.release_name} back to revision ${have.revision}`)]
      : [exec([...helm, 'uninstall', a.release_name, ...ns], `uninstall the helm release ${a.release_name}`)];
    return {
      changed: true,
      diff: [...refreshDiff, { subject: `helm release ${a.release_namespace}/${a.release_name}`, before: have ? `${have.chart} revision ${have.revision}` : 'absent', after: `${chartName(a.chart_ref)}${a.chart_version ? `-${a.chart_version}` : ''} (${drift})`, kind: 'summary' }],
      steps: [...refresh, upgrade],
      undo,
      result,
    };
  },
});

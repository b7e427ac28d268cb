/**
 * What helm knows, read with its own read commands and parsed purely:
 * the repositories (`helm repo list -o json`) and one release
 * (`helm list --filter` and `helm get values`, in one probe).
 */
import { quoteArgs } from '../shell/quote.js';
import { batchProbe, parseSections, section } from './sections.js';
import { FactError, defineFact } from './types.js';

export interface HelmRepo {
  name: string;
  url: string;
}

/** `helm repo list -o json`; helm fails with "no repositories to show" when there are none. */
export function parseHelmRepos(out: { stdout: string; stderr: string; rc: number }): HelmRepo[] {
  if (out.rc !== 0) {
    if (/no repositories to show/i.test(out.stderr)) return [];
    throw new FactError(`helm repo list failed: ${out.stderr.trim() || `exit ${out.rc}`}`, out.rc);
  }
  const parsed: unknown = JSON.parse(out.stdout.trim() || '[]');
  return (Array.isArray(parsed) ? parsed : []).map((r: Record<string, unknown>) => ({ name: String(r.name), url: String(r.url) }));
}

export const helmReposFact = defineFact<{ helm: string[] }, HelmRepo[]>({
  name: 'helm_repos',
  command: ({ helm }) => quoteArgs([...helm, 'repo', 'list', '-o', 'json']),
  parse: (out) => parseHelmRepos(out),
});

export interface HelmRelease {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  /** `chart-1.2.3` as helm shows it */
  chart: string;
  appVersion: string;
  /** the values the user supplied (`helm get values`), {} when none */
  values: Record<string, unknown>;
}

export interface HelmReleaseArgs {
  helm: string[];
  name: string;
  namespace: string;
}

export function helmReleaseCommand(a: HelmReleaseArgs): string {
  return batchProbe([
    { name: 'list', command: quoteArgs([...a.helm, 'list', '-n', a.namespace, '-a', '-o', 'json', '--filter', `^${a.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`]) },
    { name: 'values', command: quoteArgs([...a.helm, 'get', 'values', a.name, '-n', a.namespace, '-o', 'json']) },
  ]);
}

/** The release, or null when helm lists none of that name. */
export function parseHelmRelease(stdout: string, a: HelmReleaseArgs): HelmRelease | null {
  const s = parseSections(stdout);
  const list = section(s, 'list');
  if (list.rc !== 0) throw new FactError(`helm list failed: ${list.out.trim() || `exit ${list.rc}`}`, list.rc);
  const entries: unknown = JSON.parse(list.out.trim() || '[]');
  const found = (Array.isArray(entries) ? entries : []).find((e: Record<string, unknown>) => e.name === a.name) as Record<string, unknown> | undefined;
  if (!found) return null;
  const values = section(s, 'values');
  const parsed: unknown = values.rc === 0 ? JSON.parse(values.out.trim() || 'null') : null;
  return {
    name: a.name,
    namespace: String(found.namespace ?? a.namespace),
    revision: Number(found.revision ?? 0),
    status: String(found.status ?? ''),
    chart: String(found.chart ?? ''),
    appVersion: String(found.app_version ?? ''),
    values: parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {},
  };
}

export const helmReleaseFact = defineFact<HelmReleaseArgs, HelmRelease | null>({
  name: 'helm_release',
  command: helmReleaseCommand,
  parse: (out, a) => parseHelmRelease(out.stdout, a),
});

/** `chart-1.2.3-rc.1` into the chart's name and version. */
export function splitChart(chart: string): { name: string; version: string } {
  const m = /^(.+?)-(v?\d+(?:\.\d+)*(?:[-+].*)?)$/.exec(chart);
  return m ? { name: m[1] as string, version: m[2] as string } : { name: chart, version: '' };
}

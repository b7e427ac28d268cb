/** The results as markdown: one row per scenario, then where ezplay's time went. */
import type { MachineDescription } from './machine.js';
import type { ScenarioResult } from './scenarios.js';
import { summarize, type Summary } from './stats.js';

export const MEMORY_TARGET_BYTES = 150 * 2 ** 20;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const spread = (s: Summary, unit: (v: number) => string) => `${unit(s.median)} (${unit(s.min)}–${unit(s.max)})`;
const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;

function targetText(r: ScenarioResult): string {
  const t = r.scenario.target;
  return [t.ratio ? `≥ ${t.ratio}x` : '', t.maxMs ? `< ${t.maxMs / 1000} s` : ''].filter(Boolean).join(', ');
}

export function scenarioRow(r: ScenarioResult): string[] {
  const ez = summarize(r.runs.ezplay.map((x) => x.ms));
  const an = summarize(r.runs.ansible.map((x) => x.ms));
  const ratio = an.median / ez.median;
  const t = r.scenario.target;
  const met = (t.ratio === undefined || ratio >= t.ratio) && (t.maxMs === undefined || ez.median < t.maxMs);
  return [r.scenario.title, String(ez.n), spread(ez, seconds), spread(an, seconds), `${ratio.toFixed(1)}x`, targetText(r), met ? 'yes' : 'no'];
}

export function memoryRow(d: ScenarioResult): string[] {
  const peaks = d.runs.ezplay.map((x) => x.peakRssBytes ?? 0).filter((b) => b > 0);
  const s = summarize(peaks);
  return [
    `e) ezplay's peak memory (max RSS) during d`,
    String(s.n),
    spread(s, mib),
    '—',
    '—',
    `< ${MEMORY_TARGET_BYTES / 2 ** 20} MB`,
    s.max < MEMORY_TARGET_BYTES ? 'yes' : 'no',
  ];
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function phasesTable(results: ScenarioResult[]): string {
  const names = ['connect', 'facts', 'plan', 'apply'];
  const rows = results.map((r) => {
    const runs = r.runs.ezplay;
    const med = (f: (p: Record<string, number>) => number) => seconds(summarize(runs.map((x) => f(x.phases ?? {}))).median);
    return [r.scenario.title, seconds(summarize(runs.map((x) => x.ms)).median), ...names.map((n) => med((p) => p[n] ?? 0))];
  });
  return table(['scenario', 'wall', ...names], rows);
}

export function renderReport(machine: MachineDescription, results: ScenarioResult[], withMemory: boolean, counted: number): string {
  const rows = results.map(scenarioRow);
  const d = results.find((r) => r.scenario.id === 'd');
  if (withMemory && d) rows.push(memoryRow(d));
  const retries = results.reduce((n, r) => n + r.retries, 0);
  return [
    '# ezplay and Ansible side by side',
    '',
    `${machine.date}: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB memory, ${machine.kernel}, ` +
      `Node ${machine.node}, ${machine.ansible}, ezplay ${machine.ezplay}.`,
    '',
    `Wall time of the whole command, median (min–max) of ${counted} counted runs per tool after one warm-up, ` +
      'the tools taking turns; the ratio is Ansible\'s median over ezplay\'s.',
    '',
    table(['scenario', 'runs', 'ezplay', 'Ansible', 'Ansible/ezplay', 'target', 'met'], rows),
    '',
    "Where ezplay's time went, from its `--json` timings (medians; facts is wall time, while connect, plan and apply " +
      'are summed over hosts and tasks, so with many hosts at once they exceed the wall time):',
    '',
    phasesTable(results),
    ...(retries > 0 ? ['', `${retries} run(s) failed (a lab machine reset or unreachable) and were measured again.`] : []),
    '',
  ].join('\n');
}

/**
 * `npm run bench`: ezplay and ansible-playbook side by side on the same lab
 * machines. See docs/benchmark.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeMachine } from './machine.js';
import { parseOptions, USAGE, type BenchOptions } from './options.js';
import { renderReport } from './report.js';
import { buildScenarios, measure, type ScenarioResult } from './scenarios.js';
import { bringUpLab, buildEzplay, ensureAnsible } from './setup.js';
import { ROOT } from './tools.js';

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

const ETCD_MEMBERS = 3;

async function main(options: BenchOptions): Promise<void> {
  log('building ezplay');
  await buildEzplay();
  await ensureAnsible(log);
  const wantsGeneric = options.only.includes('d') || options.only.includes('e');
  const wantsEtcd = options.only.some((id) => id === 'a' || id === 'b' || id === 'c');
  process.env.EZPLAY_LAB = options.lab;
  const lab = await bringUpLab(options.firstMachine, wantsEtcd ? ETCD_MEMBERS : 0, wantsGeneric ? options.genericHosts : 0);
  const selected = buildScenarios(lab).filter((s) => options.only.includes(s.id) || (s.id === 'd' && options.only.includes('e')));
  const results: ScenarioResult[] = [];
  for (const scenario of selected) {
    log(`${scenario.title}: ${options.runs} counted runs per tool after a warm-up`);
    results.push(await measure(scenario, options.runs, log));
  }
  const report = renderReport(describeMachine(), results, options.only.includes('e'), options.runs);
  const out = path.resolve(ROOT, options.out);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, report);
  process.stdout.write(report);
  log(`written to ${path.relative(ROOT, out)}`);
}

let options: BenchOptions;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
main(options).catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

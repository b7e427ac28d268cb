/** The benchmark's command line: `npm run bench -- [--quick] [--only a,b] ...`. */
import { parseArgs } from 'node:util';

export type ScenarioId = 'a' | 'b' | 'c' | 'd' | 'e';
export const ALL_SCENARIOS: readonly ScenarioId[] = ['a', 'b', 'c', 'd', 'e'];

export interface BenchOptions {
  quick: boolean;
  only: ScenarioId[];
  /** counted runs per tool and scenario, after one warm-up run each */
  runs: number;
  /** the lab the benchmark runs on: `bench` unless told (--lab, else $EZPLAY_LAB) */
  lab: string;
  /** the lab's first machine unless told: the first of the three etcd members and of the generic hosts */
  firstMachine: number;
  genericHosts: number;
  out: string;
}

export const USAGE = `usage: npm run bench -- [options]
  --quick               3 counted runs, scenario d on 5 machines
  --only a,b,c,d,e      the scenarios to run (e needs d's runs and adds them)
  --runs N              counted runs per tool and scenario (default 5, quick 3)
  --lab NAME            the lab to run on (default $EZPLAY_LAB, else a lab of its own named bench)
  --first-machine N     start at that lab's machine N (default 1)
  --generic-hosts N     machines for scenario d (default 50, quick 5)
  --out FILE            where the table goes (default bench/results/latest.md)`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      runs: { type: 'string' },
      lab: { type: 'string' },
      'first-machine': { type: 'string', default: '1' },
      'generic-hosts': { type: 'string' },
      out: { type: 'string', default: 'bench/results/latest.md' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const only = (values.only ?? ALL_SCENARIOS.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of only) {
    if (!ALL_SCENARIOS.includes(id as ScenarioId)) throw new Error(`--only: unknown scenario '${id}' (one of ${ALL_SCENARIOS.join(', ')})`);
  }
  return {
    quick,
    only: only as ScenarioId[],
    lab: values.lab ?? process.env.EZPLAY_LAB ?? 'bench',
    runs: wholeNumber('--runs', values.runs ?? (quick ? '3' : '5'), 1),
    firstMachine: wholeNumber('--first-machine', values['first-machine'] ?? '1', 1),
    genericHosts: wholeNumber('--generic-hosts', values['generic-hosts'] ?? (quick ? '5' : '50'), 1),
    out: values.out ?? 'bench/results/latest.md',
  };
}

function wholeNumber(flag: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be a whole number of at least ${min}, got '${text}'`);
  return n;
}

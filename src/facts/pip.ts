/**
 * The Python packages a pip sees: `pip list --format=json`, parsed purely.
 * Names are compared as pip compares them (PEP 503: case and the runs of
 * `-`, `_`, `.` do not matter).
 */
import { quote } from '../shell/quote.js';
import { FactError, defineFact } from './types.js';

export interface PipPackage {
  name: string;
  version: string;
}

/** PEP 503's normal form of a distribution name. */
export function normalizePipName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** From `pip list --format=json` to the packages by normal name; warnings around the JSON are skipped. */
export function parsePipList(stdout: string): Map<string, PipPackage> {
  const line = stdout.split('\n').reverse().find((l) => l.trimStart().startsWith('['));
  if (line === undefined) throw new FactError(`pip list printed no package list: ${stdout.slice(0, 200)}`);
  const parsed: unknown = JSON.parse(line);
  if (!Array.isArray(parsed)) throw new FactError('pip list printed no package list');
  const out = new Map<string, PipPackage>();
  for (const entry of parsed as Array<Record<string, unknown>>) {
    if (typeof entry.name === 'string' && typeof entry.version === 'string') out.set(normalizePipName(entry.name), { name: entry.name, version: entry.version });
  }
  return out;
}

export interface PipListArgs {
  /** the pip command line, quoted (`python3 -m pip`, `/opt/venv/bin/pip`) */
  pip: string;
  /** run it from this folder (the module's chdir) */
  chdir?: string;
}

export function pipListCommand(args: PipListArgs): string {
  const list = `${args.pip} list --format=json --disable-pip-version-check`;
  return args.chdir ? `cd ${quote(args.chdir)} && ${list}` : list;
}

export const pipPackagesFact = defineFact<PipListArgs, Map<string, PipPackage>>({
  name: 'pip_packages',
  command: pipListCommand,
  parse: (out) => {
    if (out.rc !== 0) {
      const why = /No module named pip/.test(out.stderr) ? 'pip is not installed for this Python' : out.stderr.trim() || `exit ${out.rc}`;
      throw new FactError(`pip list failed: ${why}`, out.rc);
    }
    return parsePipList(out.stdout);
  },
});

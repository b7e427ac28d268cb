/**
 * The `version` test: LooseVersion comparison by default, as Ansible does,
 * with a leading "v" ignored so "v3.4.23" compares with "3.5"; strict and
 * semver comparisons on request.
 */
import { TemplateRuntimeError } from './undefined.js';

const OPERATORS: Record<string, (c: number) => boolean> = {
  '<': (c) => c < 0, lt: (c) => c < 0,
  '<=': (c) => c <= 0, le: (c) => c <= 0,
  '>': (c) => c > 0, gt: (c) => c > 0,
  '>=': (c) => c >= 0, ge: (c) => c >= 0,
  '==': (c) => c === 0, '=': (c) => c === 0, eq: (c) => c === 0,
  '!=': (c) => c !== 0, '<>': (c) => c !== 0, ne: (c) => c !== 0,
};

type Part = number | string;

/** LooseVersion's components: runs of digits become numbers, runs of letters and other characters stay text. */
function looseParts(version: string): Part[] {
  const text = version.trim().replace(/^[vV](?=\d)/, '');
  return (text.match(/\d+|[a-z]+|[^\d.a-z]+/gi) ?? []).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function comparePart(a: Part, b: Part): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  // Python 3 refuses int-vs-str; a number is taken as the newer release
  if (typeof a === 'number') return 1;
  if (typeof b === 'number') return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareLists(a: Part[], b: Part[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = comparePart(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function compareSemver(a: string, b: string): number {
  const ma = SEMVER.exec(a.trim());
  const mb = SEMVER.exec(b.trim());
  if (!ma || !mb) throw new TemplateRuntimeError(`invalid semantic version '${ma ? b : a}'`);
  const core = compareLists([1, 2, 3].map((i) => Number(ma[i])), [1, 2, 3].map((i) => Number(mb[i])));
  if (core !== 0) return core;
  if (!ma[4] || !mb[4]) return ma[4] ? -1 : mb[4] ? 1 : 0;
  const a4 = ma[4].split('.');
  const b4 = mb[4].split('.');
  for (let i = 0; i < Math.min(a4.length, b4.length); i++) {
    const x = a4[i]!;
    const y = b4[i]!;
    if (x === y) continue;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    // in semver a numeric identifier sorts before an alphanumeric one
    if (xn && yn) return Number(x) - Number(y);
    if (xn !== yn) return xn ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a4.length - b4.length;
}

const STRICT = /^v?\d+\.\d+(\.\d+)?([ab]\d+)?$/;

export function compareVersions(value: string, reference: string, operator = 'eq', options: { strict?: boolean; versionType?: string } = {}): boolean {
  const op = OPERATORS[operator];
  if (!op) throw new TemplateRuntimeError(`Invalid operator type (${operator})`);
  const type = options.versionType ?? (options.strict ? 'strict' : 'loose');
  if (value === '' || reference === '') throw new TemplateRuntimeError('Version comparison failed: an empty version was given');
  switch (type) {
    case 'loose': case 'pep440':
      return op(compareLists(looseParts(value), looseParts(reference)));
    case 'strict':
      for (const v of [value, reference]) if (!STRICT.test(v.trim())) throw new TemplateRuntimeError(`invalid version number '${v}'`);
      return op(compareLists(looseParts(value), looseParts(reference)));
    case 'semver': case 'semantic':
      return op(compareSemver(value, reference));
    default:
      throw new TemplateRuntimeError(`Invalid version type (${type}). Must be one of loose, strict, semver, semantic, pep440`);
  }
}

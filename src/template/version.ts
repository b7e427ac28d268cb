/**
 * The `version` test: LooseVersion comparison by default, as Ansible does,
 * with a leading "v" ignored so "v3.4.23" compares with "3.5"; strict,
 * semver and PEP 440 comparisons on request.
 */
import { TemplateRuntimeError } from './undefined.js';

// in ansible-core's order, which its message lists
const OPERATORS: Record<string, (c: number) => boolean> = {
  '==': (c) => c === 0, '=': (c) => c === 0, eq: (c) => c === 0,
  '<': (c) => c < 0, lt: (c) => c < 0,
  '<=': (c) => c <= 0, le: (c) => c <= 0,
  '>': (c) => c > 0, gt: (c) => c > 0,
  '>=': (c) => c >= 0, ge: (c) => c >= 0,
  '!=': (c) => c !== 0, '<>': (c) => c !== 0, ne: (c) => c !== 0,
};

type Part = number | string;

/** LooseVersion's components: runs of digits become numbers, runs of letters and other characters stay text. */
function looseParts(version: string): Part[] {
  const text = version.trim().replace(/^[vV](?=\d)/, '');
  return (text.match(/\d+|[a-z]+|[^\d.a-z]+/gi) ?? []).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function comparePart(a: Part, b: Part): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
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

/** PEP 440 as the packaging library reads it (pre, post, dev releases, epochs); local labels are ignored. */
const PEP440 = /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?(\d*))?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d*))?(?:[-_.]?dev[-_.]?(\d*))?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$/i;

/** A sortable key: epoch, release (trailing zeros dropped), pre, post, dev, as packaging's _cmpkey orders them. */
function pep440Key(version: string): number[][] {
  const m = PEP440.exec(version.trim());
  if (!m) throw new TemplateRuntimeError(`Invalid version: '${version}'`);
  const release = m[2]!.split('.').map(Number);
  while (release.length > 1 && release[release.length - 1] === 0) release.pop();
  const preKind = m[3]?.toLowerCase();
  const preRank = preKind === undefined ? undefined : preKind.startsWith('a') ? 0 : preKind.startsWith('b') ? 1 : 2;
  const hasPost = m[5] !== undefined || m[6] !== undefined;
  const hasDev = m[8] !== undefined;
  // a dev release of a final comes before its pre-releases; a final after them
  const pre = preRank !== undefined ? [preRank, Number(m[4] || 0)] : !hasPost && hasDev ? [-Infinity] : [Infinity];
  const post = hasPost ? [Number(m[5] ?? (m[7] || 0))] : [-Infinity];
  const dev = hasDev ? [Number(m[8] || 0)] : [Infinity];
  return [[Number(m[1] ?? 0)], release, pre, post, dev];
}

function comparePep440(a: string, b: string): number {
  const ka = pep440Key(a);
  const kb = pep440Key(b);
  for (let i = 0; i < ka.length; i++) {
    const c = compareLists(ka[i]!, kb[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

const TYPES = ['loose', 'strict', 'semver', 'semantic', 'pep440'];
const quoted = (names: string[]) => names.map((n) => `'${n}'`).join(', ');

/**
 * ansible-core's version_compare: its checks in its order and its messages.
 * `strict` undefined: not given (it may not be given with version_type).
 */
export function compareVersions(value: string, reference: string, operator = 'eq', options: { strict?: boolean; versionType?: string } = {}): boolean {
  if (options.strict !== undefined && options.versionType !== undefined) throw new TemplateRuntimeError("Cannot specify both 'strict' and 'version_type'");
  if (value === '') throw new TemplateRuntimeError('Input version value cannot be empty');
  if (reference === '') throw new TemplateRuntimeError('Version parameter to compare against cannot be empty');
  const type = options.strict ? 'strict' : (options.versionType || 'loose');
  if (!TYPES.includes(type)) throw new TemplateRuntimeError(`Invalid version type (${type}). Must be one of ${quoted(TYPES)}`);
  const op = OPERATORS[operator];
  if (!op) throw new TemplateRuntimeError(`Invalid operator type (${operator}). Must be one of ${quoted(Object.keys(OPERATORS))}`);
  try {
    switch (type) {
      case 'strict':
        for (const v of [value, reference]) if (!STRICT.test(v.trim())) throw new TemplateRuntimeError(`invalid version number '${v}'`);
        return op(compareLists(looseParts(value), looseParts(reference)));
      case 'semver': case 'semantic':
        return op(compareSemver(value, reference));
      case 'pep440':
        return op(comparePep440(value, reference));
      default:
        return op(compareLists(looseParts(value), looseParts(reference)));
    }
  } catch (error) {
    throw new TemplateRuntimeError(`Version comparison failed: ${(error as Error).message}`);
  }
}

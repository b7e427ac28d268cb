/**
 * Requirement specifiers as pip reads them (`PyYAML`, `passlib==1.7.4`,
 * `foo[extra]>=1,<2`) and whether an installed version satisfies one;
 * versions compared as PEP 440 orders them, in the common cases (release
 * numbers, then pre-releases before the release, post-releases after).
 * Anything else (a URL, a path, `-e`) is not a plain requirement: the
 * module then lets pip decide and compares what it left.
 */
import { normalizePipName } from '../facts/pip.js';

export interface Specifier {
  op: '==' | '!=' | '>=' | '<=' | '>' | '<' | '~=' | '===';
  version: string;
}

export interface Requirement {
  /** as written, for the command line */
  text: string;
  name: string;
  /** normal form (PEP 503) */
  key: string;
  specifiers: Specifier[];
}

const REQUIREMENT = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/;
const SPECIFIER = /^\s*(===|==|!=|>=|<=|~=|>|<)\s*([A-Za-z0-9.*+!_-]+)\s*$/;

/** A plain requirement, or undefined when pip alone can read it (URL, path, VCS). */
export function parseRequirement(text: string): Requirement | undefined {
  const m = REQUIREMENT.exec(text.trim());
  if (!m || /[/:@]/.test(text) || text.trim().endsWith('.whl') || text.trim().endsWith('.tar.gz')) return undefined;
  const [, name = '', , rest = ''] = m;
  const specifiers: Specifier[] = [];
  for (const part of rest.split(',').filter((p) => p.trim() !== '')) {
    const s = SPECIFIER.exec(part);
    if (!s) return undefined;
    specifiers.push({ op: s[1] as Specifier['op'], version: s[2] as string });
  }
  return { text: text.trim(), name, key: normalizePipName(name), specifiers };
}

interface ParsedVersion {
  release: number[];
  /** -1 dev, 0..2 a/b/rc, 3 final, 4 post */
  phase: number;
  phaseNumber: number;
}

function parseVersion(version: string): ParsedVersion {
  const v = version.toLowerCase().replace(/^v/, '').split('+')[0] as string;
  const m = /^(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|rc|c|pre|preview|post|rev|r|dev)[-_.]?(\d*))?/.exec(v);
  if (!m) return { release: [], phase: 3, phaseNumber: 0 };
  const release = (m[1] as string).split('.').map(Number);
  const tag = m[2];
  const phases: Record<string, number> = { dev: -1, a: 0, alpha: 0, b: 1, beta: 1, rc: 2, c: 2, pre: 2, preview: 2, post: 4, rev: 4, r: 4 };
  return { release, phase: tag ? (phases[tag] ?? 3) : 3, phaseNumber: Number(m[3] || 0) };
}

/** Negative, zero or positive as `a` is older, the same, newer than `b`. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  const length = Math.max(x.release.length, y.release.length);
  for (let i = 0; i < length; i++) {
    const d = (x.release[i] ?? 0) - (y.release[i] ?? 0);
    if (d !== 0) return d;
  }
  return x.phase - y.phase || x.phaseNumber - y.phaseNumber;
}

function matchesPrefix(version: string, pattern: string): boolean {
  const prefix = parseVersion(pattern.slice(0, -2)).release;
  const release = parseVersion(version).release;
  return prefix.every((n, i) => (release[i] ?? 0) === n);
}

export function satisfies(version: string, spec: Specifier): boolean {
  const c = () => compareVersions(version, spec.version);
  switch (spec.op) {
    case '===':
      return version === spec.version;
    case '==':
      return spec.version.endsWith('.*') ? matchesPrefix(version, spec.version) : c() === 0;
    case '!=':
      return spec.version.endsWith('.*') ? !matchesPrefix(version, spec.version) : c() !== 0;
    case '>=':
      return c() >= 0;
    case '<=':
      return c() <= 0;
    case '>':
      return c() > 0;
    case '<':
      return c() < 0;
    case '~=': {
      // ~=1.4.2 means >=1.4.2 and ==1.4.*
      const release = parseVersion(spec.version).release;
      return c() >= 0 && matchesPrefix(version, `${release.slice(0, -1).join('.')}.*`);
    }
  }
}

export function satisfiesAll(version: string, specifiers: readonly Specifier[]): boolean {
  return specifiers.every((s) => satisfies(version, s));
}

/**
 * Installed packages and what the package manager would do, read without
 * changing anything: dpkg-query and apt's own simulation (`apt-get -s`) and
 * policy on Debian; `rpm -q` for yum and dnf. Parsers are pure and tested
 * from captured output.
 */
import { sh } from '../shell/quote.js';
import { FactError, defineFact, type FactOutput } from './types.js';

export type PkgMgr = 'apt' | 'dnf' | 'yum';

export interface InstalledPackage {
  name: string;
  version: string;
}

const C = 'LC_ALL=C';

// ------------------------------------------------------------------ which manager

/** The first package manager found, as Ansible's ansible_pkg_mgr names it. */
export const PKG_MGR_PROBE = 'for m in apt-get dnf yum; do if command -v "$m" >/dev/null 2>&1; then echo "${m%-get}"; break; fi; done';

export function parsePkgMgr(stdout: string): PkgMgr | undefined {
  const word = stdout.trim();
  return word === 'apt' || word === 'dnf' || word === 'yum' ? word : undefined;
}

export const pkgMgrFact = defineFact<void, PkgMgr | undefined>({
  name: 'pkg_mgr',
  command: () => PKG_MGR_PROBE,
  parse: (out) => parsePkgMgr(out.stdout),
});

// ------------------------------------------------------------------ dpkg

/** Installed packages among `names` (by name and by arch-qualified name); missing names are absent from the map. */
export function parseDpkgQuery(stdout: string): Map<string, InstalledPackage> {
  const installed = new Map<string, InstalledPackage>();
  for (const line of stdout.split('\n')) {
    const [qualified = '', name = '', status = '', version = ''] = line.split('\t');
    // the second letter of the status is the package's state: i = installed
    if (!name || status[1] !== 'i') continue;
    installed.set(name, { name, version });
    installed.set(qualified, { name, version });
  }
  return installed;
}

function requireOk(out: FactOutput, what: string, ok: (rc: number) => boolean = (rc) => rc === 0): void {
  if (!ok(out.rc)) throw new FactError(`${what}: ${(out.stderr || out.stdout).trim() || `exit ${out.rc}`}`, out.rc);
}

export const dpkgFact = defineFact<string[], Map<string, InstalledPackage>>({
  name: 'dpkg_packages',
  // exit 1 only says that some names are not installed
  command: (names) => `${C} ${sh`dpkg-query -W -f=${'${binary:Package}\t${Package}\t${db:Status-Abbrev}\t${Version}\n'} -- ${names}`} 2>/dev/null || [ $? -eq 1 ]`,
  parse(out) {
    requireOk(out, 'dpkg-query');
    return parseDpkgQuery(out.stdout);
  },
});

// ------------------------------------------------------------------ apt

export interface AptSimulation {
  /** packages apt would install or upgrade (`old` is the version it replaces) */
  installs: Array<{ name: string; version: string; old?: string }>;
  removals: Array<{ name: string; version: string }>;
}

/** `apt-get -s` lines: `Inst hello [2.10-2] (2.10-3 Debian:12 [amd64])`, `Remv hello [2.10-3]`. */
export function parseAptSimulation(stdout: string): AptSimulation {
  const sim: AptSimulation = { installs: [], removals: [] };
  for (const line of stdout.split('\n')) {
    const inst = /^Inst (\S+) (?:\[(\S+)\] )?\((\S+)/.exec(line);
    if (inst) sim.installs.push({ name: inst[1] as string, version: inst[3] as string, ...(inst[2] ? { old: inst[2] } : {}) });
    const remv = /^(?:Remv|Purg) (\S+)(?: \[(\S+)\])?/.exec(line);
    if (remv) sim.removals.push({ name: remv[1] as string, version: remv[2] ?? '' });
  }
  return sim;
}

export interface AptSimulationRequest {
  action: 'install' | 'remove' | 'purge';
  /** names (`hello`, `hello=2.10-3`) or paths of .deb files on the host */
  targets: string[];
  /** the same options the install will be given (`--no-install-recommends`) */
  options?: string[];
}

export const aptSimulationFact = defineFact<AptSimulationRequest, AptSimulation>({
  name: 'apt_simulation',
  command: (r) => `${C} ${sh`apt-get -s -q -y ${r.options ?? []} ${r.action === 'purge' ? ['remove', '--purge'] : [r.action]} ${r.targets}`}`,
  parse(out) {
    const errors = out.stdout.split('\n').concat(out.stderr.split('\n')).filter((l) => l.startsWith('E:'));
    if (out.rc !== 0) throw new FactError(`apt-get: ${errors.join('; ') || out.stderr.trim() || `exit ${out.rc}`}`, out.rc);
    return parseAptSimulation(out.stdout);
  },
});

export interface AptPolicy {
  installed: string | undefined;
  candidate: string | undefined;
  /** every version apt knows, and whether a source (not only dpkg's status) has it */
  versions: Array<{ version: string; downloadable: boolean }>;
}

/** `apt-cache policy NAMES`. */
export function parseAptPolicy(stdout: string): Map<string, AptPolicy> {
  const policies = new Map<string, AptPolicy>();
  let current: AptPolicy | undefined;
  let version: { version: string; downloadable: boolean } | undefined;
  for (const line of stdout.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head) {
      current = { installed: undefined, candidate: undefined, versions: [] };
      policies.set(head[1] as string, current);
      version = undefined;
      continue;
    }
    if (!current) continue;
    const field = /^ {2}(Installed|Candidate): (\S+)/.exec(line);
    if (field) {
      const value = field[2] === '(none)' ? undefined : field[2];
      if (field[1] === 'Installed') current.installed = value;
      else current.candidate = value;
      continue;
    }
    const v = /^ (?:\*\*\*| {3}) (\S+) -?\d+$/.exec(line);
    if (v) {
      version = { version: v[1] as string, downloadable: false };
      current.versions.push(version);
      continue;
    }
    const source = /^ {8}-?\d+ (\S+)/.exec(line);
    if (source && version && source[1] !== '/var/lib/dpkg/status') version.downloadable = true;
  }
  return policies;
}

export const aptPolicyFact = defineFact<string[], Map<string, AptPolicy>>({
  name: 'apt_policy',
  command: (names) => `${C} ${sh`apt-cache policy -- ${names}`}`,
  parse(out) {
    requireOk(out, 'apt-cache policy');
    return parseAptPolicy(out.stdout);
  },
});

/** Seconds since apt's lists were last updated (the stamp apt's periodic update and `apt-get update` leave). */
export const APT_CACHE_AGE_PROBE =
  'now=$(date +%s); t=$(stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null || stat -c %Y /var/lib/apt/lists 2>/dev/null || echo 0); echo $((now - t))';

export const aptCacheAgeFact = defineFact<void, number>({
  name: 'apt_cache_age',
  command: () => APT_CACHE_AGE_PROBE,
  parse(out) {
    requireOk(out, 'the age of the apt cache');
    return Number(out.stdout.trim());
  },
});

/** A .deb file on the host: its package name and version (`dpkg-deb -f`). */
export const debInfoFact = defineFact<string, InstalledPackage>({
  name: 'deb_info',
  command: (path) => sh`dpkg-deb -f ${path} Package Version`,
  parse(out, path) {
    requireOk(out, `dpkg-deb -f ${path}`);
    const fields = new Map(out.stdout.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()] as const));
    const name = fields.get('Package');
    if (!name) throw new FactError(`${path} is not a Debian package (no Package field)`);
    return { name, version: fields.get('Version') ?? '' };
  },
});

// ------------------------------------------------------------------ rpm

/** `rpm -q --qf ...`: `name\tversion` lines, and `package x is not installed` for the rest. */
export function parseRpmQuery(stdout: string): Map<string, InstalledPackage> {
  const installed = new Map<string, InstalledPackage>();
  for (const line of stdout.split('\n')) {
    const [name, version] = line.split('\t');
    if (name && version !== undefined && !line.startsWith('package ')) installed.set(name, { name, version: version.trim() });
  }
  return installed;
}

export const rpmFact = defineFact<string[], Map<string, InstalledPackage>>({
  name: 'rpm_packages',
  // rpm -q exits with the number of names not installed; 127 is rpm missing
  command: (names) => `${C} ${sh`rpm -q --qf ${'%{NAME}\t%{VERSION}-%{RELEASE}\n'} -- ${names}`}`,
  parse(out) {
    requireOk(out, 'rpm -q', (rc) => rc < 127 && (rc === 0 || /is not installed/.test(out.stdout)));
    return parseRpmQuery(out.stdout);
  },
});

/** `dnf -q check-update NAMES` (yum's too): `name.arch  version  repo` for each name with a newer version. */
export function parseCheckUpdate(stdout: string): Map<string, string> {
  const updates = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const [pkg, version, repo] = line.trim().split(/\s+/);
    if (!pkg || !version || !repo || !pkg.includes('.')) continue;
    updates.set(pkg.slice(0, pkg.lastIndexOf('.')), version);
  }
  return updates;
}

export const rpmUpdatesFact = defineFact<{ bin: 'dnf' | 'yum'; names: string[] }, Map<string, string>>({
  name: 'rpm_updates',
  // exit 100 means updates are available, 0 none
  command: (r) => `${C} ${sh`${r.bin} -q check-update -- ${r.names}`}`,
  parse(out, r) {
    requireOk(out, `${r.bin} check-update`, (rc) => rc === 0 || rc === 100);
    return parseCheckUpdate(out.stdout);
  },
});

/** The selection dpkg has for a package, `not present` when it has none (Ansible's word). */
export function parseSelection(stdout: string): string {
  const fields = stdout.trim().split(/\s+/);
  return fields.length >= 2 ? (fields[1] as string) : 'not present';
}

/** A package's selection in dpkg's database (`dpkg --get-selections NAME`). */
export const dpkgSelectionFact = defineFact<string, string>({
  name: 'dpkg_selection',
  command: (name) => sh`dpkg --get-selections ${name}`,
  parse(out) {
    requireOk(out, 'dpkg --get-selections');
    return parseSelection(out.stdout);
  },
});

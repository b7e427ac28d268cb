/**
 * `package_list`: every installed package, from the package managers asked
 * for, in one command: `rpm -qa` and `dpkg-query -W`, each section marked
 * with the manager's name so a manager the host lacks is simply absent.
 */
import { quote } from '../shell/quote.js';
import { FactError, defineFact } from './types.js';

export type ListManager = 'rpm' | 'apt';

export interface PackageEntry {
  name: string;
  version: string;
  arch: string;
  source: ListManager;
  /** apt: the package's section */
  category?: string;
  /** rpm */
  release?: string;
  epoch?: number | null;
}

/** What each manager the host has lists, in the order asked for; a manager it lacks is left out. */
export type PackageLists = Array<{ manager: ListManager; packages: PackageEntry[] }>;

const RPM_FORMAT = '%{NAME}\\t%{VERSION}\\t%{RELEASE}\\t%{EPOCH}\\t%{ARCH}\\n';
const DPKG_FORMAT = '${db:Status-Abbrev}\\t${Package}\\t${Version}\\t${Architecture}\\t${Section}\\n';

const LISTERS: Record<ListManager, string> = {
  rpm: `command -v rpm >/dev/null 2>&1 && { echo @@rpm; LC_ALL=C rpm -qa --queryformat ${quote(RPM_FORMAT)} || echo @@failed; }`,
  apt: `command -v dpkg-query >/dev/null 2>&1 && { echo @@apt; LC_ALL=C dpkg-query -W -f=${quote(DPKG_FORMAT)} || echo @@failed; }`,
};

export function packageListCommand(managers: readonly ListManager[]): string {
  return `${managers.map((m) => LISTERS[m]).join('; ')}; true`;
}

function parseRpmLine(line: string): PackageEntry | undefined {
  const [name, version = '', release = '', epoch = '', arch = ''] = line.split('\t');
  if (!name) return undefined;
  return { name, version, release, epoch: /^\d+$/.test(epoch) ? Number(epoch) : null, arch, source: 'rpm' };
}

function parseDpkgLine(line: string): PackageEntry | undefined {
  const [status = '', name, version = '', arch = '', section = ''] = line.split('\t');
  // the status's second letter is the package's state: installed, or half-installed/unpacked/triggers pending
  if (!name || !/^.[iUFWt]/.test(status)) return undefined;
  return { name, version, arch, category: section, source: 'apt' };
}

export function parsePackageLists(stdout: string): PackageLists {
  const lists: PackageLists = [];
  let current: PackageLists[number] | undefined;
  for (const line of stdout.split('\n')) {
    const marker = /^@@(rpm|apt|failed)$/.exec(line)?.[1];
    if (marker === 'failed') throw new FactError(`${current?.manager ?? 'package manager'}: listing the installed packages failed`);
    if (marker) {
      current = { manager: marker as ListManager, packages: [] };
      lists.push(current);
      continue;
    }
    if (!current || line === '') continue;
    const entry = current.manager === 'rpm' ? parseRpmLine(line) : parseDpkgLine(line);
    if (entry) current.packages.push(entry);
  }
  return lists;
}

export const packageListFact = defineFact<ListManager[], PackageLists>({
  name: 'package_list',
  command: (managers) => packageListCommand(managers),
  parse: (out) => parsePackageLists(out.stdout),
});

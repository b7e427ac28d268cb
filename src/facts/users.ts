/**
 * What the account database says about one user, read in one command and
 * parsed by pure functions (tested from captured `getent`/`id` output).
 */
import { sh } from '../shell/quote.js';
import { batchProbe, parseSections, section } from './sections.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
}

export interface UserFacts {
  /** absent when the user does not exist */
  entry: PasswdEntry | undefined;
  /** the name of the primary group */
  primaryGroup: string | undefined;
  /** supplementary groups, without the primary one */
  groups: string[];
  /** group name -> gid, for the groups the plan asked about that exist */
  knownGroups: Map<string, number>;
  /** the password field, classified on the host so no hash leaves it; undefined when not asked */
  password: PasswordState | undefined;
  /** the home a new user would get already exists (so undo must keep it) */
  homeExists: boolean;
}

/** locked-empty: `!` or `*` alone, nothing to unlock (useradd's default) */
export type PasswordState = 'locked' | 'locked-empty' | 'usable' | 'empty';

export interface UserProbeRequest {
  name: string;
  /** groups whose existence and gid matter to the plan */
  groups: string[];
  /** the home a new user would get */
  home: string;
  withLock: boolean;
}

// prints one word about the shadow password field, never the field itself
const CLASSIFY_PASSWORD =
  '{ p = $2; if (p ~ /^[!*]+$/) print "locked-empty"; else if (p ~ /^!/) print "locked"; ' +
  'else if (p == "") print "empty"; else print "usable" }';

export function userProbeCommand(r: UserProbeRequest): string {
  const groupNames = [...new Set([r.name, ...r.groups])];
  return batchProbe([
    { name: 'passwd', command: sh`getent passwd ${r.name}` },
    { name: 'primary', command: sh`id -gn ${r.name} 2>/dev/null` },
    { name: 'all-groups', command: sh`id -Gn ${r.name} 2>/dev/null` },
    { name: 'group-db', command: sh`getent group ${groupNames}` },
    { name: 'home', command: sh`test -e ${r.home}` },
    ...(r.withLock ? [{ name: 'password', command: sh`getent shadow ${r.name} | awk -F: ${CLASSIFY_PASSWORD}` }] : []),
  ]);
}

/** One line of /etc/passwd; undefined for anything else. */
export function parsePasswdLine(line: string): PasswdEntry | undefined {
  const f = line.trim().split(':');
  if (f.length < 7) return undefined;
  return {
    name: f[0] ?? '',
    uid: Number(f[2]),
    gid: Number(f[3]),
    comment: f[4] ?? '',
    home: f[5] ?? '',
    shell: f[6] ?? '',
  };
}

/** Lines of /etc/group -> name -> gid. */
export function parseGroupLines(out: string): Map<string, number> {
  const groups = new Map<string, number>();
  for (const line of out.split('\n')) {
    const f = line.trim().split(':');
    if (f.length >= 3 && f[0]) groups.set(f[0], Number(f[2]));
  }
  return groups;
}

export function parsePasswordState(out: string): PasswordState | undefined {
  const word = out.trim();
  return word === 'locked' || word === 'locked-empty' || word === 'usable' || word === 'empty' ? word : undefined;
}

export function parseUserFacts(stdout: string): UserFacts {
  const s = parseSections(stdout);
  const passwd = section(s, 'passwd');
  const entry = passwd.rc === 0 ? parsePasswdLine(passwd.out.split('\n')[0] ?? '') : undefined;
  const primaryGroup = entry ? section(s, 'primary').out.trim() || undefined : undefined;
  const all = entry ? section(s, 'all-groups').out.trim().split(/\s+/).filter(Boolean) : [];
  const password = s.get('password');
  return {
    entry,
    primaryGroup,
    groups: all.filter((g) => g !== primaryGroup),
    knownGroups: parseGroupLines(section(s, 'group-db').out),
    password: entry && password ? parsePasswordState(password.out) : undefined,
    homeExists: section(s, 'home').rc === 0,
  };
}

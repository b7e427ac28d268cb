/**
 * What the account database says about one user, read in one command and
 * parsed by pure functions (tested from captured `getent`/`id` output).
 */
import { sh } from '../shell/quote.js';
import type { PlannedState } from './planned.js';
import { batchProbe, parseSections, section } from './sections.js';
import { defineFact } from './types.js';

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
  /** sha256 of the shadow password field, so a wanted hash is compared without the hash leaving the host */
  passwordDigest: string | undefined;
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
  /** read the digest of the password field (a `password` to compare) */
  withPasswordDigest?: boolean;
}

// prints one word about the shadow password field, never the field itself
const CLASSIFY_PASSWORD =
  '{ p = $2; if (p ~ /^[!*]+$/) print "locked-empty"; else if (p ~ /^!/) print "locked"; ' +
  'else if (p == "") print "empty"; else print "usable" }';

export function userProbeCommand(r: UserProbeRequest): string {
  const groupNames = [...new Set([r.name, ...r.groups])];
  return batchProbe([
    { name: 'passwd', command: sh`getent passwd -- ${r.name}` },
    { name: 'primary', command: sh`id -gn -- ${r.name} 2>/dev/null` },
    { name: 'all-groups', command: sh`id -Gn -- ${r.name} 2>/dev/null` },
    { name: 'group-db', command: sh`getent group -- ${groupNames}` },
    { name: 'home', command: sh`test -e ${r.home}` },
    ...(r.withLock ? [{ name: 'password', command: sh`getent shadow -- ${r.name} | awk -F: ${CLASSIFY_PASSWORD}` }] : []),
    ...(r.withPasswordDigest ? [{ name: 'password-digest', command: sh`getent shadow -- ${r.name} | cut -d: -f2 | tr -d '\\n' | sha256sum` }] : []),
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
  const digest = s.get('password-digest');
  return {
    entry,
    primaryGroup,
    groups: all.filter((g) => g !== primaryGroup),
    knownGroups: parseGroupLines(section(s, 'group-db').out),
    password: entry && password ? parsePasswordState(password.out) : undefined,
    homeExists: section(s, 'home').rc === 0,
    passwordDigest: entry && digest && digest.rc === 0 ? digest.out.trim().split(/\s/)[0] : undefined,
  };
}

/** One user: passwd entry, groups, the groups a plan names, home and password state. */
export const userFact = defineFact<UserProbeRequest, UserFacts>({
  name: 'user',
  command: (r) => userProbeCommand(r),
  parse: (out) => parseUserFacts(out.stdout),
  planned(facts, state, r) {
    const knownGroups = new Map(facts.knownGroups);
    for (const name of [r.name, ...r.groups]) {
      const g = state.groups.get(name);
      if (g?.exists && !knownGroups.has(name)) knownGroups.set(name, g.gid ?? -1);
      if (g && !g.exists) knownGroups.delete(name);
    }
    const u = state.users.get(r.name);
    if (!u) return { ...facts, knownGroups };
    if (!u.exists) return { ...facts, knownGroups, entry: undefined, primaryGroup: undefined, groups: [] };
    if (facts.entry) return { ...facts, knownGroups };
    const primaryGroup = u.group ?? (knownGroups.has(r.name) ? r.name : undefined);
    const entry: PasswdEntry = {
      name: r.name,
      uid: -1,
      gid: primaryGroup !== undefined ? (knownGroups.get(primaryGroup) ?? -1) : -1,
      comment: u.comment ?? '',
      home: u.home ?? `/home/${r.name}`,
      shell: u.shell ?? '/bin/sh',
    };
    return { ...facts, knownGroups, entry, primaryGroup, groups: [] };
  },
});

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export function groupProbeCommand(name: string): string {
  return sh`getent group -- ${name} || true`;
}

/** `getent group NAME`: `etcd:x:998:alice,bob`; undefined when absent. */
export function parseGroupEntry(out: string): GroupEntry | undefined {
  const f = (out.split('\n')[0] ?? '').trim().split(':');
  if (f.length < 3 || !f[0]) return undefined;
  return { name: f[0], gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) };
}

/** One group by name; undefined when absent. */
export const groupFact = defineFact<string, GroupEntry | undefined>({
  name: 'group',
  command: (name) => groupProbeCommand(name),
  parse: (out) => parseGroupEntry(out.stdout),
  planned(entry, state: PlannedState, name) {
    const g = state.groups.get(name);
    if (!g) return entry;
    if (!g.exists) return undefined;
    return entry ?? { name, gid: g.gid ?? -1, members: [] };
  },
});

/** An account by name or id (`getent passwd`/`getent group`): its name and id, undefined when the host has none; check mode counts the accounts a plan makes. */
export const accountFact = defineFact<{ db: 'passwd' | 'group'; name: string }, { name: string; id: number } | undefined>({
  name: 'account',
  command: (r) => sh`getent ${r.db} -- ${r.name} || true`,
  parse: (out) => {
    const f = (out.stdout.split('\n')[0] ?? '').split(':');
    return f.length >= 3 && f[0] ? { name: f[0], id: Number(f[2]) } : undefined;
  },
  planned(found, state: PlannedState, r) {
    const planned = (r.db === 'passwd' ? state.users : state.groups).get(r.name);
    if (!planned) return found;
    return planned.exists ? (found ?? { name: r.name, id: -1 }) : undefined;
  },
});

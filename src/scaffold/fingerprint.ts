/**
 * A host's fingerprint for `ezplay test`'s rollback stage: every file on the
 * root file system (type, mode, owner, sha256 or link target), the state of
 * every systemd unit, and the account databases. Which paths a role touches
 * is only known after it ran, so the fingerprint before the converge is the
 * whole host; comparing is then narrowed to what the converge touched.
 * A fact in pyinfra's sense: one command plus a pure parser.
 */

/** Read-only; about 2 s on a minimal Debian. Sections are separated by `--- NAME` lines. */
export const FINGERPRINT_COMMAND = [
  "find / -xdev \\( -type d -printf 'd %m %U:%G %p\\n' \\) -o \\( -type l -printf 'l %m %U:%G %p -> %l\\n' \\) -o \\( -type f -printf 'f %m %U:%G %p\\n' \\) -o -printf 'o %m %U:%G %p\\n'",
  "echo '--- sha256'",
  'find / -xdev -type f -print0 | xargs -0 -r sha256sum',
  "echo '--- units'",
  'systemctl list-units --all --full --plain --no-legend --no-pager',
  "echo '--- unit-files'",
  'systemctl list-unit-files --full --no-legend --no-pager',
  "echo '--- passwd'",
  'getent passwd',
  "echo '--- group'",
  'getent group',
  'true',
].join('\n');

export interface Fingerprint {
  /** path -> 'f 644 0:0 <sha256>', 'd 755 0:0', 'l 777 0:0 -> target' */
  paths: Map<string, string>;
  /** unit -> 'active/running, enabled' */
  units: Map<string, string>;
  /** 'user NAME' / 'group NAME' -> the getent line */
  accounts: Map<string, string>;
}

function sections(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] = [];
  out.set('files', current);
  for (const line of text.split('\n')) {
    const head = /^--- (\S+)$/.exec(line);
    if (head?.[1]) {
      current = [];
      out.set(head[1], current);
    } else if (line !== '') current.push(line);
  }
  return out;
}

export function parseFingerprint(text: string): Fingerprint {
  const s = sections(text);
  const sums = new Map<string, string>();
  for (const line of s.get('sha256') ?? []) {
    const m = /^([0-9a-f]{64}) [ *](.*)$/.exec(line);
    if (m?.[1] && m[2]) sums.set(m[2], m[1]);
  }
  const paths = new Map<string, string>();
  for (const line of s.get('files') ?? []) {
    const m = /^([dlfo]) (\d+) (\d+:\d+) (.*)$/.exec(line);
    if (!m?.[4]) continue;
    const [, type, mode, owner, rest] = m;
    if (type === 'l') {
      const arrow = rest.indexOf(' -> ');
      paths.set(arrow < 0 ? rest : rest.slice(0, arrow), `l ${owner}${arrow < 0 ? '' : rest.slice(arrow)}`);
    } else if (type === 'f') paths.set(rest, `f ${mode} ${owner} ${sums.get(rest) ?? 'unreadable'}`);
    else paths.set(rest, `${type} ${mode} ${owner}`);
  }
  const active = new Map<string, string>();
  for (const line of s.get('units') ?? []) {
    const [unit, , state, sub] = line.trim().split(/\s+/);
    if (unit && state && sub) active.set(unit, `${state}/${sub}`);
  }
  const enabled = new Map<string, string>();
  for (const line of s.get('unit-files') ?? []) {
    const [unit, state] = line.trim().split(/\s+/);
    if (unit && state) enabled.set(unit, state);
  }
  const units = new Map<string, string>();
  for (const unit of new Set([...active.keys(), ...enabled.keys()])) units.set(unit, unitState(active.get(unit), enabled.get(unit)));
  const accounts = new Map<string, string>();
  for (const [kind, section] of [['user', 'passwd'], ['group', 'group']] as const) {
    for (const line of s.get(section) ?? []) accounts.set(`${kind} ${line.split(':')[0]}`, line);
  }
  return { paths, units, accounts };
}

/** A unit systemd no longer knows and one it never knew are the same state. */
function unitState(active = 'inactive/dead', file = 'no unit file'): string {
  return `${active}, ${file}`;
}

/** What a run touched on a host, read from the subjects of its diffs. */
export interface Touched {
  paths: Set<string>;
  units: Set<string>;
  accounts: Set<string>;
}

export const emptyTouched = (): Touched => ({ paths: new Set(), units: new Set(), accounts: new Set() });

const UNIT = /^[\w@.:\\-]+\.(service|socket|timer|target|mount|path|slice)$/;

/** Diff subjects: '/etc/x', '/etc/x mode', '/etc/x/*', 'user etcd home', 'group etcd', 'etcd.service'. */
export function addTouched(touched: Touched, subject: string): void {
  if (subject.startsWith('/')) {
    const p = subject.split(' ')[0]!.replace(/\/\*$/, '');
    touched.paths.add(p.length > 1 ? p.replace(/\/+$/, '') : p);
    if (p.startsWith('/etc/systemd/system/') && UNIT.test(p.split('/').pop()!)) touched.units.add(p.split('/').pop()!);
    return;
  }
  const account = /^(user|group) (\S+)/.exec(subject);
  if (account) touched.accounts.add(`${account[1]} ${account[2]}`);
  else if (UNIT.test(subject)) touched.units.add(subject);
}

/**
 * Paths a host changes by itself (logs, caches, timer stamps), the
 * backups shadow-utils keeps (/etc/passwd- holds the file as it was before
 * the last change, so it never comes back after a user is removed again),
 * and ezplay's own backups of a run (kept until a later run prunes them).
 */
const NOISE = [/^\/var\/(log|cache|tmp)\//, /^\/var\/lib\/(systemd|apt|dhcp)\//, /^\/var\/lib\/ezplay(\/|$)/, /^\/tmp\//, /^\/etc\/(passwd|shadow|group|gshadow|subuid|subgid)-$/, /^\/etc\/\.pwd\.lock$/];

/**
 * What changed from one fingerprint to the next: the paths, units and
 * accounts a run touched, including those of commands, which report no diff.
 */
export function touchedBetween(before: Fingerprint, after: Fingerprint): Touched {
  const touched = emptyTouched();
  for (const [from, to, into, missing] of [
    [before.paths, after.paths, touched.paths, 'absent'],
    [before.units, after.units, touched.units, unitState()],
    [before.accounts, after.accounts, touched.accounts, 'absent'],
  ] as const) {
    for (const key of new Set([...from.keys(), ...to.keys()])) {
      if ((from.get(key) ?? missing) !== (to.get(key) ?? missing) && !NOISE.some((n) => n.test(key))) into.add(key);
    }
  }
  return touched;
}

export function mergeTouched(...all: Array<Touched | undefined>): Touched {
  const out = emptyTouched();
  for (const t of all) {
    if (!t) continue;
    t.paths.forEach((p) => out.paths.add(p));
    t.units.forEach((u) => out.units.add(u));
    t.accounts.forEach((a) => out.accounts.add(a));
  }
  return out;
}

export interface FingerprintDifference {
  what: string;
  before: string;
  after: string;
}

/** Differences between two fingerprints, in what was touched (paths below a touched folder included). */
export function compareTouched(before: Fingerprint, after: Fingerprint, touched: Touched): FingerprintDifference[] {
  const out: FingerprintDifference[] = [];
  const roots = [...touched.paths];
  const under = (p: string) => roots.some((r) => p === r || p.startsWith(r === '/' ? '/' : `${r}/`));
  const keys = [...new Set([...before.paths.keys(), ...after.paths.keys()])].filter(under).sort();
  for (const key of keys) {
    const was = before.paths.get(key) ?? 'absent';
    const now = after.paths.get(key) ?? 'absent';
    if (was !== now) out.push({ what: key, before: was, after: now });
  }
  for (const unit of [...touched.units].sort()) {
    const was = before.units.get(unit) ?? unitState();
    const now = after.units.get(unit) ?? unitState();
    if (was !== now) out.push({ what: unit, before: was, after: now });
  }
  for (const account of [...touched.accounts].sort()) {
    const was = before.accounts.get(account) ?? 'absent';
    const now = after.accounts.get(account) ?? 'absent';
    if (was !== now) out.push({ what: account, before: was, after: now });
  }
  return out;
}

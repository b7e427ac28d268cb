/**
 * Whether a running cluster may move to a target etcd release, by etcd's
 * upgrade guides, as pure functions: one minor version at a time; never a
 * minor version down (etcd's data format moves on with the cluster version,
 * and the way back is a restore of the snapshot taken before the upgrade);
 * a patch release down is fine; and before 3.6, every member on 3.5.26 or
 * newer with no learner, since older 3.5 members and learners are what 3.6
 * trips over ("too many learner members", zombie members).
 */

export interface Version {
  major: number;
  minor: number;
  patch: number;
}

export function parseVersion(text: string | undefined): Version | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec((text ?? '').trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

const show = (v: Version): string => `${v.major}.${v.minor}.${v.patch}`;
const minorOf = (v: Version): string => `${v.major}.${v.minor}`;

/** The oldest 3.5 release that can be upgraded to 3.6 (etcd's 3.5 -> 3.6 upgrade guide). */
export const MIN_35_FOR_36: Version = { major: 3, minor: 5, patch: 26 };

export interface UpgradeFacts {
  /** the version each member serves, by member name (host) */
  members: Record<string, string | undefined>;
  /** the cluster version etcd reports (`etcdcluster` of /version), when known */
  clusterVersion?: string | undefined;
  /** names of members that are learners */
  learners: string[];
}

export type UpgradeKind = 'none' | 'patch' | 'patch-downgrade' | 'minor' | 'resume';

export interface UpgradeDecision {
  ok: boolean;
  kind?: UpgradeKind;
  /** members not on the target yet */
  pending: string[];
  /** why it is refused, or a note on an allowed path */
  message: string;
}

const refuse = (message: string, pending: string[] = []): UpgradeDecision => ({ ok: false, pending, message });

export function checkUpgradePath(facts: UpgradeFacts, targetText: string): UpgradeDecision {
  const target = parseVersion(targetText);
  if (!target) return refuse(`"${targetText}" is not an etcd version (X.Y.Z)`);
  const names = Object.keys(facts.members);
  const unknown = names.filter((n) => !parseVersion(facts.members[n]));
  if (unknown.length) return refuse(`the version of ${unknown.join(', ')} is unknown (not serving?); a cluster is upgraded only with every member healthy`);
  const versions = new Map(names.map((n) => [n, parseVersion(facts.members[n]) as Version]));
  const pending = names.filter((n) => compareVersions(versions.get(n) as Version, target) !== 0);
  if (pending.length === 0) return { ok: true, kind: 'none', pending, message: `every member serves ${show(target)}` };

  const all = [...versions.values()].sort(compareVersions);
  const oldest = all[0] as Version;
  const newest = all[all.length - 1] as Version;
  const oldMinors = new Set(all.map(minorOf));
  const from = [...new Set(all.map(show))].join(', ');

  if (target.major !== oldest.major || target.major !== newest.major) {
    return refuse(`${from} -> ${show(target)} changes the major version; etcd moves one minor version at a time within a major version`, pending);
  }
  if (target.minor < newest.minor) {
    const way = facts.clusterVersion ? ` (cluster version ${facts.clusterVersion})` : '';
    return refuse(
      `${from}${way} -> ${show(target)} is a minor-version downgrade, which this playbook refuses: ` +
        `etcd ${minorOf(newest)} has written its data in a format ${minorOf(target)} may not read, and a rolling downgrade ` +
        `is not supported by etcd before 3.6. The way back is a restore of the snapshot taken before the upgrade ` +
        `(etcdutl snapshot restore on every member, or the backup playbook's restore)`,
      pending,
    );
  }
  if (oldMinors.size > 2 || (oldMinors.size === 2 && newest.minor - oldest.minor > 1)) {
    return refuse(`the members serve ${from}: more than one minor version apart; fix the cluster by hand first`, pending);
  }
  if (target.minor > oldest.minor + 1) {
    const next = `${oldest.major}.${oldest.minor + 1}`;
    return refuse(`${from} -> ${show(target)} skips a minor version: etcd upgrades one minor version at a time; upgrade to the newest ${next} first`, pending);
  }
  if (target.minor === oldest.minor + 1) {
    const prereq = minorPrerequisites(facts, versions, oldest, target);
    if (prereq) return refuse(prereq, pending);
    const resume = oldMinors.size === 2;
    return {
      ok: true,
      kind: resume ? 'resume' : 'minor',
      pending,
      message: `${resume ? 'continuing the upgrade' : 'minor upgrade'} ${from} -> ${show(target)}, one member at a time`,
    };
  }
  // same minor as every member
  if (compareVersions(target, newest) < 0) {
    return { ok: true, kind: 'patch-downgrade', pending, message: `patch downgrade ${from} -> ${show(target)} (allowed within ${minorOf(target)})` };
  }
  return { ok: true, kind: 'patch', pending, message: `patch upgrade ${from} -> ${show(target)}, one member at a time` };
}

/** What a minor upgrade needs first, or undefined when it may go ahead. */
function minorPrerequisites(facts: UpgradeFacts, versions: Map<string, Version>, oldest: Version, target: Version): string | undefined {
  if (oldest.major === 3 && oldest.minor === 5 && target.minor === 6) {
    const tooOld = [...versions].filter(([, v]) => v.minor === 5 && compareVersions(v, MIN_35_FOR_36) < 0).map(([n, v]) => `${n} (${show(v)})`);
    if (tooOld.length) {
      return `etcd 3.6 needs every member on ${show(MIN_35_FOR_36)} or newer first: ${tooOld.join(', ')}; upgrade to the newest 3.5 release, then to ${show(target)}`;
    }
    if (facts.learners.length) {
      return `etcd 3.6 must not meet learner members while it upgrades (etcd issue 19557): promote or remove ${facts.learners.join(', ')} first`;
    }
  }
  const cluster = parseVersion(facts.clusterVersion);
  if (cluster && cluster.minor < oldest.minor) {
    return `the cluster version is ${facts.clusterVersion} although every member serves ${minorOf(oldest)} or newer: wait until etcd raises it, then run again`;
  }
  return undefined;
}

/** Followers first, in the given order, the leader last: the order members are upgraded in. */
export function upgradeOrder(pending: readonly string[], leader: string | undefined): string[] {
  return [...pending.filter((n) => n !== leader), ...pending.filter((n) => n === leader)];
}

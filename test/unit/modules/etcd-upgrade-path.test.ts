import test from 'ava';
import { checkUpgradePath, upgradeOrder, type UpgradeFacts } from '../../../src/modules/etcd/upgrade-path.js';

const three = (a: string, b = a, c = a): UpgradeFacts['members'] => ({ m1: a, m2: b, m3: c });

interface Case {
  title: string;
  members: UpgradeFacts['members'];
  target: string;
  cluster?: string;
  learners?: string[];
  ok: boolean;
  kind?: string;
  pending?: string[];
  /** the message names this */
  says?: RegExp;
}

const cases: Case[] = [
  { title: 'same version: nothing to do', members: three('3.4.23'), target: '3.4.23', ok: true, kind: 'none', pending: [] },
  { title: 'patch upgrade', members: three('3.5.16'), target: '3.5.30', ok: true, kind: 'patch', pending: ['m1', 'm2', 'm3'] },
  { title: 'patch downgrade is allowed', members: three('3.5.30'), target: '3.5.16', ok: true, kind: 'patch-downgrade', says: /allowed/ },
  { title: 'minor upgrade 3.4 -> 3.5', members: three('3.4.23'), cluster: '3.4.0', target: '3.5.16', ok: true, kind: 'minor' },
  { title: 'minor upgrade resumed after an interruption', members: three('3.5.16', '3.4.23', '3.4.23'), cluster: '3.4.0', target: '3.5.16', ok: true, kind: 'resume', pending: ['m2', 'm3'] },
  { title: 'minor downgrade refused, naming the restore', members: three('3.5.16'), cluster: '3.5.0', target: '3.4.23', ok: false, says: /minor-version downgrade.*restore/ },
  { title: 'downgrade of a half-upgraded cluster refused', members: three('3.5.16', '3.4.23', '3.4.23'), target: '3.4.23', ok: false, says: /downgrade/ },
  { title: 'a skipped minor is refused: 3.4 -> 3.6', members: three('3.4.23'), target: '3.6.0', ok: false, says: /skips a minor.*3\.5 first/ },
  { title: 'a major change is refused', members: three('3.5.30'), target: '4.0.0', ok: false, says: /major/ },
  { title: '3.5 -> 3.6 needs 3.5.26+ on every member', members: three('3.5.30', '3.5.16', '3.5.30'), target: '3.6.5', ok: false, says: /3\.5\.26 or newer first: m2 \(3\.5\.16\)/ },
  { title: '3.5 -> 3.6 with a learner is refused', members: three('3.5.26'), target: '3.6.5', learners: ['m3'], ok: false, says: /learner.*m3/ },
  { title: '3.5.26+ everywhere, no learner: 3.6 allowed', members: three('3.5.30', '3.5.26', '3.5.26'), cluster: '3.5.0', target: '3.6.5', ok: true, kind: 'minor' },
  { title: 'cluster version behind the members waits', members: three('3.5.16'), cluster: '3.4.0', target: '3.6.0', ok: false, says: /3\.5\.26/ },
  { title: 'cluster version not raised yet after a minor upgrade', members: three('3.5.30'), cluster: '3.4.0', target: '3.6.0', ok: false, says: /cluster version is 3\.4\.0/ },
  { title: 'an unknown member version is refused', members: { m1: '3.4.23', m2: undefined, m3: '3.4.23' }, target: '3.5.16', ok: false, says: /m2 is unknown/ },
  { title: 'not a version', members: three('3.4.23'), target: 'latest', ok: false, says: /not an etcd version/ },
  { title: 'members two minors apart are refused', members: three('3.4.23', '3.6.0', '3.5.0'), target: '3.6.0', ok: false, says: /more than one minor/ },
  { title: 'a v prefix is read', members: three('3.4.23'), target: 'v3.4.23', ok: true, kind: 'none' },
];

for (const c of cases) {
  test(`upgrade path: ${c.title}`, (t) => {
    const d = checkUpgradePath({ members: c.members, clusterVersion: c.cluster, learners: c.learners ?? [] }, c.target);
    t.is(d.ok, c.ok, d.message);
    if (c.kind) t.is(d.kind as string | undefined, c.kind);
    if (c.pending) t.deepEqual(d.pending, c.pending);
    if (c.says) t.regex(d.message, c.says);
  });
}

const orders: Array<[string[], string | undefined, string[]]> = [
  [['m1', 'm2', 'm3'], 'm1', ['m2', 'm3', 'm1']],
  [['m1', 'm2', 'm3'], 'm3', ['m1', 'm2', 'm3']],
  [['m2', 'm3'], 'm1', ['m2', 'm3']],
  [['m1', 'm2'], undefined, ['m1', 'm2']],
];
for (const [pending, leader, want] of orders) {
  test(`upgrade order: ${pending.join(',')} with leader ${leader ?? 'unknown'}`, (t) => t.deepEqual(upgradeOrder(pending, leader), want));
}

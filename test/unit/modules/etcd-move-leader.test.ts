import test from 'ava';
import type { MemberHealth } from '../../../src/facts/etcd/health.js';
import { pickSuccessor } from '../../../src/modules/etcd/move-leader.js';
import { planLines } from '../../../src/modules/etcd/version.js';

const member = (id: string, over: Partial<MemberHealth> = {}): MemberHealth => ({
  endpoint: `https://${id}:2379`, healthy: true, leader: false, is_learner: false, member_id: id, raft_index: 100, version: '3.4.23', ...over,
});

const cases: Array<[string, MemberHealth[], string | undefined, string | undefined]> = [
  ['a follower on the preferred version first', [member('a', { leader: true }), member('b', { raft_index: 120 }), member('c', { version: '3.5.16' })], '3.5.16', 'c'],
  ['else the most caught-up follower', [member('a', { leader: true }), member('b', { raft_index: 90 }), member('c', { raft_index: 101 })], '3.5.16', 'c'],
  ['never a learner or an unhealthy member', [member('a', { leader: true }), member('b', { is_learner: true }), member('c', { healthy: false }), member('d')], undefined, 'd'],
  ['nobody to take over', [member('a', { leader: true }), member('b', { healthy: false })], undefined, undefined],
];
for (const [title, members, prefer, want] of cases) {
  test(`move-leader successor: ${title}`, (t) => {
    const leader = members.find((m) => m.leader) as MemberHealth;
    t.is(pickSuccessor(members, leader, prefer)?.member_id, want);
  });
}

test('the upgrade plan: one line per member in order, the leader said', (t) => {
  const lines = planLines(['m2', 'm1'], [{ host: 'm1', version: '3.4.23', leader: true }, { host: 'm2', version: '3.4.23', leader: false }], '3.5.16');
  t.deepEqual(lines.map((l) => l.split(':')[0]), ['m2 3.4.23 -> 3.5.16 (follower)', 'm1 3.4.23 -> 3.5.16 (leader']);
  t.regex(lines[1] as string, /leadership is moved away first/);
});

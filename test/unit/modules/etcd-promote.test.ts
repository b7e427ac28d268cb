/**
 * etcd_promote from captured member lists and statuses: a learner that has
 * caught up is promoted (a step that retries, and that no failed run
 * undoes), one still behind is waited for until the deadline, a voting
 * member is left alone.
 */
import test from 'ava';
import { etcdPromote, learnerLag, planEtcdPromote, type EtcdPromoteArgs } from '../../../src/modules/etcd/promote.js';
import { validateArgs } from '../../../src/modules/args.js';
import { ModuleError } from '../../../src/errors.js';
import { fakeHost } from './get-url-harness.js';

const LEARNER = 'http://127.0.0.1:23801';
// member-list-learner.json once the learner has started: it has a name and a client URL
const LIST = JSON.stringify({
  header: { cluster_id: '324952591200643719' },
  members: [
    { ID: '3319814642761637952', name: 'cap1', peerURLs: ['http://127.0.0.1:23800'], clientURLs: ['http://127.0.0.1:23790'] },
    { ID: '13128484358296131932', name: 'cap2', peerURLs: [LEARNER], clientURLs: ['http://127.0.0.1:23791'], isLearner: true },
  ],
}).replace(/"(\d{16,})"/g, '$1');
const status = (learnerIndex: number) =>
  JSON.stringify([
    { Endpoint: 'http://127.0.0.1:23790', Status: { header: { member_id: '3319814642761637952' }, leader: '3319814642761637952', raftIndex: 500, raftTerm: 2 } },
    { Endpoint: 'http://127.0.0.1:23791', Status: { header: { member_id: '13128484358296131932' }, leader: '3319814642761637952', raftIndex: learnerIndex, raftTerm: 2, isLearner: true } },
  ]).replace(/"(\d{16,})"/g, '$1');

const args = (given: Record<string, unknown> = {}) =>
  validateArgs('etcd_promote', etcdPromote.args, { endpoints: ['http://127.0.0.1:23790'], etcdctl: '/opt/kube/bin/etcdctl', peer_url: LEARNER, ...given }) as unknown as EtcdPromoteArgs;

function host(list: string, learnerIndex: number) {
  return fakeHost('etcd1', (c) => c.answer('member list -w json', { stdout: list }).answer('endpoint status -w json', { stdout: status(learnerIndex) }));
}

test('learnerLag: how far the learner is behind the leader', (t) => {
  const states = [
    { endpoint: 'a', member_id: 'l', leader_id: 'l', raft_index: 500, is_learner: false },
    { endpoint: 'b', member_id: 'n', leader_id: 'l', raft_index: 495, is_learner: true },
  ];
  t.deepEqual(learnerLag(states, 'n'), { learner: 495, leader: 500, lag: 5 });
  t.deepEqual(learnerLag([states[0]!, { endpoint: 'b', is_learner: false, error: 'no answer' }], 'n'), { learner: undefined, leader: 500, lag: undefined });
});

test('a learner within max_lag: promoted by a step that retries; a failed run keeps it', async (t) => {
  const { ctx } = host(LIST, 495);
  const plan = await planEtcdPromote(ctx, args());
  t.true(plan.changed);
  t.true(plan.undoOnRequest);
  t.is(plan.undo, undefined, 'etcd has no demote');
  const step = plan.steps?.[0];
  t.is(step?.kind, 'exec');
  if (step?.kind !== 'exec') return;
  t.regex(step.command, /^i=0; until ETCDCTL_API=3 .*member promote b631bef75783595c; do i=\$\(\(i \+ 1\)\); \[ "\$i" -lt 20 \] \|\| exit 1; sleep 0\.5; done$/);
  t.like(plan.result, { member_id: 'b631bef75783595c', learner_index: 495, leader_index: 500 });
});

test('a learner still behind: waited for, then a failure naming both raft indexes', async (t) => {
  const { ctx } = host(LIST, 100);
  let clock = 0;
  let sleeps = 0;
  const error = await t.throwsAsync(
    planEtcdPromote(ctx, args({ wait: 5, delay: 1 }), async (ms) => { sleeps++; clock += ms; }, () => clock),
    { instanceOf: ModuleError },
  );
  t.regex(error!.message, /etcd member http:\/\/127.0.0.1:23801 \(b631bef75783595c\) has not caught up with the leader: raft index 100, the leader's 500/);
  t.is(sleeps, 5);
});

test('a voting member: no change', async (t) => {
  const { ctx } = host(LIST.replace(',"isLearner":true', ''), 500);
  const plan = await planEtcdPromote(ctx, args());
  t.false(plan.changed);
});

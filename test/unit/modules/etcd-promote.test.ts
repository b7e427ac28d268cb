/**
 * etcd_promote from captured member lists and statuses: a learner that has
 * caught up is promoted (a step that retries, and that no failed run
 * undoes), one still behind is waited for until the deadline, a voting
 * member is left alone.
 */
import test from 'ava';
import { etcdPromote, learnerLag, planEtcdPromote, type EtcdPromoteArgs } from '../../../src/modules/etcd/promote.js';
import type { Module } from '../../../src/modules/types.js';
import { ModuleError } from '../../../src/errors.js';
import { moduleTable } from '../../helpers/module-table.js';

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

const ARGS = { endpoints: ['http://127.0.0.1:23790'], etcdctl: '/opt/kube/bin/etcdctl', peer_url: LEARNER };
const VOTING = LIST.replace(',"isLearner":true', '');
const host = (list: string, learnerIndex: number) => ({ 'member list -w json': list, 'endpoint status -w json': status(learnerIndex) });

/** etcd_promote on a clock that moves only when it sleeps. */
function onFakeClock(): { module: Module<any>; sleeps: () => number } {
  let clock = 0;
  let sleeps = 0;
  const module: Module<any> = {
    ...etcdPromote,
    plan: (ctx, a) => planEtcdPromote(ctx, a as EtcdPromoteArgs, async (ms) => { sleeps++; clock += ms; }, () => clock),
  };
  return { module, sleeps: () => sleeps };
}
const behind = onFakeClock();

test('learnerLag: how far the learner is behind the leader', (t) => {
  const states = [
    { endpoint: 'a', member_id: 'l', leader_id: 'l', raft_index: 500, is_learner: false },
    { endpoint: 'b', member_id: 'n', leader_id: 'l', raft_index: 495, is_learner: true },
  ];
  t.deepEqual(learnerLag(states, 'n'), { learner: 495, leader: 500, lag: 5 });
  t.deepEqual(learnerLag([states[0]!, { endpoint: 'b', is_learner: false, error: 'no answer' }], 'n'), { learner: undefined, leader: 500, lag: undefined });
});

moduleTable([
  {
    name: 'a learner within max_lag: promoted by a step that retries; a failed run keeps it',
    module: etcdPromote,
    host: 'etcd1',
    args: ARGS,
    facts: host(LIST, 495),
    expect: {
      changed: true,
      undo: null,
      result: { member_id: 'b631bef75783595c', learner_index: 495, leader_index: 500 },
      also: (t, plan) => {
        t.true(plan.undoOnRequest, 'etcd has no demote: only an undo asked for by name');
        t.is(plan.steps?.length, 1);
        const step = plan.steps?.[0];
        t.regex(step?.kind === 'exec' ? step.command : '', /^i=0; until ETCDCTL_API=3 .*member promote b631bef75783595c; do i=\$\(\(i \+ 1\)\); \[ "\$i" -lt 20 \] \|\| exit 1; sleep 0\.5; done$/);
      },
    },
    after: host(VOTING, 500),
  },
  {
    name: 'a learner still behind: waited for, then a failure naming both raft indexes',
    module: behind.module,
    host: 'etcd1',
    args: { ...ARGS, wait: 5, delay: 1 },
    facts: host(LIST, 100),
    expect: {
      error: /etcd member http:\/\/127.0.0.1:23801 \(b631bef75783595c\) has not caught up with the leader: raft index 100, the leader's 500/,
      errorClass: ModuleError,
      afterError: (t) => t.is(behind.sleeps(), 5),
    },
  },
  { name: 'a voting member: no change', module: etcdPromote, host: 'etcd1', args: ARGS, facts: host(VOTING, 500), expect: { changed: false } },
]);

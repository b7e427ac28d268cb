import test from 'ava';
import { readFileSync } from 'node:fs';
import { etcdMember, planEtcdMember, type EtcdMemberArgs } from '../../../src/modules/etcd/member.js';
import { validateArgs } from '../../../src/modules/args.js';
import type { Step } from '../../../src/modules/types.js';
import { localHost, runSteps } from './get-url-harness.js';
import { moduleTable } from '../../helpers/module-table.js';
import { startEtcd, type EtcdProcess } from './etcd-harness.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/etcd/${name}`, import.meta.url), 'utf8');
const EP = 'http://127.0.0.1:23790';
const NEW = 'http://127.0.0.1:23801';

const args = (given: Record<string, unknown>) =>
  validateArgs('etcd_member', etcdMember.args, { endpoints: [EP], ...given }) as unknown as EtcdMemberArgs;
const commands = (steps: Step[] | undefined) => steps?.map((s) => (s.kind === 'exec' ? s.command : s.kind)) ?? [];
const tail = (command: string) => command.slice(command.indexOf('--command-timeout=5s ') + 21);

const listed = (json: string) => ({ 'member list -w json': json });
const PROMOTED = fixture('member-list-learner.json').replace(',"isLearner":true', '');

moduleTable([
  {
    name: 'present, missing: member add --learner; undo finds it by peer URL and removes it',
    module: etcdMember,
    host: 'etcd1',
    args: { endpoints: [EP], name: 'cap2', peer_urls: [NEW], learner: true },
    facts: listed(fixture('member-list.json')),
    stepOutputs: { 'member add': fixture('member-add-learner.txt') },
    expect: {
      changed: true,
      diff: [{ subject: 'etcd member cap2', kind: 'summary', before: 'absent', after: `learner with peer URLs ${NEW}` }],
      also: (t, p) => {
        const [add = ''] = commands(p.steps);
        t.is(commands(p.steps).length, 1);
        t.true(tail(add).startsWith(`member add cap2 --peer-urls=${NEW} --learner 2>"$err"); do`), add);
        // asked again while etcd's strict reconfiguration check says "unhealthy cluster", for at most 20 tries
        t.regex(add, /grep -q "unhealthy cluster" "\$err" && \[ "\$n" -lt 20 \]/);
        const [undo = ''] = commands(p.undo);
        t.regex(undo, /member list \| awk -F', ' -v u=http:\/\/127.0.0.1:23801 /);
        t.regex(undo, /if \[ -n "\$id" \]; then .* member remove "\$id"; fi$/);
      },
      registered: {
        member_id: 'b631bef75783595c',
        initial_cluster: 'cap1=http://127.0.0.1:23800,cap2=http://127.0.0.1:23801',
        initial_cluster_state: 'existing',
      },
    },
    after: listed(fixture('member-list-learner.json')),
  },
  {
    name: 'present, already added but not started (no name yet): found by peer URL, no change',
    module: etcdMember,
    args: { endpoints: [EP], name: 'cap2', peer_urls: [NEW], learner: true },
    facts: listed(fixture('member-list-learner.json')),
    expect: { changed: false, result: { member_id: 'b631bef75783595c' } },
  },
  {
    name: 'absent, present in the list: remove by hex id; undo adds it back as it was',
    module: etcdMember,
    args: { endpoints: [EP], state: 'absent', name: 'cap2', peer_urls: [NEW] },
    facts: listed(fixture('member-list-learner.json')),
    expect: {
      changed: true,
      also: (t, p) => {
        t.deepEqual(commands(p.steps).map(tail), ['member remove b631bef75783595c']);
        t.deepEqual(commands(p.undo).map(tail), [`member add cap2 --peer-urls=${NEW} --learner`]);
      },
    },
    after: listed(fixture('member-list.json')),
  },
  { name: 'absent, not a member: no change', module: etcdMember, args: { endpoints: [EP], state: 'absent', name: 'cap2' }, facts: listed(fixture('member-list.json')), expect: { changed: false } },
  {
    name: 'promoted: a learner is promoted; no undo is possible',
    module: etcdMember,
    args: { endpoints: [EP], state: 'promoted', peer_urls: [NEW] },
    facts: listed(fixture('member-list-learner.json')),
    expect: { changed: true, undo: null, also: (t, p) => t.deepEqual(commands(p.steps).map(tail), ['member promote b631bef75783595c']) },
    after: listed(PROMOTED),
  },
  { name: 'promoted: a voting member stays', module: etcdMember, args: { endpoints: [EP], state: 'promoted', name: 'cap1' }, facts: listed(fixture('member-list.json')), expect: { changed: false } },
  { name: 'promoted: not a member is an error', module: etcdMember, args: { endpoints: [EP], state: 'promoted', name: 'nobody' }, facts: listed(fixture('member-list.json')), expect: { error: /not a member/ } },
  {
    name: 'a failing etcdctl is reported with its own words',
    module: etcdMember,
    args: { endpoints: [EP], name: 'x', peer_urls: [NEW] },
    facts: { 'member list': { rc: 1, stdout: fixture('status-down.err') } },
    expect: { error: /Failed to get the status of endpoint http:\/\/127.0.0.1:23799/ },
  },
]);

// Against a real single-member etcd on loopback: add a learner, see it, undo it.
let etcd: EtcdProcess | undefined;
test.before(async () => {
  etcd = await startEtcd();
});
test.after.always(() => etcd?.stop());

test.serial('real etcd: add a learner, idempotent, undo removes it', async (t) => {
  if (!etcd) return t.fail('the test etcd did not start');
  const { ctx, conn } = localHost();
  const a = args({ endpoints: [etcd.clientUrl], name: 'learner1', peer_urls: ['http://127.0.0.1:1'], learner: true });
  const p = await planEtcdMember(ctx, a);
  t.true(p.changed);
  const outputs = await runSteps(conn, p.steps ?? []);
  t.like(await p.afterApply!(outputs), { initial_cluster_state: 'existing' });
  const again = await planEtcdMember(ctx, a);
  t.false(again.changed);
  t.is((again.result?.members as unknown[]).length, 2);
  await runSteps(conn, p.undo ?? []);
  const after = await planEtcdMember(ctx, { ...a, state: 'absent' });
  t.false(after.changed, 'gone again');
});

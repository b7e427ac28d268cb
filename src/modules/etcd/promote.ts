/**
 * etcd_promote: promotes a learner to a voting member once its raft index
 * has caught up with the leader's, as etcd's runtime-reconfiguration guide
 * asks. It waits (polling the learner's and the leader's `endpoint status`)
 * while planning, so the promotion it plans is one etcd accepts; etcd can
 * still refuse a learner that fell behind again, so the step retries for a
 * few seconds. A promotion cannot be undone: etcd has no demote.
 */
import { ModuleError } from '../../errors.js';
import { etcdEndpointStatus, type EndpointState } from '../../facts/etcd/endpoint-status.js';
import { etcdMembers } from '../../facts/etcd/members.js';
import type { Fact } from '../../facts/types.js';
import { raw, sh } from '../../shell/quote.js';
import { defineModule, type HostContext, type Plan } from '../types.js';
import { etcdctlCommand, type EtcdctlArgs } from '../../facts/etcd/etcdctl.js';
import { etcdctlSchema, etcdctlTarget } from './etcdctl-args.js';
import { leaderOf } from './shrink-plan.js';

export interface EtcdPromoteArgs extends EtcdctlArgs {
  name?: string;
  peer_url: string;
  max_lag: number;
  wait: number;
  delay: number;
}

export const etcdPromote = defineModule<EtcdPromoteArgs>({
  name: 'etcd_promote',
  summary: "Promote an etcd learner once its raft index has caught up with the leader's",
  description:
    'Finds the member by `peer_url` (or `name`) in `etcdctl member list`; when it is a learner, polls `endpoint status` ' +
    "of every member until the learner's raft index is within `max_lag` of the leader's, then runs `etcdctl member " +
    'promote` (retried for a few seconds if etcd still finds it behind). No change for a voting member. Fails when ' +
    "the learner has not caught up within `wait` seconds. Result: `member_id`, `learner_index`, `leader_index`. " +
    'Cannot be undone (etcd has no demote).',
  args: {
    ...etcdctlSchema,
    name: { type: 'str', description: "The member's name (etcd's --name)." },
    peer_url: { type: 'str', required: true, description: "The learner's peer URL, e.g. https://10.0.0.4:2380." },
    max_lag: { type: 'int', default: 10, description: "How far behind the leader's raft index the learner may be." },
    wait: { type: 'int', default: 60, description: 'Seconds to wait for the learner to catch up before giving up.' },
    delay: { type: 'float', default: 0.25, description: 'Seconds between polls.' },
  },
  plan: (ctx, args) => planEtcdPromote(ctx, args),
});

export type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function readFact<A, T>(ctx: HostContext, fact: Fact<A, T>, args: A): Promise<T> {
  const out = await ctx.probe(fact.command(args));
  return fact.parse({ stdout: out.stdout, stderr: out.stderr, rc: out.rc }, args);
}

/** How far the learner is behind the leader, or undefined while either does not answer. */
export function learnerLag(status: readonly EndpointState[], learnerId: string): { learner?: number; leader?: number; lag?: number } {
  const leaderId = leaderOf(status);
  const leader = status.find((s) => s.member_id === leaderId)?.raft_index;
  const learner = status.find((s) => s.member_id === learnerId && !s.error)?.raft_index;
  return { learner, leader, lag: learner !== undefined && leader !== undefined ? leader - learner : undefined };
}

export async function planEtcdPromote(ctx: HostContext, args: EtcdPromoteArgs, sleep: Sleep = realSleep, now = () => Date.now()): Promise<Plan> {
  const deadline = now() + args.wait * 1000;
  const label = `etcd member ${args.name ?? args.peer_url}`;
  const tls = { etcdctl: args.etcdctl, endpoints: args.endpoints, cacert: args.cacert, cert: args.cert, key: args.key, timeout: args.timeout };
  const fail = (message: string, result: Record<string, unknown> = {}) => new ModuleError(message, { ...result, msg: message }, ctx.pos);
  let progress: ReturnType<typeof learnerLag> = {};
  for (;;) {
    const view = await readFact(ctx, etcdMembers, { ...tls, etcdctl: etcdctlPath(ctx, args) });
    if (view.error) throw fail(`etcdctl member list failed: ${view.error}`);
    const m = view.members.find((x) => x.peer_urls.includes(args.peer_url)) ?? view.members.find((x) => !!args.name && x.name === args.name);
    if (!m) throw fail(`${label} is not a member, so it cannot be promoted`, { members: view.members });
    if (!m.is_learner) return { changed: false, result: { member_id: m.id, msg: `${label} is a voting member` } };
    const endpoints = view.members.flatMap((x) => x.client_urls.slice(0, 1));
    const status = await readFact(ctx, etcdEndpointStatus, { ...tls, etcdctl: etcdctlPath(ctx, args), endpoints });
    progress = learnerLag(status, m.id);
    if (progress.lag !== undefined && progress.lag <= args.max_lag) return promotePlan(ctx, args, label, m.id, progress);
    if (now() >= deadline) {
      throw fail(
        `${label} (${m.id}) has not caught up with the leader: raft index ${progress.learner ?? 'unknown (it does not answer)'}, ` +
          `the leader's ${progress.leader ?? 'unknown'}. It stays a learner (it does not count towards quorum); look at its journal ` +
          '(journalctl -u etcd) and run the playbook again',
        { member_id: m.id, learner_index: progress.learner, leader_index: progress.leader },
      );
    }
    await sleep(args.delay * 1000);
  }
}

function etcdctlPath(ctx: HostContext, args: EtcdPromoteArgs): string {
  if (args.etcdctl.includes('/')) return args.etcdctl;
  const dir = ctx.vars.bin_dir;
  return typeof dir === 'string' && dir.startsWith('/') ? `${dir}/${args.etcdctl}` : args.etcdctl;
}

function promotePlan(ctx: HostContext, args: EtcdPromoteArgs, label: string, id: string, progress: ReturnType<typeof learnerLag>): Plan {
  const promote = raw(etcdctlCommand(etcdctlTarget(ctx, args), ['member', 'promote', id])).text;
  // etcd refuses a learner that is behind again ("in sync with leader"): a few more tries, then fail
  const command = sh`i=0; until ` + promote + sh`; do i=$((i + 1)); [ "$i" -lt 20 ] || exit 1; sleep 0.5; done`;
  return {
    changed: true,
    diff: [{ subject: label, kind: 'summary', before: `learner ${id}`, after: 'voting member' }],
    steps: [{ kind: 'exec', command, description: `promote ${label} (${id})` }],
    // undefined, not []: etcd cannot demote, and the journal must say so; nothing to try when a run fails
    undoOnRequest: true,
    result: { member_id: id, learner_index: progress.learner, leader_index: progress.leader },
  };
}

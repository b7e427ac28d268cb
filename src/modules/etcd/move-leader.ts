/**
 * etcd_move_leader: moves raft leadership away from one member before it is
 * restarted, so the cluster never waits out an election timeout for a
 * leader it knows is going down. `etcdctl move-leader` is sent to the
 * leader itself and returns once the new leader has taken over. Nothing
 * changes when the member is not the leader. Leadership is not state to
 * restore, so the undo is empty.
 */
import { ModuleError } from '../../errors.js';
import { defineModule, type Plan } from '../types.js';
import { etcdctlCommand, type EtcdctlArgs } from '../../facts/etcd/etcdctl.js';
import { etcdctlSchema, etcdctlTarget } from './etcdctl-args.js';
import { healthProbeCommand, parseHealthProbe, type MemberHealth } from '../../facts/etcd/health.js';

export interface EtcdMoveLeaderArgs extends EtcdctlArgs {
  away_from: string;
  prefer_version?: string;
}

export const etcdMoveLeader = defineModule<EtcdMoveLeaderArgs>({
  name: 'etcd_move_leader',
  summary: 'Move raft leadership away from a member (before it restarts)',
  description:
    'Reads every endpoint\'s status; when the member at `away_from` leads, runs `etcdctl move-leader` against it, ' +
    'naming a healthy voting follower (one serving `prefer_version` first, e.g. a member already upgraded). ' +
    'No change when `away_from` does not lead. Result: from, to (endpoints), leader (after).',
  args: {
    ...etcdctlSchema,
    away_from: { type: 'str', required: true, description: 'Client URL of the member that must not lead.' },
    prefer_version: { type: 'str', description: 'Prefer a new leader serving this etcd version.' },
  },
  async plan(ctx, args): Promise<Plan> {
    const status = parseHealthProbe((await ctx.probe(healthProbeCommand(etcdctlTarget(ctx, args)))).stdout, args.endpoints);
    const leader = status.members.find((m) => m.leader);
    if (!leader || leader.endpoint !== args.away_from) {
      return { changed: false, result: { leader: leader?.endpoint ?? null, msg: `${args.away_from} does not lead` } };
    }
    const target = pickSuccessor(status.members, leader, args.prefer_version);
    if (!target?.member_id) {
      throw new ModuleError(`no healthy voting member can take over the leadership from ${leader.endpoint}`, {}, ctx.pos);
    }
    return {
      changed: true,
      diff: [{ subject: 'etcd leader', kind: 'summary', before: leader.endpoint, after: target.endpoint }],
      steps: [
        {
          kind: 'exec',
          command: etcdctlCommand(etcdctlTarget(ctx, args), ['move-leader', target.member_id], [leader.endpoint]),
          description: `move the leadership from ${leader.endpoint} to ${target.endpoint}`,
        },
      ],
      undo: [],
      result: { from: leader.endpoint, to: target.endpoint, leader: target.endpoint },
    };
  },
});

/** A healthy voting follower, one on `preferVersion` first, then the most caught-up. */
export function pickSuccessor(members: readonly MemberHealth[], leader: MemberHealth, preferVersion?: string): MemberHealth | undefined {
  const candidates = members
    .filter((m) => m !== leader && m.healthy && !m.is_learner && m.member_id)
    .sort((a, b) => Number(b.version === preferVersion) - Number(a.version === preferVersion) || (b.raft_index ?? 0) - (a.raft_index ?? 0));
  return candidates[0];
}

/**
 * etcd_member: adds, removes or promotes a member of a running cluster with
 * etcdctl, run on the task's host against `endpoints` (a healthy member).
 *
 * Undo is as exact as etcd allows: an added member is removed again (found
 * by its peer URL, since its id is only known once added); a removed member
 * is added back with the same name and peer URLs, which gives it a new id,
 * and its old data directory must be wiped before it can rejoin; a
 * promotion cannot be undone (etcd has no demote).
 */
import { ModuleError } from '../../errors.js';
import { raw, sh } from '../../shell/quote.js';
import { defineModule, type Diff, type HostContext, type Plan, type Step } from '../types.js';
import { etcdctlCommand, type EtcdctlArgs } from '../../facts/etcd/etcdctl.js';
import { etcdctlSchema, etcdctlTarget } from './etcdctl-args.js';
import { findMember, idByPeerUrlFilter, parseMemberAdd, etcdMembersFact, type EtcdMember } from '../../facts/etcd/members.js';

export interface EtcdMemberArgs extends EtcdctlArgs {
  state: 'present' | 'absent' | 'promoted';
  name?: string;
  peer_urls: string[];
  learner: boolean;
  undo_on_failure: boolean;
}

export const etcdMember = defineModule<EtcdMemberArgs>({
  name: 'etcd_member',
  summary: 'Add, remove or promote a member of a running etcd cluster',
  description:
    'Lists the members (`etcdctl member list`) and adds the member (optionally as a learner), removes it, or ' +
    'promotes a learner to a voting member. A member is found by `name`, or by a shared peer URL (a member that ' +
    'was added but has not started has no name yet). Result: `members`; after an add also `member_id`, ' +
    '`initial_cluster` and `initial_cluster_state` as etcdctl prints them for the new member. ' +
    'Undo removes a member it added, and adds back one it removed (with a new id: its old data directory must be ' +
    'wiped before it can rejoin). A promotion cannot be undone.',
  args: {
    ...etcdctlSchema,
    state: {
      type: 'str',
      default: 'present',
      choices: ['present', 'absent', 'promoted'],
      description: 'present: a member (added if missing); absent: no such member; promoted: a voting member, not a learner.',
    },
    name: { type: 'str', description: "The member's name (etcd's --name)." },
    peer_urls: {
      type: 'list',
      elements: 'str',
      default: [],
      description: "The member's peer URLs, e.g. https://10.0.0.4:2380. Needed to add a member.",
    },
    learner: { type: 'bool', default: false, description: 'Add the member as a non-voting learner (etcd 3.4+).' },
    undo_on_failure: {
      type: 'bool',
      default: true,
      description:
        'Undo the change when the run fails. false keeps it (removing a member just added, or adding back one just ' +
        'removed, is itself a risky membership change): its undo then runs only on `ezplay rollback`.',
    },
  },
  plan: async (ctx, args) => {
    const plan = await planEtcdMember(ctx, args);
    return plan.changed && !args.undo_on_failure ? { ...plan, undoOnRequest: true } : plan;
  },
});

export async function planEtcdMember(ctx: HostContext, args: EtcdMemberArgs): Promise<Plan> {
  const fail = (message: string, result: Record<string, unknown> = {}) => new ModuleError(message, result, ctx.pos);
  if (!args.name && !args.peer_urls.length) throw fail('etcd_member needs a name or peer_urls to find the member');
  const ctl = (...words: string[]) => etcdctlCommand(etcdctlTarget(ctx, args), words);

  const members = await ctx.gather(etcdMembersFact, etcdctlTarget(ctx, args));
  const found = findMember(members, args.name, args.peer_urls);
  const label = `etcd member ${args.name ?? args.peer_urls.join(',')}`;
  const result = { members };

  if (args.state === 'absent') {
    if (!found) return { changed: false, result: { ...result, msg: `${label} is not a member` } };
    const name = found.name || args.name || '';
    const readd = addWords(name, found.peer_urls, found.is_learner);
    return {
      changed: true,
      diff: [{ subject: label, kind: 'summary', before: describe(found), after: 'absent' }],
      steps: [{ kind: 'exec', command: ctl('member', 'remove', found.id), description: `remove ${label} (${found.id})` }],
      undo: name && found.peer_urls.length ? [{ kind: 'exec', command: ctl(...readd), description: `add ${label} back` }] : [],
      result: { ...result, member_id: found.id },
    };
  }

  if (args.state === 'promoted') {
    if (!found) throw fail(`${label} is not a member, so it cannot be promoted`, result);
    if (!found.is_learner) return { changed: false, result: { ...result, member_id: found.id, msg: `${label} is a voting member` } };
    return {
      changed: true,
      diff: [{ subject: label, kind: 'summary', before: describe(found), after: 'voting member' }],
      steps: [{ kind: 'exec', command: ctl('member', 'promote', found.id), description: `promote ${label} (${found.id})` }],
      // undefined, not []: etcd cannot demote, and the journal must say so
      result: { ...result, member_id: found.id },
    };
  }

  if (found) {
    if (found.is_learner && !args.learner) ctx.warn(`${label} is a learner; use state: promoted to make it a voting member`);
    return { changed: false, result: { ...result, member_id: found.id, msg: `${label} is a member` } };
  }
  if (!args.name || !args.peer_urls.length) throw fail('adding a member needs both name and peer_urls', result);
  return addPlan(ctx, args, label, members);
}

function addPlan(ctx: HostContext, args: EtcdMemberArgs, label: string, members: EtcdMember[]): Plan {
  const ctl = (...words: string[]) => etcdctlCommand(etcdctlTarget(ctx, args), words);
  // etcd's strict reconfiguration check refuses a change ("unhealthy cluster")
  // until every member has been connected for 5 s, as right after a start:
  // asked again for up to 20 s; any other error fails at once
  const command = [
    'err=$(mktemp); n=0',
    `until out=$(${ctl(...addWords(args.name ?? '', args.peer_urls, args.learner))} 2>"$err"); do`,
    '  if grep -q "unhealthy cluster" "$err" && [ "$n" -lt 20 ]; then n=$((n + 1)); sleep 1; else cat "$err" >&2; rm -f "$err"; exit 1; fi',
    'done',
    'rm -f "$err"; printf \'%s\\n\' "$out"',
  ].join('\n');
  const add: Step = {
    kind: 'exec',
    command,
    description: `add ${label}${args.learner ? ' as a learner' : ''}`,
  };
  const first = args.peer_urls[0] as string;
  // The new id is unknown until etcd assigns it: the undo looks it up by peer URL when it runs.
  const remove: Step = {
    kind: 'exec',
    command: [
      sh`id=$(` + raw(ctl('member', 'list')).text + ` | ${idByPeerUrlFilter(first)})`,
      sh`if [ -n "$id" ]; then ` + raw(ctl('member', 'remove')).text + ' "$id"; fi',
    ].join('\n'),
    description: `remove ${label} again`,
  };
  const diff: Diff = {
    subject: label,
    kind: 'summary',
    before: 'absent',
    after: `${args.learner ? 'learner' : 'voting member'} with peer URLs ${args.peer_urls.join(', ')}`,
  };
  return {
    changed: true,
    diff: [diff],
    steps: [add],
    undo: [remove],
    result: { members },
    afterApply: (outputs) => {
      const added = parseMemberAdd(outputs[0]?.stdout ?? '');
      return { members, ...added };
    },
  };
}

function addWords(name: string, peerUrls: readonly string[], learner: boolean): string[] {
  return ['member', 'add', name, `--peer-urls=${peerUrls.join(',')}`, ...(learner ? ['--learner'] : [])];
}

function describe(m: EtcdMember): string {
  return `${m.is_learner ? 'learner' : 'voting member'} ${m.id} with peer URLs ${m.peer_urls.join(', ')}`;
}

/**
 * etcd_membership: the membership plan, as a read-only task. In `grow` mode
 * it reads what each member's preflight probe saw; in `remove` and
 * `replace` mode it reads the member list and every member's status from
 * the task's host (a surviving member). Either way it hands the facts to
 * the pure planner and returns the ordered plan, or fails with the
 * planner's refusal before anything changes. It never changes anything,
 * so it also runs in check mode, where its `lines` are the plan to show.
 */
import { ModuleError } from '../../errors.js';
import { etcdEndpointStatus } from '../../facts/etcd/endpoint-status.js';
import { etcdMembers, parseMembersJson } from '../../facts/etcd/members.js';
import type { Fact } from '../../facts/types.js';
import { toBool } from '../args.js';
import { defineModule, type HostContext, type Plan } from '../types.js';
import type { EtcdctlArgs } from '../../facts/etcd/etcdctl.js';
import { etcdctlSchema } from './etcdctl-args.js';
import { isRefusal, planGrow, type InventoryMember } from './membership-plan.js';
import { planRemove, planReplace, type MemberTarget } from './shrink-plan.js';

export interface EtcdMembershipArgs extends EtcdctlArgs {
  mode: 'grow' | 'remove' | 'replace';
  hosts: Array<Record<string, unknown>>;
  targets: Array<Record<string, unknown>>;
  hidden: string[];
  replacing: string[];
  allow_even_members: boolean;
}

export const etcdMembership = defineModule<EtcdMembershipArgs>({
  name: 'etcd_membership',
  summary: 'Plan a change of etcd membership (grow, remove, replace), or refuse it (read-only)',
  description:
    'Works out, without changing anything, how to change the membership of a running etcd cluster one member at ' +
    'a time. `grow`: from `hosts` (each `host`, `name`, `peer_url`, `client_url`, `has_data`, `running` and ' +
    '`members_json`, the output of `etcdctl member list -w json` on that member), the members to add as learners ' +
    'in order (`joins`), or a refusal: hosts of two clusters, a member whose data is lost, a host with data the ' +
    'cluster does not list, `hidden` hosts (--limit) while members are to be added, an even result. `remove` and ' +
    '`replace`: asks the member list and every member\'s status from `endpoints`, and orders `targets` ' +
    '(`host`, `name`, `peer_url`, `client_url`) so that every step keeps a quorum of healthy members, moving ' +
    'leadership away from a leader first (`steps`); refuses a target that is not a member, a loss of quorum, ' +
    'an even result. The result\'s `lines` say the plan in words.',
  args: {
    ...etcdctlSchema,
    mode: { type: 'str', required: true, choices: ['grow', 'remove', 'replace'], description: 'What to plan.' },
    hosts: { type: 'list', default: [], description: 'grow: what each member\'s probe saw.' },
    targets: { type: 'list', default: [], description: 'remove, replace: the members to take out (replace: exactly one).' },
    hidden: { type: 'list', elements: 'str', default: [], description: 'grow: hosts of the group that this run does not see.' },
    replacing: {
      type: 'list',
      elements: 'str',
      default: [],
      description: 'grow: hosts being replaced, planned as out of the cluster and without data.',
    },
    allow_even_members: { type: 'bool', default: false, description: 'Accept an even number of members as the result.' },
  },
  plan: planEtcdMembership,
});

async function readFact<A, T>(ctx: HostContext, fact: Fact<A, T>, args: A): Promise<T> {
  const out = await ctx.probe(fact.command(args));
  return fact.parse({ stdout: out.stdout, stderr: out.stderr, rc: out.rc }, args);
}

export async function planEtcdMembership(ctx: HostContext, args: EtcdMembershipArgs): Promise<Plan> {
  const fail = (message: string, result: Record<string, unknown> = {}) => new ModuleError(message, { ...result, msg: message }, ctx.pos);
  if (args.mode === 'grow') {
    const plan = planGrow({ hosts: args.hosts.map(inventoryMember), hidden: args.hidden, allow_even: args.allow_even_members, replacing: args.replacing });
    if (isRefusal(plan)) throw fail(plan.refused);
    return { changed: false, result: { ...plan, msg: plan.lines.join('\n') } };
  }

  const targets = args.targets.map(target);
  const tls = { etcdctl: resolveEtcdctl(ctx, args.etcdctl), endpoints: args.endpoints, cacert: args.cacert, cert: args.cert, key: args.key, timeout: args.timeout };
  const view = await readFact(ctx, etcdMembers, tls);
  if (view.error) throw fail(`could not read the member list from ${args.endpoints.join(', ')}: ${view.error}; nothing was changed`);
  const clientUrls = view.members.flatMap((m) => m.client_urls.slice(0, 1));
  const status = await readFact(ctx, etcdEndpointStatus, { ...tls, endpoints: clientUrls });
  const input = { members: view.members, status, targets, allow_even: args.allow_even_members };
  const plan = args.mode === 'remove' ? planRemove(input) : planReplace(input);
  if (isRefusal(plan)) throw fail(plan.refused, { members: view.members, status });
  return { changed: false, result: { ...plan, members: view.members, status, msg: plan.lines.join('\n') } };
}

function resolveEtcdctl(ctx: HostContext, etcdctl: string): string {
  if (etcdctl.includes('/')) return etcdctl;
  const dir = ctx.vars.bin_dir;
  return typeof dir === 'string' && dir.startsWith('/') ? `${dir}/${etcdctl}` : etcdctl;
}

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

function inventoryMember(h: Record<string, unknown>): InventoryMember {
  const member: InventoryMember = {
    host: str(h.host),
    name: str(h.name),
    peer_url: str(h.peer_url),
    client_url: str(h.client_url),
    has_data: toBool(h.has_data ?? false),
    running: toBool(h.running ?? false),
  };
  const json = str(h.members_json);
  if (member.running && json) member.view = parseMembersJson(json);
  return member;
}

function target(h: Record<string, unknown>): MemberTarget {
  return { host: str(h.host), name: str(h.name), peer_url: str(h.peer_url), client_url: str(h.client_url) };
}

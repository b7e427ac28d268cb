/**
 * etcd's membership as data: `member list -w json` parsed (ids in hex),
 * finding a member by name or peer URL, and what `member add` prints for
 * the new member's configuration; and the etcd_members fact: the cluster as
 * one member sees it (its id and members), for the membership planner.
 */
import { sh } from '../../shell/quote.js';
import { errorLines, etcdctlCommand, hexId, jsonLine, parseEtcdJson, type EtcdctlArgs } from './etcdctl.js';
import { etcdctlLine, type EtcdctlTarget } from './etcdctl-line.js';
import { defineFact, FactError } from '../types.js';

export interface EtcdMember {
  id: string;
  /** empty until the member has started */
  name: string;
  peer_urls: string[];
  client_urls: string[];
  is_learner: boolean;
}

interface MemberListJson {
  header?: { cluster_id?: string | number };
  members?: Array<{ ID: string | number; name?: string; peerURLs?: string[]; clientURLs?: string[]; isLearner?: boolean }>;
}

export function parseMemberList(json: string): EtcdMember[] {
  const parsed = parseEtcdJson(json) as MemberListJson;
  return (parsed.members ?? []).map((m) => ({
    id: hexId(m.ID) ?? String(m.ID),
    name: m.name ?? '',
    peer_urls: m.peerURLs ?? [],
    client_urls: m.clientURLs ?? [],
    is_learner: m.isLearner === true,
  }));
}

/** By name, or by a shared peer URL: a member added but not yet started has no name. */
export function findMember(members: readonly EtcdMember[], name: string | undefined, peerUrls: readonly string[]): EtcdMember | undefined {
  return (
    (name ? members.find((m) => m.name === name) : undefined) ??
    members.find((m) => m.peer_urls.some((u) => peerUrls.includes(u)))
  );
}

export interface MemberAdded {
  member_id?: string;
  cluster_id?: string;
  /** ETCD_NAME and friends, as etcdctl prints them for the new member's configuration */
  env: Record<string, string>;
  initial_cluster?: string;
  initial_cluster_state?: string;
}

export function parseMemberAdd(stdout: string): MemberAdded {
  const out: MemberAdded = { env: {} };
  const head = /Member (\S+) added to cluster\s+(\S+)/.exec(stdout);
  if (head) {
    out.member_id = head[1] as string;
    out.cluster_id = head[2] as string;
  }
  for (const m of stdout.matchAll(/^(ETCD_[A-Z_]+)="(.*)"$/gm)) out.env[m[1] as string] = m[2] as string;
  if (out.env.ETCD_INITIAL_CLUSTER !== undefined) out.initial_cluster = out.env.ETCD_INITIAL_CLUSTER;
  if (out.env.ETCD_INITIAL_CLUSTER_STATE !== undefined) out.initial_cluster_state = out.env.ETCD_INITIAL_CLUSTER_STATE;
  return out;
}

/**
 * An awk program over `member list` (simple format) that prints the id of
 * the member with peer URL `url`: the undo of an add cannot know the new id
 * in advance, so it looks it up when it runs.
 */
export function idByPeerUrlFilter(url: string): string {
  return sh`awk -F', ' -v u=${url} '{ n = split($4, p, ","); for (i = 1; i <= n; i++) if (p[i] == u) print $1 }'`;
}

/** `etcdctl member list`, asked from this host. */
export const etcdMembersFact = defineFact<EtcdctlArgs, EtcdMember[]>({
  name: 'etcd_members',
  command: (a) => `${etcdctlCommand(a, ['member', 'list', '-w', 'json'])} 2>&1`,
  parse(out) {
    const json = jsonLine(out.stdout, '{');
    if (out.rc !== 0 || !json) throw new FactError(`etcdctl member list failed: ${errorLines(out.stdout).join('; ') || `rc ${out.rc}`}`, out.rc);
    return parseMemberList(json);
  },
});

export interface EndpointStatus {
  dbSize?: number;
  revision?: number;
}

/** `etcdctl endpoint status` of the first endpoint, asked from this host. */
export const etcdStatusFact = defineFact<EtcdctlArgs, EndpointStatus>({
  name: 'etcd_status',
  command: (a) => `${etcdctlCommand(a, ['endpoint', 'status', '-w', 'json'])} 2>&1`,
  parse(out, a) {
    const json = jsonLine(out.stdout, '[');
    if (out.rc !== 0 || !json) throw new FactError(`cannot reach ${a.endpoints[0] ?? ''}: ${errorLines(out.stdout).join('; ') || `rc ${out.rc}`}`, out.rc);
    const [status] = parseEtcdJson(json) as Array<{ Status?: { dbSize?: number; header?: { revision?: number } } }>;
    const dbSize = status?.Status?.dbSize;
    const revision = status?.Status?.header?.revision;
    return { ...(dbSize !== undefined ? { dbSize } : {}), ...(revision !== undefined ? { revision } : {}) };
  },
});

/** A member as the planner reads it: the same shape. */
export type ClusterMember = EtcdMember;

export interface MembersView {
  /** hex; absent when the list could not be read */
  cluster_id?: string;
  members: ClusterMember[];
  /** why the list could not be read */
  error?: string;
}

/** `member list -w json` output (stdout, or stdout and stderr together) to a view. */
export function parseMembersJson(text: string, rc = 0): MembersView {
  const json = jsonLine(text, '{');
  if (!json || rc !== 0) return { members: [], error: errorLines(text).join('; ') || `etcdctl exited with ${rc}` };
  const view: MembersView = { members: parseMemberList(json) };
  const cluster = hexId((parseEtcdJson(json) as MemberListJson).header?.cluster_id);
  if (cluster) view.cluster_id = cluster;
  return view;
}

export const etcdMembers = defineFact<EtcdctlTarget, MembersView>({
  name: 'etcd_members_view',
  command: (t) => `${etcdctlLine(t, ['member', 'list', '-w', 'json'])} 2>&1`,
  parse: (out) => parseMembersJson(`${out.stdout}\n${out.stderr}`, out.rc),
});

/** A member added with `member add` that has not started yet has no name. */
export const isUnstarted = (m: ClusterMember): boolean => m.name === '';

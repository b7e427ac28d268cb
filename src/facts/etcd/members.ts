/**
 * etcd_members: the cluster's membership as one member sees it
 * (`etcdctl member list -w json`): the cluster id, and each member with its
 * id in hex, name (empty until it has started), URLs and learner flag.
 */
import { defineFact } from '../types.js';
import { etcdctlErrors, etcdctlLine, findJsonLine, parseBigIdJson, toHexId, type EtcdctlTarget } from './etcdctl-line.js';

export interface ClusterMember {
  id: string;
  /** empty until the member has started */
  name: string;
  peer_urls: string[];
  client_urls: string[];
  is_learner: boolean;
}

export interface MembersView {
  /** hex; absent when the list could not be read */
  cluster_id?: string;
  members: ClusterMember[];
  /** why the list could not be read */
  error?: string;
}

interface MemberListJson {
  header?: { cluster_id?: string | number };
  members?: Array<{ ID: string | number; name?: string; peerURLs?: string[]; clientURLs?: string[]; isLearner?: boolean }>;
}

/** `member list -w json` output (stdout, or stdout and stderr together) to a view. */
export function parseMembersJson(text: string, rc = 0): MembersView {
  const json = findJsonLine(text, '{');
  if (!json || rc !== 0) return { members: [], error: etcdctlErrors(text).join('; ') || `etcdctl exited with ${rc}` };
  const parsed = parseBigIdJson(json) as MemberListJson;
  const view: MembersView = {
    members: (parsed.members ?? []).map((m) => ({
      id: toHexId(m.ID) ?? String(m.ID),
      name: m.name ?? '',
      peer_urls: m.peerURLs ?? [],
      client_urls: m.clientURLs ?? [],
      is_learner: m.isLearner === true,
    })),
  };
  const cluster = toHexId(parsed.header?.cluster_id);
  if (cluster) view.cluster_id = cluster;
  return view;
}

export const etcdMembers = defineFact<EtcdctlTarget, MembersView>({
  name: 'etcd_members',
  command: (t) => `${etcdctlLine(t, ['member', 'list', '-w', 'json'])} 2>&1`,
  parse: (out) => parseMembersJson(`${out.stdout}\n${out.stderr}`, out.rc),
});

/** A member added with `member add` that has not started yet has no name. */
export const isUnstarted = (m: ClusterMember): boolean => m.name === '';

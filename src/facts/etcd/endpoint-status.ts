/**
 * etcd_endpoint_status: what each endpoint says of itself
 * (`etcdctl endpoint status -w json`): its member id, the leader it
 * follows, its raft term and index, whether it is a learner; or why it did
 * not answer. The planner reads health and the leader from it, and a
 * learner's progress against the leader's raft index.
 */
import { defineFact } from '../types.js';
import { errorLines, hexId, jsonLine, parseEtcdJson } from './etcdctl.js';
import { etcdctlLine, type EtcdctlTarget } from './etcdctl-line.js';

export interface EndpointState {
  endpoint: string;
  /** hex */
  member_id?: string;
  /** hex; '0' when the member knows no leader */
  leader_id?: string;
  raft_term?: number;
  raft_index?: number;
  is_learner: boolean;
  /** the endpoint did not answer */
  error?: string;
}

interface StatusJson {
  Endpoint: string;
  Status: {
    header?: { member_id?: string | number };
    leader?: string | number;
    raftIndex?: number;
    raftTerm?: number;
    isLearner?: boolean;
  };
}

/** `endpoint status -w json` (2>&1) to one state per asked endpoint, in the order asked. */
export function parseEndpointStatus(text: string, endpoints: readonly string[]): EndpointState[] {
  const json = jsonLine(text, '[');
  const byEndpoint = new Map<string, EndpointState>();
  for (const s of json ? (parseEtcdJson(json) as StatusJson[]) : []) {
    const state: EndpointState = { endpoint: s.Endpoint, is_learner: s.Status.isLearner === true };
    const id = hexId(s.Status.header?.member_id);
    if (id) state.member_id = id;
    state.leader_id = hexId(s.Status.leader) ?? '0';
    if (s.Status.raftTerm !== undefined) state.raft_term = s.Status.raftTerm;
    if (s.Status.raftIndex !== undefined) state.raft_index = s.Status.raftIndex;
    byEndpoint.set(s.Endpoint, state);
  }
  const errors = new Map<string, string>();
  for (const line of errorLines(text)) {
    const m = /^Failed to get the status of endpoint (\S+) \((.*)\)$/.exec(line);
    if (m) errors.set(m[1] as string, m[2] as string);
  }
  const order = [...endpoints, ...[...byEndpoint.keys()].filter((e) => !endpoints.includes(e))];
  return order.map(
    (endpoint) => byEndpoint.get(endpoint) ?? { endpoint, is_learner: false, error: errors.get(endpoint) ?? 'no answer' },
  );
}

export const etcdEndpointStatus = defineFact<EtcdctlTarget, EndpointState[]>({
  name: 'etcd_endpoint_status',
  // one endpoint down makes etcdctl exit 1 and still print the others
  command: (t) => `${etcdctlLine(t, ['endpoint', 'status', '-w', 'json'])} 2>&1`,
  parse: (out, t) => parseEndpointStatus(`${out.stdout}\n${out.stderr}`, t.endpoints),
});

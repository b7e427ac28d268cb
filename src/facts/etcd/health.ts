/**
 * The cluster's health in one probe: `endpoint health`, `endpoint status`
 * and `alarm list`, batched into one shell command, and a pure parser of
 * their combined output (JSON lines mixed with etcdctl's error lines).
 */
import type { HostContext } from '../../modules/types.js';
import {
  errorLines,
  etcdctlCommand,
  hexId,
  jsonLine,
  parseEtcdJson,
  section,
  sections,
  type EtcdctlArgs,
} from './etcdctl.js';

export interface MemberHealth {
  endpoint: string;
  healthy: boolean;
  /** how long the health check took, as etcdctl prints it (`1.4ms`) */
  took?: string;
  error?: string;
  /** hex, as `etcdctl member list` prints it */
  member_id?: string;
  /** this member is the leader */
  leader: boolean;
  /** the member this one follows (hex); '0' when it knows no leader */
  leader_id?: string;
  raft_term?: number;
  raft_index?: number;
  raft_applied_index?: number;
  db_size?: number;
  db_size_in_use?: number;
  version?: string;
  is_learner: boolean;
}

export interface Alarm {
  member_id: string;
  alarm: string;
  /** the member's endpoint, when it is one of those asked */
  endpoint?: string;
}

export interface ClusterHealth {
  members: MemberHealth[];
  alarms: Alarm[];
  /** etcdctl could not run at all (not installed, bad certificate path) */
  failure?: string;
}

export function healthProbeCommand(ctx: HostContext, a: EtcdctlArgs): string {
  return [
    section('health', etcdctlCommand(ctx, a, ['endpoint', 'health', '-w', 'json'])),
    section('status', etcdctlCommand(ctx, a, ['endpoint', 'status', '-w', 'json'])),
    section('alarms', etcdctlCommand(ctx, a, ['alarm', 'list'])),
  ].join('\n');
}

interface HealthJson {
  endpoint: string;
  health: boolean;
  took?: string;
  error?: string;
}

interface StatusJson {
  Endpoint: string;
  Status: {
    header?: { member_id?: string | number; raft_term?: number };
    version?: string;
    dbSize?: number;
    dbSizeInUse?: number;
    leader?: string | number;
    raftIndex?: number;
    raftTerm?: number;
    raftAppliedIndex?: number;
    isLearner?: boolean;
  };
}

export function parseHealthProbe(stdout: string, endpoints: readonly string[]): ClusterHealth {
  const parts = sections(stdout);
  const health = parts.get('health');
  const status = parts.get('status');
  const alarms = parts.get('alarms');
  const healthJson = health ? jsonLine(health.text, '[') : undefined;
  if (!healthJson) {
    const why = health ? errorLines(health.text).join('; ') : 'no output';
    return { members: [], alarms: [], failure: why || `etcdctl exited with ${health?.rc ?? '?'}` };
  }
  const statusJson = status ? jsonLine(status.text, '[') : undefined;
  const statuses = new Map<string, StatusJson['Status']>();
  for (const s of statusJson ? (parseEtcdJson(statusJson) as StatusJson[]) : []) statuses.set(s.Endpoint, s.Status);
  const statusErrors = new Map<string, string>();
  for (const line of status ? errorLines(status.text) : []) {
    const m = /^Failed to get the status of endpoint (\S+) \((.*)\)$/.exec(line);
    if (m) statusErrors.set(m[1] as string, m[2] as string);
  }

  const byEndpoint = new Map((parseEtcdJson(healthJson) as HealthJson[]).map((h) => [h.endpoint, h]));
  // Report in the order the caller listed endpoints, not etcdctl's (it is concurrent).
  const order = [...endpoints, ...[...byEndpoint.keys()].filter((e) => !endpoints.includes(e))];
  const members = order.map((endpoint) => toMember(endpoint, byEndpoint.get(endpoint), statuses.get(endpoint), statusErrors.get(endpoint)));
  return { members, alarms: parseAlarms(alarms?.text ?? '', members) };
}

function toMember(endpoint: string, h: HealthJson | undefined, s: StatusJson['Status'] | undefined, statusError?: string): MemberHealth {
  const member: MemberHealth = { endpoint, healthy: h?.health === true, leader: false, is_learner: s?.isLearner === true };
  if (h?.took) member.took = h.took;
  const error = h?.error ?? statusError ?? (h ? undefined : 'not checked');
  if (error) member.error = error;
  if (!s) return member;
  const id = hexId(s.header?.member_id);
  const leaderId = hexId(s.leader) ?? '0';
  if (id) member.member_id = id;
  member.leader_id = leaderId;
  member.leader = id !== undefined && id === leaderId;
  if (s.raftTerm !== undefined) member.raft_term = s.raftTerm;
  if (s.raftIndex !== undefined) member.raft_index = s.raftIndex;
  if (s.raftAppliedIndex !== undefined) member.raft_applied_index = s.raftAppliedIndex;
  if (s.dbSize !== undefined) member.db_size = s.dbSize;
  if (s.dbSizeInUse !== undefined) member.db_size_in_use = s.dbSizeInUse;
  if (s.version) member.version = s.version;
  return member;
}

/** `memberID:3319814642761637952 alarm:NOSPACE` lines of `etcdctl alarm list`. */
export function parseAlarms(text: string, members: readonly MemberHealth[] = []): Alarm[] {
  const out: Alarm[] = [];
  for (const m of text.matchAll(/memberID:(\d+) alarm:([A-Z_]+)/g)) {
    const id = hexId(m[1]) ?? (m[1] as string);
    const endpoint = members.find((x) => x.member_id === id)?.endpoint;
    out.push({ member_id: id, alarm: m[2] as string, ...(endpoint ? { endpoint } : {}) });
  }
  return out;
}

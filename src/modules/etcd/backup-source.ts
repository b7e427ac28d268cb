/**
 * etcd_backup_source: which member takes the snapshot. The leader when it
 * is healthy (etcd advises a snapshot from the leader, whose data is the
 * newest), else the first healthy member; none healthy is a failure, since
 * a snapshot of a member that lost the cluster may be stale. Pure: it
 * reads a registered etcd_health result.
 */
import { ModuleError } from '../../errors.js';
import { defineModule } from '../types.js';
import { memberStates } from './restore-plan-module.js';
import type { MemberState } from './restore-plan.js';

export interface BackupHost {
  host: string;
  client_url: string;
}

export type BackupSource = { ok: true; host: string; endpoint: string; reason: string } | { ok: false; error: string };

export function chooseBackupSource(health: readonly MemberState[], hosts: readonly BackupHost[]): BackupSource {
  const byUrl = new Map(hosts.map((h) => [h.client_url, h.host]));
  const usable = health.filter((m) => m.healthy && byUrl.has(m.endpoint));
  const leader = usable.find((m) => m.leader);
  if (leader) return { ok: true, host: byUrl.get(leader.endpoint) as string, endpoint: leader.endpoint, reason: 'the leader' };
  const first = usable[0];
  if (first && health.some((m) => m.leader)) {
    return { ok: true, host: byUrl.get(first.endpoint) as string, endpoint: first.endpoint, reason: 'a healthy follower (the leader is not among the members in this run)' };
  }
  const seen = health.map((m) => `${m.endpoint} ${m.healthy ? 'healthy' : 'unhealthy'}`).join(', ') || 'no member answered';
  return { ok: false, error: `no healthy member of a cluster with a leader to take a snapshot from (${seen})` };
}

export const etcdBackupSource = defineModule<{ health: Record<string, unknown>; hosts: Record<string, string> }>({
  name: 'etcd_backup_source',
  summary: 'Choose the member an etcd snapshot is taken on: the leader when healthy (read-only)',
  description:
    '`health` is the registered result of an etcd_health task run with ignore_errors: true; `hosts` maps the members ' +
    'in the run to their client URLs. Result: host, endpoint, reason. Fails when no member is healthy or there is no leader.',
  controllerOnly: true,
  args: {
    health: { type: 'dict', required: true, description: 'The registered result of etcd_health (ignore_errors: true).' },
    hosts: { type: 'dict', required: true, description: 'inventory_hostname -> etcd_client_url of the members in the run.' },
  },
  async plan(ctx, args) {
    const { states, error } = memberStates(args.health);
    if (error) throw new ModuleError(`cannot choose a member to snapshot: the health check failed: ${error}`, {}, ctx.pos);
    const source = chooseBackupSource(states, Object.entries(args.hosts).map(([host, url]) => ({ host, client_url: String(url) })));
    if (!source.ok) throw new ModuleError(source.error, {}, ctx.pos);
    return { changed: false, result: { host: source.host, endpoint: source.endpoint, reason: source.reason }, msg: `snapshot from ${source.host}, ${source.reason}` };
  },
});

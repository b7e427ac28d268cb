/**
 * `ezplay status`: the etcd cluster's health table, changing nothing. It
 * runs the shipped playbooks/status.yml (a ping, then etcd_health from the
 * first reachable member) through the engine and prints what the health
 * check saw. Its run journal goes to a temporary folder, so the latest run
 * that `ezplay rollback` finds stays the last real one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventBus, type RunEvent } from '../engine/events.js';
import { loadCheckedPlaybook, loadHosts, Session } from '../engine/session.js';
import { PACKAGE_ROOT } from '../load/roles.js';
import { healthTable } from '../modules/etcd/judge-health.js';
import type { MemberHealth } from '../facts/etcd/health.js';
import type { FileExpiry } from '../modules/cert-expiry.js';
import { Templar } from '../template/index.js';
import { EXIT } from './exit-codes.js';
import { parseExtraVars } from './extra-vars.js';
import { chooseInventory } from './inventory-choice.js';
import { makeReporter } from './reporter-choice.js';
import { sshOpener } from './ssh-opener.js';
import { describeDownMembers, downMember, MEMBER_STATE_TASK, type DownMember } from './status-down-members.js';

export interface StatusFlags {
  inventory: string[];
  extraVars: string[];
  limit?: string;
  json?: boolean;
  color: boolean;
  verbose: number;
  acceptNewHostKeys?: boolean;
}

/** What the status run learnt, for printing. */
export interface ClusterStatus {
  healthy: boolean;
  members: MemberHealth[];
  leader: string | null;
  alarms: unknown[];
  problems: string[];
  /** hosts that did not answer the ping */
  unreachable: string[];
  /** members whose etcd does not run, with the corruption their journal names */
  down?: DownMember[];
  /** the health check could not run at all (no reachable member, no etcdctl) */
  error?: string;
  /** every certificate on the members and the controller, with its expiry */
  certificates: CertificateStatus[];
}

export interface CertificateStatus extends FileExpiry {
  /** the member's inventory name, or 'controller' */
  where: string;
}

export const STATUS_PLAYBOOK = path.join(PACKAGE_ROOT, 'playbooks', 'status.yml');
const HEALTH_TASK = 'etcd cluster health';
const MEMBER_CERTS_TASK = 'certificate expiry on the member';
const CONTROLLER_CERTS_TASK = 'certificate expiry on the controller';

export async function statusCommand(flags: StatusFlags): Promise<number> {
  const say = (s: string) => process.stderr.write(`${s}\n`);
  const write = (s: string) => process.stdout.write(`${s}\n`);
  const playbook = loadCheckedPlaybook(STATUS_PLAYBOOK);
  const inventoryPaths = await chooseInventory(flags.inventory, flags.json ? () => {} : say);
  const inventory = await loadHosts(inventoryPaths, playbook.dir);

  const bus = new EventBus();
  const seen = {
    health: undefined as Record<string, unknown> | undefined,
    unreachable: new Set<string>(),
    down: [] as DownMember[],
    certs: [] as CertificateStatus[],
  };
  bus.on((event: RunEvent) => {
    if (event.type !== 'host_result') return;
    if (event.status === 'unreachable') seen.unreachable.add(event.host);
    if (event.task === HEALTH_TASK && event.result) seen.health = event.result;
    const down = event.task === MEMBER_STATE_TASK ? downMember(event.host, event.result) : undefined;
    if (down) seen.down.push(down);
    if ((event.task === MEMBER_CERTS_TASK || event.task === CONTROLLER_CERTS_TASK) && event.result) {
      const where = event.task === CONTROLLER_CERTS_TASK ? 'controller' : event.host;
      for (const c of (event.result.certificates as FileExpiry[] | undefined) ?? []) seen.certs.push({ where, ...c });
    }
  });
  const reporter = flags.verbose > 0 && !flags.json ? await makeReporter({ ...flags, verbose: flags.verbose - 1 }, bus) : undefined;
  const journalRoot = mkdtempSync(path.join(os.tmpdir(), 'ezplay-status-'));
  const session = new Session({ journalRoot, openConnection: sshOpener({ acceptNewHostKeys: flags.acceptNewHostKeys ?? false }) });
  try {
    await session.run(playbook, {
      inventory,
      inventoryPaths,
      check: true,
      diff: false,
      limit: flags.limit,
      tags: [],
      skipTags: [],
      extraVars: parseExtraVars(flags.extraVars),
      forks: 25,
      rollback: false,
      verbosity: Math.max(0, flags.verbose - 1),
      events: bus,
      templar: new Templar(),
    });
    await reporter?.flush();
  } finally {
    await session.close();
    rmSync(journalRoot, { recursive: true, force: true });
  }

  const status = clusterStatus(seen.health, [...seen.unreachable], seen.certs);
  if (seen.down.length) status.down = seen.down;
  if (flags.json) write(JSON.stringify(status));
  else for (const line of describeStatus(status)) write(line);
  if (status.healthy && !status.certificates.some((c) => c.state === 'expired')) return EXIT.ok;
  return status.members.length === 0 && status.unreachable.length > 0 ? EXIT.hostUnreachable : EXIT.hostFailed;
}

export function clusterStatus(result: Record<string, unknown> | undefined, unreachable: string[], certificates: CertificateStatus[] = []): ClusterStatus {
  if (!result) {
    return {
      healthy: false, members: [], leader: null, alarms: [], problems: [], unreachable, certificates,
      error: unreachable.length ? 'no member answered' : 'the health check did not run',
    };
  }
  const members = (result.members as MemberHealth[] | undefined) ?? [];
  const problems = (result.problems as string[] | undefined) ?? [];
  const healthy = result.healthy === true && !result.failed;
  return {
    healthy,
    members,
    leader: (result.leader as string | null | undefined) ?? null,
    alarms: (result.alarms as unknown[] | undefined) ?? [],
    problems: healthy ? [] : problems.length ? problems : [String(result.msg ?? 'unhealthy')],
    unreachable,
    certificates,
  };
}

export function describeStatus(status: ClusterStatus): string[] {
  const lines = status.members.length ? healthTable(status.members) : [];
  if (status.unreachable.length) lines.push(`unreachable over ssh: ${status.unreachable.join(', ')}`);
  lines.push(...describeDownMembers(status.down ?? []));
  // the certificates before the verdict, so the last line says how the cluster is
  const certs = certificateLines(status.certificates);
  lines.push(...certs, ...(certs.length ? [''] : []));
  if (status.error) lines.push(`etcd cluster status unknown: ${status.error}`);
  else if (status.healthy) lines.push(`etcd cluster is healthy (${status.members.length} members, leader ${status.leader ?? '?'})`);
  else lines.push(`etcd cluster is NOT healthy: ${status.problems.join('; ')}`);
  return lines;
}

/** The certificates' table, then a warning or failure line for those due or expired. */
export function certificateLines(certs: readonly CertificateStatus[]): string[] {
  if (certs.length === 0) return [];
  const rows = [
    ['WHERE', 'CERTIFICATE', 'SUBJECT', 'EXPIRES', 'DAYS', 'STATE'],
    ...certs.map((c) => [c.where, c.path, c.subject, c.not_after.slice(0, 10), String(c.days_left), c.state === 'ok' ? 'ok' : c.state.toUpperCase()]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = ['', ...rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd())];
  const due = certs.filter((c) => c.state === 'renew');
  const expired = certs.filter((c) => c.state === 'expired');
  const name = (c: CertificateStatus) => `${c.where}:${c.path} (${c.subject})`;
  if (due.length) lines.push(`WARNING: certificates due for renewal: ${due.map(name).join(', ')}; run playbooks/etcd.yml to renew them`);
  if (expired.length) lines.push(`FAILED: expired certificates: ${expired.map(name).join(', ')}`);
  return lines;
}

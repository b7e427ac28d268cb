/**
 * For `ezplay status`: the members whose etcd does not run, from the
 * etcd_corruption task of playbooks/status.yml, and what to do about each.
 * A member whose journal names a corrupt WAL or snapshot cannot rejoin by
 * restarting: it is replaced (playbooks/etcd-replace.yml).
 */

export const MEMBER_STATE_TASK = 'etcd on each member';

export interface DownMember {
  host: string;
  /** systemctl is-active: inactive, failed, activating (restarting in a loop) */
  active: string;
  /** the journal line that names the corruption, or null */
  corruption: string | null;
}

/** From one host_result of MEMBER_STATE_TASK, the member if its etcd is down. */
export function downMember(host: string, result: Record<string, unknown> | undefined): DownMember | undefined {
  const active = typeof result?.active === 'string' ? result.active : undefined;
  if (active === undefined || active === 'active') return undefined;
  return { host, active, corruption: typeof result?.corruption === 'string' ? result.corruption : null };
}

export function describeDownMembers(down: readonly DownMember[]): string[] {
  return down.map((m) =>
    m.corruption
      ? `${m.host}: etcd is down (${m.active}) and its journal shows a corruption error: ${m.corruption}. It cannot rejoin by ` +
        `restarting: replace it with \`ezplay etcd replace ${m.host}\` (playbooks/etcd-replace.yml -e etcd_replace=${m.host})`
      : `${m.host}: etcd is down (${m.active}); its journal names no corruption: start it (systemctl start etcd) or look at journalctl -u etcd`,
  );
}

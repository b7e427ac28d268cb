/**
 * Red Hat Subscription Manager, read with its own commands and parsed
 * purely: whether the system is registered (`subscription-manager
 * identity`) and the repositories it offers (`subscription-manager repos
 * --list`).
 */
import { defineFact, FactError } from './types.js';

export interface RhsmIdentity {
  registered: boolean;
  /** the system's consumer id when registered */
  identity?: string;
}

/** `subscription-manager identity`: rc 0 and `system identity: UUID` when registered, rc 1 when not. */
export function parseRhsmIdentity(out: { stdout: string; stderr: string; rc: number }): RhsmIdentity {
  if (out.rc === 127) throw new FactError('subscription-manager is not installed on the host', out.rc);
  if (out.rc !== 0) return { registered: false };
  const m = /system identity:\s*(\S+)/i.exec(out.stdout);
  return { registered: true, ...(m ? { identity: m[1] as string } : {}) };
}

export const rhsmIdentityFact = defineFact<void, RhsmIdentity>({
  name: 'rhsm_identity',
  command: () => 'subscription-manager identity',
  parse: (out) => parseRhsmIdentity(out),
});

export interface RhsmRepo {
  id: string;
  name: string;
  url: string;
  enabled: boolean;
}

/** The `Repo ID:` blocks of `subscription-manager repos --list`. */
export function parseRhsmRepos(stdout: string): RhsmRepo[] {
  const repos: RhsmRepo[] = [];
  let current: RhsmRepo | undefined;
  for (const line of stdout.split('\n')) {
    const m = /^\s*(Repo ID|Repo Name|Repo URL|Enabled):\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value = ''] = m;
    if (key === 'Repo ID') repos.push((current = { id: value.trim(), name: '', url: '', enabled: false }));
    else if (current && key === 'Repo Name') current.name = value.trim();
    else if (current && key === 'Repo URL') current.url = value.trim();
    else if (current && key === 'Enabled') current.enabled = value.trim() === '1';
  }
  return repos;
}

export const rhsmReposFact = defineFact<void, RhsmRepo[]>({
  name: 'rhsm_repos',
  command: () => 'subscription-manager repos --list',
  parse: (out) => {
    // an unregistered system has no repositories to offer: rc 1 and "This system has no repositories available"
    if (out.rc !== 0 && !/no repositories available/i.test(out.stdout + out.stderr)) {
      throw new FactError(`subscription-manager repos --list failed: ${(out.stderr || out.stdout).trim() || `exit ${out.rc}`}`, out.rc);
    }
    return parseRhsmRepos(out.stdout);
  },
});

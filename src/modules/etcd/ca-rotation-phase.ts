/**
 * Where a CA rotation stands, from the cluster's state alone, so a rotation
 * interrupted anywhere continues from there when run again. Pure.
 *
 * The phases, each quorum-safe:
 *   1 new-ca     the new CA exists on the controller (ca-new.pem), the old
 *                one is kept under its date, and ca.pem is the bundle old + new
 *   2 trust-both every member trusts the bundle and has restarted since
 *   3 reissue    every member's certificate and the client certificate come
 *                from the new CA (no restart: etcd reloads them per handshake)
 *   4 trust-new  the new CA becomes ca.pem alone, on the controller and on
 *                every member, each restarted since
 * At rest (one CA everywhere, every certificate from it) a rotation starts
 * at phase 1.
 */

export type RotationPhase = 'at-rest' | 'new-ca' | 'trust-both' | 'reissue' | 'trust-new';

export const PHASE_NUMBER: Record<RotationPhase, number> = { 'at-rest': 0, 'new-ca': 1, 'trust-both': 2, reissue: 3, 'trust-new': 4 };

export interface ControllerCas {
  /** fingerprints of the certificates in the controller's ca.pem, in file order */
  trusted: string[];
  /** fingerprint of ca-new.pem, when a rotation has made it */
  new_ca?: string | null | undefined;
  /** fingerprint of the CA that issued each controller certificate (client.pem, etcd-<host>.pem), by path */
  issuers: Record<string, string | null>;
}

export interface MemberCas {
  /** fingerprints of the certificates the member's ca.pem holds */
  trusted: string[];
  /** etcd has (re)started since ca.pem last changed: it trusts what the file says */
  trust_loaded: boolean;
  /** fingerprint of the CA that issued the member's own certificate */
  issuer: string | null;
}

export interface PhaseVerdict {
  phase: RotationPhase;
  /** the CA being rotated to (fingerprint) */
  target: string | undefined;
  /** why the rotation is in this phase, in words */
  reason: string;
}

const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

export function detectRotationPhase(controller: ControllerCas, members: Record<string, MemberCas>): PhaseVerdict {
  const entries = Object.entries(members);
  const target = controller.new_ca ?? controller.trusted[0];
  if (!target) return { phase: 'new-ca', target, reason: 'the controller has no CA' };
  const issuedByTarget = (issuer: string | null) => issuer === target;
  const controllerCerts = Object.entries(controller.issuers);

  if (controller.new_ca) {
    const old = controller.trusted.filter((f) => f !== target);
    if (!controller.trusted.includes(target) || old.length === 0) {
      return { phase: 'new-ca', target, reason: "ca.pem on the controller is not yet the bundle of the old and the new CA" };
    }
    const notTrusting = entries.filter(([, m]) => !m.trusted.includes(target) || !old.every((f) => m.trusted.includes(f)) || !m.trust_loaded);
    if (notTrusting.length) {
      return { phase: 'trust-both', target, reason: `not trusting both CAs yet: ${notTrusting.map(([h]) => h).join(', ')}` };
    }
    const oldCerts = [...entries.filter(([, m]) => !issuedByTarget(m.issuer)).map(([h]) => h), ...controllerCerts.filter(([, i]) => !issuedByTarget(i)).map(([p]) => p)];
    if (oldCerts.length) return { phase: 'reissue', target, reason: `certificates not from the new CA yet: ${oldCerts.join(', ')}` };
    return { phase: 'trust-new', target, reason: 'every certificate comes from the new CA; the old CA is still trusted' };
  }

  // no ca-new.pem: at rest, or the controller finished phase 4 before the members did
  const stale = entries.filter(([, m]) => !same(m.trusted, [target]) || !m.trust_loaded);
  const foreign = [...entries.filter(([, m]) => !issuedByTarget(m.issuer)).map(([h]) => h), ...controllerCerts.filter(([, i]) => !issuedByTarget(i)).map(([p]) => p)];
  if (controller.trusted.length === 1 && stale.length && !foreign.length && entries.every(([, m]) => m.trusted.includes(target))) {
    return { phase: 'trust-new', target, reason: `still trusting the old CA: ${stale.map(([h]) => h).join(', ')}` };
  }
  if (controller.trusted.length === 1 && !stale.length && !foreign.length) return { phase: 'at-rest', target, reason: 'one CA everywhere' };
  return {
    phase: 'new-ca',
    target,
    reason: `the cluster is in no state a rotation leaves (${[...stale.map(([h]) => `${h} trust`), ...foreign].join(', ') || 'ca.pem holds several CAs'}); a new rotation starts from phase 1`,
  };
}

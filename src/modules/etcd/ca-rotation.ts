/**
 * etcd_ca_rotation_phase: where a CA rotation stands (ca-rotation-phase.ts),
 * from what ca_trust read on the controller and on every member. Read-only;
 * playbooks/etcd-ca-rotate.yml runs the phases from there on.
 */
import { ModuleError } from '../../errors.js';
import { defineModule, type Plan } from '../types.js';
import { detectRotationPhase, PHASE_NUMBER, type ControllerCas, type MemberCas } from './ca-rotation-phase.js';

interface TrustResult {
  trusted?: Array<{ fingerprint: string }>;
  cas?: Record<string, string | null>;
  issuers?: Record<string, string | null>;
  trust_loaded?: boolean | null;
}

interface RotationArgs {
  controller: TrustResult;
  new_ca: string;
  members: Record<string, TrustResult>;
}

export const etcdCaRotationPhase = defineModule<RotationArgs>({
  name: 'etcd_ca_rotation_phase',
  summary: 'Tell which phase of a CA rotation the cluster is in (read-only)',
  description:
    'From `ca_trust` results of the controller (its ca.pem, the new CA file `new_ca`, the certificates it issued) and of ' +
    'every member (their ca.pem, whether etcd restarted since, their certificate\'s issuer), returns phase (at-rest, ' +
    'new-ca, trust-both, reissue, trust-new), phase_number (0-4), target (the new CA\'s fingerprint) and reason.',
  args: {
    controller: { type: 'dict', required: true, description: "ca_trust's result on the controller." },
    new_ca: { type: 'path', required: true, description: 'The path of the new CA certificate on the controller (ca-new.pem).' },
    members: { type: 'dict', required: true, description: "ca_trust's result on each member, by host name." },
  },
  async plan(ctx, args): Promise<Plan> {
    const controller: ControllerCas = {
      trusted: (args.controller.trusted ?? []).map((c) => c.fingerprint),
      new_ca: args.controller.cas?.[args.new_ca] ?? null,
      issuers: args.controller.issuers ?? {},
    };
    const members: Record<string, MemberCas> = {};
    for (const [host, r] of Object.entries(args.members)) {
      if (!r || !r.trusted) throw new ModuleError(`no CA trust was read on ${host}`, {}, ctx.pos);
      members[host] = {
        trusted: r.trusted.map((c) => c.fingerprint),
        trust_loaded: r.trust_loaded === true,
        issuer: Object.values(r.issuers ?? {})[0] ?? null,
      };
    }
    const verdict = detectRotationPhase(controller, members);
    return { changed: false, result: { ...verdict, phase_number: PHASE_NUMBER[verdict.phase], msg: `CA rotation: ${verdict.phase} (${verdict.reason})` } };
  },
});

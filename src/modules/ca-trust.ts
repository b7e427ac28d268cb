/**
 * ca_trust: what a host trusts and who issued its certificates, read-only.
 * The CA rotation (playbooks/etcd-ca-rotate.yml) reads it on every member
 * and on the controller, and etcd_ca_rotation_phase decides from it where
 * the rotation stands.
 */
import { trustLoadedFact } from '../facts/etcd/trust-loaded.js';
import { issuerOf, splitBundle, type BundleCert } from '../pki/bundle.js';
import { defineModule, type Plan } from './types.js';

interface CaTrustArgs {
  trust: string;
  certs: string[];
  cas: string[];
  service?: string;
}

export const caTrustModule = defineModule<CaTrustArgs>({
  name: 'ca_trust',
  summary: 'Read the CAs a trust file holds and which CA issued some certificates (read-only)',
  description:
    'Reads `trust` (a PEM bundle: the CAs a member or client trusts), more CA files in `cas`, and the certificates in ' +
    '`certs`, and finds which of those CAs issued each certificate. With `service`, also whether that systemd ' +
    'service has started since `trust` last changed (etcd reads its trusted CAs only at start). Result: trusted ' +
    '(fingerprint, subject, not_before of each CA in `trust`), cas (fingerprint by path, null when missing), ' +
    'issuers (CA fingerprint by certificate path, null when none of them), trust_loaded.',
  args: {
    trust: { type: 'path', required: true, description: 'The trust file (ca.pem).' },
    certs: { type: 'list', elements: 'path', default: [], description: 'Certificates whose issuer to find.' },
    cas: { type: 'list', elements: 'path', default: [], description: 'More CA certificate files, e.g. a new CA not trusted yet.' },
    service: { type: 'str', description: 'A systemd service that reads `trust` at start (etcd).' },
  },
  async plan(ctx, args): Promise<Plan> {
    const text = async (path: string): Promise<string | null> => (await ctx.readFile(path))?.toString('utf8') ?? null;
    const trusted = splitBundle((await text(args.trust)) ?? '');
    const cas: Record<string, string | null> = {};
    const known: BundleCert[] = [...trusted];
    for (const path of args.cas) {
      const [first] = splitBundle((await text(path)) ?? '');
      cas[path] = first?.fingerprint ?? null;
      if (first) known.push(first);
    }
    const issuers: Record<string, string | null> = {};
    for (const path of args.certs) {
      const pem = await text(path);
      issuers[path] = pem ? issuerOf(pem, known) : null;
    }
    let trustLoaded: boolean | null = null;
    if (args.service) {
      const factArgs = { path: args.trust, service: args.service };
      const out = await ctx.probe(trustLoadedFact.command(factArgs));
      trustLoaded = trustLoadedFact.parse({ stdout: out.stdout, stderr: out.stderr, rc: out.rc }, factArgs).loaded;
    }
    return {
      changed: false,
      result: {
        trusted: trusted.map(({ fingerprint, subject, not_before }) => ({ fingerprint, subject, not_before })),
        cas,
        issuers,
        trust_loaded: trustLoaded,
      },
    };
  },
});

/**
 * cert_expiry: when the certificates in some files expire, read-only. Each
 * file may hold several certificates (a CA bundle). Never changes anything;
 * it warns for certificates inside the renewal window and, with
 * `fail_expired`, fails when one has expired. `ezplay status` shows its
 * result per member and for the controller's client certificate and CA.
 */
import { ModuleError } from '../errors.js';
import { certExpiries, type CertExpiry } from '../pki/expiry.js';
import { defineModule, type Plan } from './types.js';

interface CertExpiryArgs {
  paths: string[];
  renew_days: number;
  fail_expired: boolean;
}

export interface FileExpiry extends CertExpiry {
  path: string;
}

export const certExpiryModule = defineModule<CertExpiryArgs>({
  name: 'cert_expiry',
  summary: 'Report when certificates expire: ok, inside the renewal window, or expired (read-only)',
  description:
    'Reads each file in `paths` (PEM, one certificate or a bundle) and reports every certificate in it: subject, ' +
    'issuer, not_after, days_left, state (ok, renew when it expires within `renew_days`, expired), is_ca and its ' +
    'SHA-256 fingerprint. A missing file is listed under `missing`. Warns for certificates to renew; fails when one ' +
    'has expired and `fail_expired` is set. Result: certificates, missing, worst (ok, renew or expired).',
  args: {
    paths: { type: 'list', elements: 'path', required: true, description: 'Certificate files on the host.' },
    renew_days: { type: 'int', default: 30, description: 'Certificates expiring within this many days are due for renewal.' },
    fail_expired: { type: 'bool', default: false, description: 'Fail the task when a certificate has expired.' },
  },
  async plan(ctx, args): Promise<Plan> {
    const now = new Date();
    const certificates: FileExpiry[] = [];
    const missing: string[] = [];
    for (const path of args.paths) {
      const bytes = await ctx.readFile(path);
      if (!bytes) {
        missing.push(path);
        continue;
      }
      certificates.push(...certExpiries(bytes.toString('utf8'), now, args.renew_days).map((c) => ({ path, ...c })));
    }
    const worst = certificates.some((c) => c.state === 'expired') ? 'expired' : certificates.some((c) => c.state === 'renew') ? 'renew' : 'ok';
    const result = { certificates, missing, worst };
    for (const c of certificates.filter((x) => x.state !== 'ok')) {
      const what = `${c.path} (${c.subject}) ${c.state === 'expired' ? 'expired on' : 'expires on'} ${c.not_after.slice(0, 10)}`;
      if (c.state === 'renew') ctx.warn(`${what}, within ${args.renew_days} days: playbooks/etcd.yml renews it`);
      else if (!args.fail_expired) ctx.warn(what);
    }
    if (args.fail_expired && worst === 'expired') {
      const expired = certificates.filter((c) => c.state === 'expired').map((c) => `${c.path} (${c.subject}, ${c.not_after.slice(0, 10)})`);
      throw new ModuleError(`expired certificates: ${expired.join(', ')}`, result, ctx.pos);
    }
    return { changed: false, result };
  },
});

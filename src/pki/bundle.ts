/**
 * CA bundles: several PEM certificates in one file, as a trust file holds
 * during a CA rotation. Pure; Node's X509 parser reads them.
 */
import { X509Certificate } from 'node:crypto';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export interface BundleCert {
  pem: string;
  /** SHA-256, colon-separated hex as openssl prints it */
  fingerprint: string;
  subject: string;
  not_before: string;
}

export function splitBundle(text: string): BundleCert[] {
  const out: BundleCert[] = [];
  for (const pem of text.match(PEM_BLOCK) ?? []) {
    try {
      const cert = new X509Certificate(pem);
      out.push({ pem: `${pem}\n`, fingerprint: cert.fingerprint256, subject: cert.subject.replace(/\n/g, ', '), not_before: new Date(cert.validFrom).toISOString() });
    } catch {
      // not a certificate Node can read: it cannot be an issuer either
    }
  }
  return out;
}

/** The fingerprint of the CA among `cas` that signed the first certificate in `certPem`, or null. */
export function issuerOf(certPem: string, cas: readonly BundleCert[]): string | null {
  const [first] = certPem.match(PEM_BLOCK) ?? [];
  if (!first) return null;
  try {
    const cert = new X509Certificate(first);
    const ca = cas.find((c) => {
      const x = new X509Certificate(c.pem);
      return cert.checkIssued(x) && cert.verify(x.publicKey);
    });
    return ca?.fingerprint ?? null;
  } catch {
    return null;
  }
}

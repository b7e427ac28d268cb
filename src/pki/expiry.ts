/**
 * How long each certificate in a PEM file (a bundle during a CA rotation)
 * has left, and what that means: ok, renew (inside the renewal window) or
 * expired. Pure; read with Node's X509 parser, which needs no node-forge.
 */
import { X509Certificate } from 'node:crypto';

export type ExpiryState = 'ok' | 'renew' | 'expired';

export interface CertExpiry {
  subject: string;
  issuer: string;
  not_after: string;
  days_left: number;
  state: ExpiryState;
  is_ca: boolean;
  /** SHA-256 of the DER certificate, colon-separated upper-case hex as openssl prints it */
  fingerprint: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function expiryState(notAfter: Date, now: Date, renewDays: number): ExpiryState {
  if (notAfter.getTime() <= now.getTime()) return 'expired';
  return notAfter.getTime() - now.getTime() <= renewDays * DAY_MS ? 'renew' : 'ok';
}

const cn = (dn: string): string => /(?:^|\n)CN=([^\n]*)/.exec(dn)?.[1] ?? dn.replace(/\n/g, ', ');

/** One entry per certificate in `pem`, in file order; unreadable blocks are left out. */
export function certExpiries(pem: string, now: Date, renewDays: number): CertExpiry[] {
  const out: CertExpiry[] = [];
  for (const block of pem.match(PEM_BLOCK) ?? []) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch {
      continue;
    }
    const notAfter = new Date(cert.validTo);
    out.push({
      subject: cn(cert.subject),
      issuer: cn(cert.issuer),
      not_after: notAfter.toISOString(),
      days_left: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
      state: expiryState(notAfter, now, renewDays),
      is_ca: cert.ca,
      fingerprint: cert.fingerprint256,
    });
  }
  return out;
}

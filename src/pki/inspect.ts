/**
 * Reading a certificate back into the terms issueCert takes, so drift is a
 * comparison of like with like.
 */
import { createHash, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { PkiError } from '../errors.js';
import { readCertificate } from './build.js';
import { bytesToIp, type SubjectAltNames } from './hosts.js';
import type { ExtUsage } from './issue.js';

export interface CertName {
  commonName: string | undefined;
  organization: string | undefined;
}

export interface CertInfo {
  subject: CertName;
  issuer: CertName;
  sans: SubjectAltNames;
  /** from extKeyUsage: serverAuth -> 'server', clientAuth -> 'client' */
  usages: ExtUsage[];
  isCa: boolean;
  notBefore: Date;
  notAfter: Date;
  /** lower-case hex, as openssl prints it without colons */
  serial: string;
  /** hex, or undefined without the extension */
  subjectKeyId: string | undefined;
  authorityKeyId: string | undefined;
  /** SHA-256 of the DER certificate, hex */
  fingerprintSha256: string;
}

function readForge(certPem: string): forge.pki.Certificate {
  try {
    return readCertificate(certPem);
  } catch (cause) {
    throw new PkiError(`not a readable certificate: ${(cause as Error).message}`, { cause });
  }
}

function nameOf(name: forge.pki.Certificate['subject']): CertName {
  const field = (shortName: string): string | undefined => {
    const value = name.getField(shortName)?.value as unknown;
    return typeof value === 'string' ? forge.util.decodeUtf8(value) : undefined;
  };
  return { commonName: field('CN'), organization: field('O') };
}

interface AltName {
  type: number;
  value: string;
}

function sansOf(cert: forge.pki.Certificate): SubjectAltNames {
  const ext = cert.getExtension('subjectAltName') as { altNames?: AltName[] } | null;
  const sans: SubjectAltNames = { ips: [], dns: [] };
  for (const name of ext?.altNames ?? []) {
    if (name.type === 2) sans.dns.push(name.value.toLowerCase());
    if (name.type === 7) sans.ips.push(bytesToIp(name.value));
  }
  return sans;
}

function usagesOf(cert: forge.pki.Certificate): ExtUsage[] {
  const ext = cert.getExtension('extKeyUsage') as { serverAuth?: boolean; clientAuth?: boolean } | null;
  const usages: ExtUsage[] = [];
  if (ext?.serverAuth) usages.push('server');
  if (ext?.clientAuth) usages.push('client');
  return usages;
}

/** The key id inside an authorityKeyIdentifier extension, which forge leaves as raw DER. */
function authorityKeyIdOf(cert: forge.pki.Certificate): string | undefined {
  const ext = cert.getExtension('authorityKeyIdentifier') as { value?: string } | null;
  if (!ext?.value) return undefined;
  const seq = forge.asn1.fromDer(ext.value);
  const keyId = (seq.value as forge.asn1.Asn1[]).find((part) => part.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && part.type === 0);
  return keyId ? forge.util.bytesToHex(keyId.value as string) : undefined;
}

export function inspectCert(certPem: string): CertInfo {
  const cert = readForge(certPem);
  const ski = cert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | null;
  const der = new X509Certificate(certPem).raw;
  return {
    subject: nameOf(cert.subject),
    issuer: nameOf(cert.issuer),
    sans: sansOf(cert),
    usages: usagesOf(cert),
    isCa: (cert.getExtension('basicConstraints') as { cA?: boolean } | null)?.cA === true,
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
    serial: cert.serialNumber.toLowerCase(),
    subjectKeyId: ski?.subjectKeyIdentifier,
    authorityKeyId: authorityKeyIdOf(cert),
    fingerprintSha256: createHash('sha256').update(der).digest('hex'),
  };
}

/**
 * True when `caPem`'s key signed `certPem` and the names chain. Checked
 * natively, so it holds for any key type Node reads.
 */
export function isIssuedBy(certPem: string, caPem: string): boolean {
  try {
    const cert = new X509Certificate(certPem);
    const ca = new X509Certificate(caPem);
    return cert.checkIssued(ca) && cert.verify(ca.publicKey);
  } catch {
    return false;
  }
}

/** One line for diffs and logs: "CN 'etcd', SANs 10.0.0.1 etcd-1, usages server client, valid until 2035-01-31". */
export function describeCert(info: CertInfo): string {
  const parts = [`CN '${info.subject.commonName ?? ''}'`];
  if (info.subject.organization) parts.push(`O '${info.subject.organization}'`);
  const sans = [...info.sans.ips, ...info.sans.dns];
  if (sans.length > 0) parts.push(`SANs ${sans.join(' ')}`);
  if (info.usages.length > 0) parts.push(`usages ${info.usages.join(' ')}`);
  parts.push(`valid until ${info.notAfter.toISOString().slice(0, 10)}`);
  return parts.join(', ');
}

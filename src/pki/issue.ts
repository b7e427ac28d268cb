/**
 * Leaf certificates for etcd members and clients, signed by a CA from
 * createCa (or any RSA CA). Extensions follow what cfssl's kubeasz profiles
 * produce, so etcd, etcdctl and Go's TLS stack accept them as they accept
 * kubeasz's own.
 */
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { PkiError } from '../errors.js';
import { nameAttributes, randomSerialHex, reusableName, setValidity, signSha256, subjectKeyIdBytes, type CertPair } from './build.js';
import { ipToBytes, splitHosts } from './hosts.js';
import { forgeSigningKey, forgeSubjectKey, generateKeyPair, keyMatchesCert, type RsaBits } from './keys.js';

/** peer = a member talking to other members: both server and client. */
export type CertUsage = 'server' | 'client' | 'peer';
/** What a certificate's extKeyUsage grants, in the terms of CertUsage. */
export type ExtUsage = 'server' | 'client';

export const DEFAULT_LEAF_VALIDITY_DAYS = 3650;

export interface IssueCertOptions {
  ca: CertPair;
  commonName: string;
  organization?: string | undefined;
  /** IPv4/IPv6 addresses become iPAddress SANs, everything else dNSName */
  hosts: readonly string[];
  usages: readonly CertUsage[];
  /** default 3650 */
  validityDays?: number | undefined;
  /** RSA modulus length for a new key, default 2048 */
  keyBits?: RsaBits | undefined;
  /** an existing private key to certify; a new one is generated when absent */
  keyPem?: string | undefined;
  now?: Date | undefined;
}

/** ['peer'] -> ['server', 'client']: the usages a certificate must grant. */
export function expandUsages(usages: readonly CertUsage[]): ExtUsage[] {
  const wanted = new Set<ExtUsage>();
  for (const usage of usages) {
    if (usage === 'server' || usage === 'peer') wanted.add('server');
    if (usage === 'client' || usage === 'peer') wanted.add('client');
    if (usage !== 'server' && usage !== 'client' && usage !== 'peer') throw new PkiError(`unknown certificate usage '${String(usage)}' (server, client or peer)`);
  }
  return (['server', 'client'] as const).filter((u) => wanted.has(u));
}

/** The CA's subject key id, which becomes the leaf's authority key id (chain building matches the two). */
function caKeyId(caCert: forge.pki.Certificate): string {
  const ski = caCert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | null;
  if (ski?.subjectKeyIdentifier) return forge.util.hexToBytes(ski.subjectKeyIdentifier);
  return subjectKeyIdBytes(caCert.publicKey as forge.pki.rsa.PublicKey);
}

function readCa(ca: CertPair): { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } {
  let cert: forge.pki.Certificate;
  try {
    cert = forge.pki.certificateFromPem(ca.certPem);
  } catch (cause) {
    throw new PkiError('the CA certificate is not a readable RSA certificate', { cause });
  }
  if (!new X509Certificate(ca.certPem).ca) throw new PkiError(`'${String(cert.subject.getField('CN')?.value)}' is not a CA certificate (basicConstraints CA:FALSE)`);
  if (!keyMatchesCert(ca.keyPem, ca.certPem)) throw new PkiError('the CA key does not belong to the CA certificate');
  return { cert, key: forgeSigningKey(ca.keyPem) };
}

export async function issueCert(options: IssueCertOptions): Promise<CertPair> {
  const validityDays = options.validityDays ?? DEFAULT_LEAF_VALIDITY_DAYS;
  if (!options.commonName) throw new PkiError('a certificate needs a common name');
  if (!(validityDays > 0)) throw new PkiError(`validity must be a positive number of days, not ${validityDays}`);
  const usages = expandUsages(options.usages);
  if (usages.length === 0) throw new PkiError('a certificate needs at least one usage (server, client or peer)');
  const sans = splitHosts(options.hosts);
  const ca = readCa(options.ca);
  const keyPem = options.keyPem ?? (await generateKeyPair({ type: 'rsa', bits: options.keyBits ?? 2048 })).privateKeyPem;

  const cert = forge.pki.createCertificate();
  cert.publicKey = forgeSubjectKey(keyPem);
  cert.serialNumber = randomSerialHex();
  const now = options.now ?? new Date();
  setValidity(cert, validityDays, now);
  // a leaf never outlives its CA: verifiers would reject it from that day anyway
  if (cert.validity.notAfter > ca.cert.validity.notAfter) cert.validity.notAfter = new Date(ca.cert.validity.notAfter);
  cert.setSubject(nameAttributes(options));
  cert.setIssuer(reusableName(ca.cert.subject.attributes));

  const extensions: object[] = [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: usages.includes('server'), clientAuth: usages.includes('client') },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caKeyId(ca.cert) },
  ];
  // forge takes the address bytes in `value`; its own IPv6 text parser misreads some forms
  const altNames = [...sans.dns.map((value) => ({ type: 2, value })), ...sans.ips.map((ip) => ({ type: 7, value: ipToBytes(ip) }))];
  if (altNames.length > 0) extensions.push({ name: 'subjectAltName', altNames });
  cert.setExtensions(extensions);
  return { certPem: signSha256(cert, ca.key), keyPem };
}

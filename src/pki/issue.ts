/**
 * Leaf certificates for etcd members and clients, signed by a CA from
 * createCa (or any RSA CA). Extensions follow what cfssl's kubeasz profiles
 * produce, so etcd, etcdctl and Go's TLS stack accept them as they accept
 * kubeasz's own. The leaf key is RSA by default, or ECDSA P-256.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { PkiError } from '../errors.js';
import {
  nameAttributes, randomSerialHex, readCertificate, reusableName, setSubjectKey, setValidity, signCertificate, subjectKeyIdExtension, subjectKeyOf,
  type CertPair, type SubjectKey,
} from './build.js';
import { ipToBytes, splitHosts } from './hosts.js';
import { generateKeyObjects, parsePrivateKey, privateKeyPemOf, rsaSigningKey, type KeySpec, type RsaBits } from './keys.js';

/** peer = a member talking to other members: both server and client. */
export type CertUsage = 'server' | 'client' | 'peer';
/** What a certificate's extKeyUsage grants, in the terms of CertUsage. */
export type ExtUsage = 'server' | 'client';

import { DEFAULT_LEAF_VALIDITY_DAYS } from './defaults.js';

export { DEFAULT_LEAF_VALIDITY_DAYS };

export type LeafKeyType = 'rsa' | 'ecdsa';

export interface IssueCertOptions {
  ca: CertPair;
  commonName: string;
  organization?: string | undefined;
  /** IPv4/IPv6 addresses become iPAddress SANs, everything else dNSName */
  hosts: readonly string[];
  usages: readonly CertUsage[];
  /** default 3650 */
  validityDays?: number | undefined;
  /** the type of a new key: 'rsa' (default) or 'ecdsa' (P-256) */
  keyType?: LeafKeyType | undefined;
  /** RSA modulus length for a new RSA key, default 2048 */
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
function caKeyId(caCert: forge.pki.Certificate, caX509: X509Certificate): string {
  const ski = caCert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | null;
  if (ski?.subjectKeyIdentifier) return forge.util.hexToBytes(ski.subjectKeyIdentifier);
  return subjectKeyOf(caX509.publicKey).keyId;
}

interface SigningCa {
  cert: forge.pki.Certificate;
  keyId: string;
  key: KeyObject;
}

/** Reads the CA once: the certificate for its name, expiry and key id, the key parsed for signing. */
function readCa(ca: CertPair): SigningCa {
  let cert: forge.pki.Certificate;
  let x509: X509Certificate;
  try {
    cert = readCertificate(ca.certPem);
    x509 = new X509Certificate(ca.certPem);
  } catch (cause) {
    throw new PkiError('the CA certificate is not a readable certificate', { cause });
  }
  if (!x509.ca) throw new PkiError(`'${String(cert.subject.getField('CN')?.value)}' is not a CA certificate (basicConstraints CA:FALSE)`);
  const key = parsePrivateKey(ca.keyPem);
  if (!x509.checkPrivateKey(key)) throw new PkiError('the CA key does not belong to the CA certificate');
  return { cert, keyId: caKeyId(cert, x509), key: rsaSigningKey(key) };
}

function newKeySpec(options: IssueCertOptions): KeySpec {
  const type = options.keyType ?? 'rsa';
  if (type === 'rsa') return { type: 'rsa', bits: options.keyBits ?? 2048 };
  if (type === 'ecdsa') return { type: 'ecdsa', curve: 'P-256' };
  throw new PkiError(`unknown key type '${String(type)}' (rsa or ecdsa)`);
}

/** The subject key of a leaf: RSA, or ECDSA on P-256 (prime256v1). */
function leafSubjectKey(key: KeyObject): SubjectKey {
  const subject = subjectKeyOf(key);
  const { description } = subject;
  if (description.type === 'rsa' || (description.type === 'ecdsa' && description.curve === 'prime256v1')) return subject;
  throw new PkiError(`certificates are issued for RSA and ECDSA P-256 keys only; this one is ${description.label}`);
}

export async function issueCert(options: IssueCertOptions): Promise<CertPair> {
  const validityDays = options.validityDays ?? DEFAULT_LEAF_VALIDITY_DAYS;
  if (!options.commonName) throw new PkiError('a certificate needs a common name');
  if (!(validityDays > 0)) throw new PkiError(`validity must be a positive number of days, not ${validityDays}`);
  const usages = expandUsages(options.usages);
  if (usages.length === 0) throw new PkiError('a certificate needs at least one usage (server, client or peer)');
  const sans = splitHosts(options.hosts);
  // a new key does not depend on the CA: it is generated on the threadpool while the CA is read and the certificate laid out
  const generated = options.keyPem === undefined ? generateKeyObjects(newKeySpec(options)) : undefined;
  // handled here so that an unusable CA, thrown first, leaves no unhandled rejection behind
  generated?.catch(() => undefined);
  const ca = readCa(options.ca);

  const cert = forge.pki.createCertificate();
  cert.serialNumber = randomSerialHex();
  const now = options.now ?? new Date();
  setValidity(cert, validityDays, now);
  // a leaf never outlives its CA: verifiers would reject it from that day anyway
  if (cert.validity.notAfter > ca.cert.validity.notAfter) cert.validity.notAfter = new Date(ca.cert.validity.notAfter);
  cert.setSubject(nameAttributes(options));
  cert.setIssuer(reusableName(ca.cert.subject.attributes));
  // forge takes the address bytes in `value`; its own IPv6 text parser misreads some forms
  const altNames = [...sans.dns.map((value) => ({ type: 2, value })), ...sans.ips.map((ip) => ({ type: 7, value: ipToBytes(ip) }))];

  const privateKey = generated === undefined ? parsePrivateKey(options.keyPem as string) : (await generated).privateKey;
  const subject = leafSubjectKey(privateKey);
  setSubjectKey(cert, subject);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false, critical: true },
    // keyEncipherment is for RSA key transport; RFC 5480 allows no such use of an EC key
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: subject.description.type === 'rsa', critical: true },
    { name: 'extKeyUsage', serverAuth: usages.includes('server'), clientAuth: usages.includes('client') },
    subjectKeyIdExtension(subject),
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.keyId },
  ];
  if (altNames.length > 0) extensions.push({ name: 'subjectAltName', altNames });
  cert.setExtensions(extensions);
  return { certPem: signCertificate(cert, subject, ca.key), keyPem: options.keyPem ?? privateKeyPemOf(privateKey) };
}

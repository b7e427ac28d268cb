/**
 * What CA and leaf certificates share: serials, names, validity and the
 * signature. Kept apart from the two issuers so both sign the same way.
 */
import { randomBytes } from 'node:crypto';
import forge from 'node-forge';

/** Backdating notBefore absorbs clock skew between the controller and the hosts. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface CertPair {
  certPem: string;
  /** PKCS#8 private key */
  keyPem: string;
}

export interface SubjectName {
  commonName: string;
  organization?: string | undefined;
}

/**
 * A positive 16-byte serial. The top bit is cleared so the DER INTEGER is
 * positive, and the first byte is never zero so the encoding stays minimal
 * (Go's x509 parser, which etcd uses, rejects non-minimal integers).
 */
export function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

/**
 * Names are UTF8String: forge's default PrintableString cannot hold `_` or
 * non-ASCII text, and Go's x509 parser rejects such a PrintableString.
 */
export function nameAttributes(name: SubjectName): forge.pki.CertificateField[] {
  // @types/node-forge types valueTagClass as a Class; forge stores the ASN.1 Type there
  const utf8 = forge.asn1.Type.UTF8 as number as forge.asn1.Class;
  const attrs: forge.pki.CertificateField[] = [{ shortName: 'CN', value: name.commonName, valueTagClass: utf8 }];
  if (name.organization) attrs.push({ shortName: 'O', value: name.organization, valueTagClass: utf8 });
  return attrs;
}

/**
 * A parsed name made fit to write again. forge parses UTF8String values as
 * raw bytes but encodes them on writing, so they are decoded here; without
 * this a non-ASCII CA name would no longer match the issuer of its leaves.
 */
export function reusableName(attributes: readonly forge.pki.CertificateField[]): forge.pki.CertificateField[] {
  return attributes.map((attr) =>
    (attr.valueTagClass as number | undefined) === forge.asn1.Type.UTF8 && typeof attr.value === 'string'
      ? { ...attr, value: forge.util.decodeUtf8(attr.value) }
      : { ...attr },
  );
}

export function setValidity(cert: forge.pki.Certificate, validityDays: number, now: Date): void {
  cert.validity.notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  cert.validity.notAfter = new Date(now.getTime() + validityDays * DAY_MS);
}

/** SHA-1 of the subjectPublicKey bits, as RFC 5280 4.2.1.2 method (1) and as OpenSSL and cfssl compute it. */
export function subjectKeyIdBytes(publicKey: forge.pki.rsa.PublicKey): string {
  return forge.pki.getPublicKeyFingerprint(publicKey, { type: 'RSAPublicKey', md: forge.md.sha1.create(), encoding: 'binary' }) as string;
}

export function signSha256(cert: forge.pki.Certificate, signingKey: forge.pki.rsa.PrivateKey): string {
  cert.sign(signingKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

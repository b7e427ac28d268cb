/**
 * What CA and leaf certificates share: serials, names, validity, the subject
 * key and the signature. Kept apart from the two issuers so both sign the
 * same way. forge lays out the certificate; Node encodes keys and signs.
 */
import { constants, createHash, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { PkiError } from '../errors.js';
import { describeKey, type KeyDescription } from './keys.js';

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

/** A subject's public key, as a certificate carries it. */
export interface SubjectKey {
  /** the SubjectPublicKeyInfo as Node encodes it, for any key type */
  spki: forge.asn1.Asn1;
  /**
   * SHA-1 of the subjectPublicKey bits (binary string): RFC 5280 4.2.1.2
   * method (1), as OpenSSL and cfssl compute the subject key id
   */
  keyId: string;
  description: KeyDescription;
  /** forge's form of an RSA key; undefined for key types forge cannot encode */
  forgeKey: forge.pki.rsa.PublicKey | undefined;
}

/** The public half of `key` (a private key gives its public half) in the forms a certificate needs. */
export function subjectKeyOf(key: KeyObject): SubjectKey {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  const spki = forge.asn1.fromDer(publicKey.export({ type: 'spki', format: 'der' }).toString('binary'));
  const [, bits] = spki.value as forge.asn1.Asn1[];
  // forge keeps a BIT STRING's raw contents: the unused-bits count, then the key bytes
  const contents = (bits as { bitStringContents?: string } | undefined)?.bitStringContents;
  if (contents === undefined) throw new PkiError('the public key has no subjectPublicKey bits');
  const keyId = createHash('sha1').update(Buffer.from(contents.slice(1), 'binary')).digest('binary');
  const description = describeKey(publicKey);
  const forgeKey = description.type === 'rsa' ? forge.pki.publicKeyFromAsn1(spki) : undefined;
  return { spki, keyId, description, forgeKey };
}

/**
 * forge writes cert.publicKey into the TBSCertificate and encodes RSA keys
 * only. A key of another type is represented by this stand-in until
 * signCertificate puts the key's own SubjectPublicKeyInfo in its place.
 */
const NON_RSA_STAND_IN = forge.pki.setRsaPublicKey(new forge.jsbn.BigInteger('1'), new forge.jsbn.BigInteger('1'));

/** Where the SubjectPublicKeyInfo sits in a TBSCertificate: after the optional explicit version, serialNumber, signature, issuer, validity, subject. */
function spkiIndex(tbs: forge.asn1.Asn1): number {
  const [first] = tbs.value as forge.asn1.Asn1[];
  return first?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && (first.type as number) === 0 ? 6 : 5;
}

/**
 * A certificate as forge reads it, for its names, validity and extensions.
 * forge reads RSA keys only, so a certificate for another key type is read
 * with the stand-in in its key's place: its key is read with Node.
 */
export function readCertificate(certPem: string): forge.pki.Certificate {
  const [pem] = forge.pem.decode(certPem);
  if (pem?.type !== 'CERTIFICATE') throw new Error('no CERTIFICATE PEM block');
  const asn = forge.asn1.fromDer(pem.body);
  const tbs = (asn.value as forge.asn1.Asn1[])[0];
  const spki = tbs && Array.isArray(tbs.value) ? tbs.value[spkiIndex(tbs)] : undefined;
  const algorithm = (spki?.value as forge.asn1.Asn1[] | undefined)?.[0]?.value as forge.asn1.Asn1[] | undefined;
  const oid = algorithm?.[0]?.value;
  if (tbs && typeof oid === 'string' && forge.asn1.derToOid(oid) !== forge.pki.oids['rsaEncryption']) {
    (tbs.value as forge.asn1.Asn1[])[spkiIndex(tbs)] = forge.pki.publicKeyToAsn1(NON_RSA_STAND_IN);
  }
  return forge.pki.certificateFromAsn1(asn);
}

export function setSubjectKey(cert: forge.pki.Certificate, subject: SubjectKey): void {
  cert.publicKey = subject.forgeKey ?? NON_RSA_STAND_IN;
}

/** The subjectKeyIdentifier extension with the id computed from the key itself (forge would derive it from cert.publicKey). */
export function subjectKeyIdExtension(subject: SubjectKey): object {
  return {
    name: 'subjectKeyIdentifier',
    value: forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.OCTETSTRING, false, subject.keyId),
  };
}

// forge.pki.getTBSCertificate exists in node-forge but not in @types/node-forge
const getTbsCertificate = (forge.pki as unknown as { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate;

/**
 * Signs sha256WithRSAEncryption (RSASSA-PKCS1-v1_5, as forge and OpenSSL
 * sign certificates) with Node's crypto and returns the certificate PEM.
 * forge builds the TBSCertificate; its SubjectPublicKeyInfo is the subject
 * key as Node encodes it, which for RSA keys is the same DER forge writes.
 */
export function signCertificate(cert: forge.pki.Certificate, subject: SubjectKey, signingKey: KeyObject): string {
  const oid = forge.pki.oids['sha256WithRSAEncryption'];
  if (oid === undefined) throw new PkiError('forge knows no OID for sha256WithRSAEncryption');
  cert.siginfo.algorithmOid = oid;
  cert.signatureOid = oid;
  const tbs = getTbsCertificate(cert);
  (tbs.value as forge.asn1.Asn1[])[spkiIndex(tbs)] = subject.spki;
  const tbsDer = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign('sha256', tbsDer, { key: signingKey, padding: constants.RSA_PKCS1_PADDING });
  cert.tbsCertificate = tbs;
  cert.signature = signature.toString('binary');
  return forge.pki.certificateToPem(cert);
}

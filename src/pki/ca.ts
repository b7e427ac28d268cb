/**
 * A self-signed certificate authority for a cluster's TLS. Ten years by
 * default: kubeasz gives its CA a hundred, but a CA nobody ever rotates is
 * a CA whose key nobody remembers the location of.
 */
import forge from 'node-forge';
import { PkiError } from '../errors.js';
import { nameAttributes, randomSerialHex, setSubjectKey, setValidity, signCertificate, subjectKeyIdExtension, subjectKeyOf, type CertPair } from './build.js';
import { generateKeyObjects, privateKeyPemOf, type RsaBits } from './keys.js';

import { DEFAULT_CA_VALIDITY_DAYS } from './defaults.js';

export { DEFAULT_CA_VALIDITY_DAYS };

export interface CreateCaOptions {
  commonName: string;
  organization?: string | undefined;
  /** default 3650 (ten years) */
  validityDays?: number | undefined;
  /** RSA modulus length, default 2048 */
  keyBits?: RsaBits | undefined;
  /** the clock, for tests; default now */
  now?: Date | undefined;
}

export async function createCa(options: CreateCaOptions): Promise<CertPair> {
  const validityDays = options.validityDays ?? DEFAULT_CA_VALIDITY_DAYS;
  if (!options.commonName) throw new PkiError('a CA needs a common name');
  if (!(validityDays > 0)) throw new PkiError(`validity must be a positive number of days, not ${validityDays}`);
  const { privateKey, publicKey } = await generateKeyObjects({ type: 'rsa', bits: options.keyBits ?? 2048 });
  const subject = subjectKeyOf(publicKey);

  const cert = forge.pki.createCertificate();
  setSubjectKey(cert, subject);
  cert.serialNumber = randomSerialHex();
  setValidity(cert, validityDays, options.now ?? new Date());
  const name = nameAttributes(options);
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    // no pathLenConstraint: the CA signs leaves only, but an intermediate later must stay possible
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    subjectKeyIdExtension(subject),
    { name: 'authorityKeyIdentifier', keyIdentifier: subject.keyId },
  ]);
  return { certPem: signCertificate(cert, subject, privateKey), keyPem: privateKeyPemOf(privateKey) };
}

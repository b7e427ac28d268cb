/**
 * Private keys. Generation uses Node's native crypto: node-forge's pure-JS
 * RSA generation takes seconds per key, which adds up to minutes for a
 * cluster's worth of member certificates. Keys travel as PKCS#8 PEM; forge
 * objects are made from them only where forge has to sign.
 */
import { createPrivateKey, createPublicKey, generateKeyPair as generateNativeKeyPair, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { PkiError } from '../errors.js';

export type RsaBits = 2048 | 4096;

export type KeySpec = { type: 'rsa'; bits: RsaBits } | { type: 'ecdsa'; curve: 'P-256' };

export interface KeyPairPem {
  /** PKCS#8 ('-----BEGIN PRIVATE KEY-----') */
  privateKeyPem: string;
  /** SubjectPublicKeyInfo ('-----BEGIN PUBLIC KEY-----') */
  publicKeyPem: string;
}

/** What a key is, in words safe to show: never its content. */
export interface KeyDescription {
  type: 'rsa' | 'ecdsa' | 'other';
  /** RSA modulus length */
  bits?: number;
  /** ECDSA named curve, as Node names it (prime256v1) */
  curve?: string;
  /** 'RSA 2048', 'ECDSA prime256v1' */
  label: string;
}

const PEM_ENCODING = {
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
} as const;

/** crypto.generateKeyPair with PEM output, as a promise (util.promisify loses the PEM overload's types). */
function generatePem(spec: { type: 'rsa'; modulusLength: number } | { type: 'ec'; namedCurve: string }): Promise<KeyPairPem> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, publicKeyPem: string, privateKeyPem: string): void => {
      if (error) reject(new PkiError(`key generation failed: ${error.message}`, { cause: error }));
      else resolve({ privateKeyPem, publicKeyPem });
    };
    if (spec.type === 'rsa') generateNativeKeyPair('rsa', { modulusLength: spec.modulusLength, ...PEM_ENCODING }, done);
    else generateNativeKeyPair('ec', { namedCurve: spec.namedCurve, ...PEM_ENCODING }, done);
  });
}

export const DEFAULT_KEY: KeySpec = { type: 'rsa', bits: 2048 };

/** Generates a key pair off the event loop, so planning many hosts stays concurrent. */
export async function generateKeyPair(spec: KeySpec = DEFAULT_KEY): Promise<KeyPairPem> {
  if (spec.type === 'rsa') {
    if (spec.bits !== 2048 && spec.bits !== 4096) throw new PkiError(`RSA key size must be 2048 or 4096, not ${String(spec.bits)}`);
    return generatePem({ type: 'rsa', modulusLength: spec.bits });
  }
  if (spec.type === 'ecdsa' && spec.curve === 'P-256') {
    return generatePem({ type: 'ec', namedCurve: 'P-256' });
  }
  throw new PkiError(`unsupported key type ${JSON.stringify(spec)}`);
}

function parsePrivateKey(keyPem: string) {
  try {
    return createPrivateKey(keyPem);
  } catch (cause) {
    throw new PkiError('not a readable unencrypted private key (PEM)', { cause });
  }
}

export function describePrivateKey(keyPem: string): KeyDescription {
  const key = parsePrivateKey(keyPem);
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength;
    return { type: 'rsa', ...(bits !== undefined && { bits }), label: `RSA ${bits ?? '?'}` };
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = details.namedCurve;
    return { type: 'ecdsa', ...(curve !== undefined && { curve }), label: `ECDSA ${curve ?? '?'}` };
  }
  return { type: 'other', label: String(key.asymmetricKeyType ?? 'unknown').toUpperCase() };
}

/** The public half of a private key, as SubjectPublicKeyInfo PEM. */
export function publicKeyPemOf(keyPem: string): string {
  return createPublicKey(parsePrivateKey(keyPem)).export({ type: 'spki', format: 'pem' }).toString();
}

/** True when the private key is the one whose public half the certificate carries. */
export function keyMatchesCert(keyPem: string, certPem: string): boolean {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (cause) {
    throw new PkiError('not a readable certificate (PEM)', { cause });
  }
  return cert.checkPrivateKey(parsePrivateKey(keyPem));
}

/**
 * A forge key for signing. forge signs with RSA only, so every key that
 * signs a certificate here (the CA's) must be RSA.
 */
export function forgeSigningKey(keyPem: string): forge.pki.rsa.PrivateKey {
  const description = describePrivateKey(keyPem);
  if (description.type !== 'rsa') throw new PkiError(`signing needs an RSA key; this one is ${description.label}`);
  // forge reads PKCS#1 and unencrypted PKCS#8; Node re-exports PKCS#1 so any RSA PEM Node reads works
  const pkcs1 = parsePrivateKey(keyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
  return forge.pki.privateKeyFromPem(pkcs1) as forge.pki.rsa.PrivateKey;
}

/** A forge public key for a certificate's subject; RSA only, as forge encodes no other kind. */
export function forgeSubjectKey(keyPem: string): forge.pki.rsa.PublicKey {
  const description = describePrivateKey(keyPem);
  if (description.type !== 'rsa') throw new PkiError(`certificates are issued for RSA keys only; this one is ${description.label}`);
  return forge.pki.publicKeyFromPem(publicKeyPemOf(keyPem)) as forge.pki.rsa.PublicKey;
}

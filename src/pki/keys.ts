/**
 * Private keys. Generation and signing use Node's native crypto: node-forge's
 * pure-JS RSA takes seconds to generate a key and tens of milliseconds to
 * sign with one. Keys travel as PKCS#8 PEM and are parsed once into a
 * KeyObject where they are used.
 */
import { createPrivateKey, createPublicKey, generateKeyPair as generateNativeKeyPair, X509Certificate, type KeyObject } from 'node:crypto';
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

export interface KeyPairObjects {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** crypto.generateKeyPair as a promise of KeyObjects; the work runs on libuv's threadpool. */
function generateNative(spec: { type: 'rsa'; modulusLength: number } | { type: 'ec'; namedCurve: string }): Promise<KeyPairObjects> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, publicKey: KeyObject, privateKey: KeyObject): void => {
      if (error) reject(new PkiError(`key generation failed: ${error.message}`, { cause: error }));
      else resolve({ privateKey, publicKey });
    };
    if (spec.type === 'rsa') generateNativeKeyPair('rsa', { modulusLength: spec.modulusLength }, done);
    else generateNativeKeyPair('ec', { namedCurve: spec.namedCurve }, done);
  });
}

export const DEFAULT_KEY: KeySpec = { type: 'rsa', bits: 2048 };

function nativeSpec(spec: KeySpec): { type: 'rsa'; modulusLength: number } | { type: 'ec'; namedCurve: string } {
  if (spec.type === 'rsa') {
    if (spec.bits !== 2048 && spec.bits !== 4096) throw new PkiError(`RSA key size must be 2048 or 4096, not ${String(spec.bits)}`);
    return { type: 'rsa', modulusLength: spec.bits };
  }
  if (spec.type === 'ecdsa' && spec.curve === 'P-256') return { type: 'ec', namedCurve: 'P-256' };
  throw new PkiError(`unsupported key type ${JSON.stringify(spec)}`);
}

/**
 * One RSA key generated ahead per size. RSA generation takes 35-360 ms at
 * random, and a run that needs one key usually needs more right after (a
 * CA, a certificate per member, a client certificate), so each RSA key
 * handed out starts the next one on an idle thread. A spare lives only in
 * this process's memory and is handed out once; a failed spare is dropped
 * and the caller generates its own.
 */
const spares = new Map<number, Promise<KeyPairObjects>>();

function generateAhead(modulusLength: number): void {
  const next = generateNative({ type: 'rsa', modulusLength });
  next.catch(() => spares.delete(modulusLength));
  spares.set(modulusLength, next);
}

/** Generates a key pair off the event loop, so planning many hosts stays concurrent. */
export async function generateKeyObjects(spec: KeySpec = DEFAULT_KEY): Promise<KeyPairObjects> {
  const native = nativeSpec(spec);
  if (native.type !== 'rsa') return generateNative(native);
  const spare = spares.get(native.modulusLength);
  spares.delete(native.modulusLength);
  generateAhead(native.modulusLength);
  if (spare) {
    try {
      return await spare;
    } catch {
      // fall through to a key of its own
    }
  }
  return generateNative(native);
}

/** The PKCS#8 PEM of a private key. */
export function privateKeyPemOf(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Generates a key pair off the event loop, as PEM. */
export async function generateKeyPair(spec: KeySpec = DEFAULT_KEY): Promise<KeyPairPem> {
  const { privateKey, publicKey } = await generateKeyObjects(spec);
  return { privateKeyPem: privateKeyPemOf(privateKey), publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Parses a private key PEM (PKCS#8, PKCS#1 or SEC1, unencrypted). */
export function parsePrivateKey(keyPem: string): KeyObject {
  try {
    return createPrivateKey(keyPem);
  } catch (cause) {
    throw new PkiError('not a readable unencrypted private key (PEM)', { cause });
  }
}

export function describePrivateKey(keyPem: string): KeyDescription {
  return describeKey(parsePrivateKey(keyPem));
}

/** describePrivateKey for a key already parsed (private or public). */
export function describeKey(key: KeyObject): KeyDescription {
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
 * The key a CA signs with. Certificates are signed sha256WithRSAEncryption,
 * so the key must be RSA.
 */
export function rsaSigningKey(key: KeyObject): KeyObject {
  const description = describeKey(key);
  if (description.type !== 'rsa') throw new PkiError(`signing needs an RSA key; this one is ${description.label}`);
  return key;
}

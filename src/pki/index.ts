/** The PKI layer: pure functions from options to PEM text; no file I/O, nothing of the engine. */
export { createCa, DEFAULT_CA_VALIDITY_DAYS, type CreateCaOptions } from './ca.js';
export { CLOCK_SKEW_MS, type CertPair, type SubjectName } from './build.js';
export { canonicalIp, splitHosts, type SubjectAltNames } from './hosts.js';
export { describeCert, inspectCert, isIssuedBy, type CertInfo, type CertName } from './inspect.js';
export { DEFAULT_LEAF_VALIDITY_DAYS, expandUsages, issueCert, type CertUsage, type ExtUsage, type IssueCertOptions, type LeafKeyType } from './issue.js';
export { describePrivateKey, generateKeyPair, keyMatchesCert, publicKeyPemOf, type KeyDescription, type KeyPairPem, type KeySpec, type RsaBits } from './keys.js';
export { certMatches, DEFAULT_RENEW_BEFORE_DAYS, setDrift, type CertMatch, type WantedCert } from './match.js';
export { isPrivateKeyPem, redactPrivateKeys, REDACTED_KEY_BODY } from './redact.js';

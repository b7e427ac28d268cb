import { X509Certificate } from 'node:crypto';
import test from 'ava';
import { CLOCK_SKEW_MS, createCa, describePrivateKey, inspectCert, keyMatchesCert } from '../../../src/pki/index.js';
import { runOk, withFiles } from './tools.js';

const now = new Date('2030-06-01T12:00:00Z');
const DAY_MS = 86_400_000;

test('a CA is self-signed, marked CA:TRUE and valid for ten years by default', async (t) => {
  const ca = await createCa({ commonName: 'etcd-ca', organization: 'k8s', now });
  const x509 = new X509Certificate(ca.certPem);
  t.true(x509.ca);
  t.true(x509.checkIssued(x509));
  t.true(x509.verify(x509.publicKey));
  t.true(keyMatchesCert(ca.keyPem, ca.certPem));
  t.is(describePrivateKey(ca.keyPem).label, 'RSA 2048');

  const info = inspectCert(ca.certPem);
  t.deepEqual(info.subject, { commonName: 'etcd-ca', organization: 'k8s' });
  t.deepEqual(info.issuer, info.subject);
  t.true(info.isCa);
  t.is(info.notBefore.getTime(), now.getTime() - CLOCK_SKEW_MS);
  t.is(info.notAfter.getTime(), now.getTime() + 3650 * DAY_MS);
  t.truthy(info.subjectKeyId);
  t.is(info.authorityKeyId, info.subjectKeyId);
});

test('validity and key size are honoured', async (t) => {
  const ca = await createCa({ commonName: 'short', validityDays: 30, keyBits: 4096, now });
  t.is(inspectCert(ca.certPem).notAfter.getTime(), now.getTime() + 30 * DAY_MS);
  t.is(describePrivateKey(ca.keyPem).bits, 4096);
  await t.throwsAsync(createCa({ commonName: 'bad', validityDays: 0 }));
  await t.throwsAsync(createCa({ commonName: '' }));
});

test('names outside PrintableString survive (UTF8String)', async (t) => {
  const ca = await createCa({ commonName: 'ézplay_CA', organization: 'Zürich Ops' });
  t.deepEqual(inspectCert(ca.certPem).subject, { commonName: 'ézplay_CA', organization: 'Zürich Ops' });
  t.regex(new X509Certificate(ca.certPem).subject, /CN=ézplay_CA/);
});

test('openssl reads the CA as a CA with keyCertSign', async (t) => {
  const ca = await createCa({ commonName: 'etcd-ca' });
  const text = withFiles({ 'ca.pem': ca.certPem }, (p) => runOk('openssl', ['x509', '-in', p['ca.pem'] ?? '', '-noout', '-text']));
  t.regex(text, /CA:TRUE/);
  t.regex(text, /Certificate Sign, CRL Sign/);
  t.regex(text, /sha256WithRSAEncryption/);
});

import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import test from 'ava';
import forge from 'node-forge';
import { PkiError } from '../../../src/errors.js';
import { CLOCK_SKEW_MS, createCa, generateKeyPair, inspectCert, issueCert, type CertPair } from '../../../src/pki/index.js';
import { run, runOk, withFiles } from './tools.js';

const now = new Date('2030-06-01T12:00:00Z');
const DAY_MS = 86_400_000;
let ca: CertPair;
let otherCa: CertPair;

test.before(async () => {
  [ca, otherCa] = await Promise.all([createCa({ commonName: 'etcd-ca', organization: 'k8s' }), createCa({ commonName: 'other-ca' })]);
});

const hosts = ['10.0.0.1', 'etcd-1.lab', '::1', 'LOCALHOST', '2001:DB8:0:0:0:0:0:1', '10.0.0.1'];

test('IPs become iPAddress SANs and names dNSName SANs, de-duplicated', async (t) => {
  const leaf = await issueCert({ ca, commonName: 'etcd-1', hosts, usages: ['server'] });
  t.deepEqual(inspectCert(leaf.certPem).sans, { ips: ['10.0.0.1', '::1', '2001:db8::1'], dns: ['etcd-1.lab', 'localhost'] });
  const alt = new X509Certificate(leaf.certPem).subjectAltName ?? '';
  t.true(alt.includes('IP Address:10.0.0.1'));
  t.true(alt.includes('DNS:etcd-1.lab'));
  t.false(alt.includes('DNS:10.0.0.1'));
});

test('the chain verifies with Node: issued by the CA, signed by its key, not by another', async (t) => {
  const leaf = await issueCert({ ca, commonName: 'etcd-1', hosts, usages: ['peer'] });
  const x509 = new X509Certificate(leaf.certPem);
  const caX509 = new X509Certificate(ca.certPem);
  t.true(x509.checkIssued(caX509));
  t.true(x509.verify(caX509.publicKey));
  t.false(x509.verify(new X509Certificate(otherCa.certPem).publicKey));
  t.false(x509.ca);
  const info = inspectCert(leaf.certPem);
  t.is(info.authorityKeyId, inspectCert(ca.certPem).subjectKeyId);
  t.not(info.subjectKeyId, info.authorityKeyId);
});

test('usages map to extKeyUsage; peer means both', async (t) => {
  const cases: Array<[Parameters<typeof issueCert>[0]['usages'], string[]]> = [
    [['server'], ['server']],
    [['client'], ['client']],
    [['peer'], ['server', 'client']],
    [['client', 'server'], ['server', 'client']],
  ];
  for (const [usages, expected] of cases) {
    const leaf = await issueCert({ ca, commonName: 'u', hosts: [], usages });
    t.deepEqual(inspectCert(leaf.certPem).usages, expected, usages.join(','));
  }
  await t.throwsAsync(issueCert({ ca, commonName: 'u', hosts: [], usages: [] }), { instanceOf: PkiError });
});

test('validity: backdated for clock skew, capped at the CA expiry, random positive serials', async (t) => {
  const leaf = await issueCert({ ca, commonName: 'v', hosts: [], usages: ['client'], validityDays: 365, now });
  const info = inspectCert(leaf.certPem);
  t.is(info.notBefore.getTime(), now.getTime() - CLOCK_SKEW_MS);
  t.is(info.notAfter.getTime(), now.getTime() + 365 * DAY_MS);
  const shortCa = await createCa({ commonName: 'short-ca', validityDays: 10, now });
  const capped = await issueCert({ ca: shortCa, commonName: 'v', hosts: [], usages: ['client'], validityDays: 365, now });
  t.is(inspectCert(capped.certPem).notAfter.getTime(), inspectCert(shortCa.certPem).notAfter.getTime());
  t.regex(info.serial, /^[0-7][0-9a-f]{31}$/);
  t.not(info.serial, inspectCert(capped.certPem).serial);
});

test('a given key is certified as it is, so reissuing does not rotate it', async (t) => {
  const { privateKeyPem } = await generateKeyPair({ type: 'rsa', bits: 2048 });
  const leaf = await issueCert({ ca, commonName: 'k', hosts: [], usages: ['server'], keyPem: privateKeyPem });
  t.is(leaf.keyPem, privateKeyPem);
  const fresh = await issueCert({ ca, commonName: 'k', hosts: [], usages: ['server'] });
  t.not(fresh.keyPem, privateKeyPem);
});

test('refuses a leaf as CA, a CA key of another CA, and junk hosts', async (t) => {
  const leaf = await issueCert({ ca, commonName: 'leaf', hosts: [], usages: ['server'] });
  await t.throwsAsync(issueCert({ ca: leaf, commonName: 'x', hosts: [], usages: ['server'] }), { message: /not a CA/ });
  await t.throwsAsync(issueCert({ ca: { certPem: ca.certPem, keyPem: otherCa.keyPem }, commonName: 'x', hosts: [], usages: ['server'] }), {
    message: /does not belong/,
  });
  await t.throwsAsync(issueCert({ ca, commonName: 'x', hosts: ['bad host!'], usages: ['server'] }), { instanceOf: PkiError });
});

test('openssl verifies the chain and the purposes', async (t) => {
  const server = await issueCert({ ca, commonName: 'etcd-1', hosts, usages: ['server'] });
  const client = await issueCert({ ca, commonName: 'root', hosts: [], usages: ['client'] });
  withFiles({ 'ca.pem': ca.certPem, 'other.pem': otherCa.certPem, 'server.pem': server.certPem, 'client.pem': client.certPem }, (p) => {
    const verify = (caFile: string, purpose: string, cert: string) =>
      run('openssl', ['verify', '-CAfile', p[caFile] ?? '', '-purpose', purpose, p[cert] ?? '']);
    t.is(verify('ca.pem', 'sslserver', 'server.pem').status, 0);
    t.is(verify('ca.pem', 'sslclient', 'client.pem').status, 0);
    t.not(verify('ca.pem', 'sslclient', 'server.pem').status, 0, 'a server-only cert is no client cert');
    t.not(verify('ca.pem', 'sslserver', 'client.pem').status, 0, 'a client-only cert is no server cert');
    t.not(verify('other.pem', 'sslserver', 'server.pem').status, 0);
    const text = runOk('openssl', ['x509', '-in', p['server.pem'] ?? '', '-noout', '-ext', 'subjectAltName,basicConstraints,keyUsage']);
    t.regex(text, /IP Address:10\.0\.0\.1/);
    t.regex(text, /CA:FALSE/);
    t.regex(text, /Digital Signature, Key Encipherment/);
  });
});

test('cfssl certinfo (Go x509) parses the certificate as issued', async (t) => {
  const leaf = await issueCert({ ca, commonName: 'etcd_1', hosts, usages: ['peer'] });
  const info = JSON.parse(withFiles({ 'leaf.pem': leaf.certPem }, (p) => runOk('cfssl', ['certinfo', '-cert', p['leaf.pem'] ?? '']))) as {
    subject: { common_name: string };
    sans: string[];
    sigalg: string;
  };
  t.is(info.subject.common_name, 'etcd_1');
  t.deepEqual([...info.sans].sort(), ['10.0.0.1', '2001:db8::1', '::1', 'etcd-1.lab', 'localhost'].sort());
  t.is(info.sigalg, 'SHA256WithRSA');
});

test('signatures are sha256WithRSAEncryption, made natively: Node, forge and openssl verify them, and a changed byte fails them', async (t) => {
  const given = await issueCert({ ca, commonName: 'etcd-1', hosts, usages: ['peer'], keyPem: (await generateKeyPair()).privateKeyPem });
  const generated = await issueCert({ ca, commonName: 'root', hosts: [], usages: ['client'] });
  const ec = await issueCert({ ca, commonName: 'etcd-ec', hosts, usages: ['peer'], keyType: 'ecdsa' });
  const caX509 = new X509Certificate(ca.certPem);
  t.true(caX509.verify(caX509.publicKey), 'the CA signs itself');
  const otherKey = new X509Certificate(otherCa.certPem).publicKey;
  for (const leaf of [given, generated, ec]) {
    const x509 = new X509Certificate(leaf.certPem);
    t.true(x509.verify(caX509.publicKey));
    t.false(x509.verify(otherKey));
    // one byte of the subject's common name changed: the signature no longer covers the certificate
    const der = Buffer.from(x509.raw);
    const at = der.indexOf(Buffer.from(x509.subject.replace(/^CN=/, '')));
    t.true(at > 0);
    der[at] = (der[at] ?? 0) ^ 0x01;
    t.false(new X509Certificate(der).verify(caX509.publicKey), 'a changed byte fails');
  }
  // forge's own RSA, an independent implementation, accepts the RSA-keyed leaves (forge reads no EC key)
  const forgeCa = forge.pki.certificateFromPem(ca.certPem);
  for (const leaf of [given, generated]) t.true(forgeCa.verify(forge.pki.certificateFromPem(leaf.certPem)));
  // openssl is one of the packages `npm test` installs; its absence fails here like elsewhere
  withFiles({ 'ca.pem': ca.certPem, 'given.pem': given.certPem, 'generated.pem': generated.certPem, 'ec.pem': ec.certPem, 'self.pem': ca.certPem }, (p) => {
    for (const name of ['self.pem', 'given.pem', 'generated.pem', 'ec.pem']) {
      const res = run('openssl', ['verify', '-CAfile', p['ca.pem'] ?? '', p[name] ?? '']);
      t.is(res.status, 0, `${name}: ${res.output}`);
    }
    const text = runOk('openssl', ['x509', '-in', p['ec.pem'] ?? '', '-noout', '-text']);
    t.regex(text, /Signature Algorithm: sha256WithRSAEncryption/);
    t.regex(text, /Public Key Algorithm: id-ecPublicKey/);
  });
});

test('an ECDSA P-256 leaf: the EC key in the certificate, its key id, digitalSignature only, and Go parses it', async (t) => {
  const leaf = await issueCert({ ca, commonName: 'etcd-ec', hosts, usages: ['peer'], keyType: 'ecdsa' });
  t.regex(leaf.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  const x509 = new X509Certificate(leaf.certPem);
  t.is(x509.publicKey.asymmetricKeyType, 'ec');
  t.true(x509.checkPrivateKey(createPrivateKey(leaf.keyPem)));
  const info = inspectCert(leaf.certPem);
  t.deepEqual(info.usages, ['server', 'client']);
  t.deepEqual(info.sans, { ips: ['10.0.0.1', '::1', '2001:db8::1'], dns: ['etcd-1.lab', 'localhost'] });
  // RFC 5280 4.2.1.2 (1): SHA-1 of the subjectPublicKey bits, for P-256 the 65-byte uncompressed point that ends the SPKI
  const spki = x509.publicKey.export({ type: 'spki', format: 'der' });
  t.is(info.subjectKeyId, createHash('sha1').update(spki.subarray(-65)).digest('hex'));
  t.is(info.authorityKeyId, inspectCert(ca.certPem).subjectKeyId);
  const text = withFiles({ 'leaf.pem': leaf.certPem }, (p) => runOk('openssl', ['x509', '-in', p['leaf.pem'] ?? '', '-noout', '-ext', 'keyUsage']));
  t.regex(text, /Digital Signature/);
  t.notRegex(text, /Key Encipherment/);
  const go = JSON.parse(withFiles({ 'leaf.pem': leaf.certPem }, (p) => runOk('cfssl', ['certinfo', '-cert', p['leaf.pem'] ?? '']))) as { sigalg: string; subject: { common_name: string } };
  t.is(go.sigalg, 'SHA256WithRSA');
  t.is(go.subject.common_name, 'etcd-ec');
});

test('a CA with an EC key is refused for signing', async (t) => {
  const ecCa = withFiles({ 'key.pem': '', 'cert.pem': '' }, (p) => {
    const [keyFile = '', certFile = ''] = [p['key.pem'], p['cert.pem']];
    runOk('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=ec-ca', '-days', '1',
      '-keyout', keyFile, '-out', certFile, '-addext', 'basicConstraints=critical,CA:TRUE']);
    return { certPem: readFileSync(certFile, 'utf8'), keyPem: readFileSync(keyFile, 'utf8') };
  });
  t.is(inspectCert(ecCa.certPem).subject.commonName, 'ec-ca');
  await t.throwsAsync(issueCert({ ca: ecCa, commonName: 'x', hosts: [], usages: ['client'] }), { instanceOf: PkiError, message: /signing needs an RSA key; this one is ECDSA prime256v1/ });
});

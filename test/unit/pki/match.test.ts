import test from 'ava';
import { certMatches, createCa, generateKeyPair, issueCert, setDrift, type CertPair } from '../../../src/pki/index.js';

const DAY_MS = 86_400_000;
const issuedAt = new Date('2030-01-01T00:00:00Z');
let ca: CertPair;
let otherCa: CertPair;
let leaf: CertPair;
const wanted = { commonName: 'etcd-1', hosts: ['10.0.0.1', 'old.example'], usages: ['server'] as const };

test.before(async () => {
  [ca, otherCa] = await Promise.all([createCa({ commonName: 'etcd-ca', now: issuedAt }), createCa({ commonName: 'other', now: issuedAt })]);
  leaf = await issueCert({ ca, ...wanted, usages: [...wanted.usages], validityDays: 365, now: issuedAt });
});

const at = (days: number) => new Date(issuedAt.getTime() + days * DAY_MS);

test('the certificate as issued matches', (t) => {
  const match = certMatches(leaf.certPem, { ...wanted, usages: [...wanted.usages], keyPem: leaf.keyPem, now: at(1) }, ca.certPem);
  t.deepEqual(match.reasons, []);
  t.true(match.matches);
});

test('drift is named, one reason each', async (t) => {
  const stranger = (await generateKeyPair({ type: 'rsa', bits: 2048 })).privateKeyPem;
  const cases: Array<{ title: string; change: Partial<Parameters<typeof certMatches>[1]>; caPem?: string; reasons: string[] }> = [
    { title: 'SANs', change: { hosts: ['10.0.0.1', '10.0.0.4'] }, reasons: ['SANs +10.0.0.4 -old.example'] },
    { title: 'SAN order and case do not matter', change: { hosts: ['OLD.example', '10.0.0.1'] }, reasons: [] },
    { title: 'usages', change: { usages: ['peer'] }, reasons: ['usages +client'] },
    { title: 'usages removed', change: { usages: ['client'] }, reasons: ['usages +client -server'] },
    { title: 'common name', change: { commonName: 'etcd-2' }, reasons: ["common name 'etcd-1' -> 'etcd-2'"] },
    { title: 'organization', change: { organization: 'k8s' }, reasons: ["organization none -> 'k8s'"] },
    { title: 'other CA', change: {}, caPem: otherCa.certPem, reasons: ["issued by a different CA ('etcd-ca', or its signature does not verify)"] },
    { title: 'renewal window', change: { now: at(340) }, reasons: ['expires on 2031-01-01, within the 30-day renewal window'] },
    { title: 'wider window', change: { now: at(300), renewBeforeDays: 90 }, reasons: ['expires on 2031-01-01, within the 90-day renewal window'] },
    { title: 'expired', change: { now: at(400) }, reasons: ['expired on 2031-01-01'] },
    { title: 'key mismatch', change: { keyPem: stranger }, reasons: ['the key does not match the certificate'] },
    { title: 'unreadable key', change: { keyPem: 'garbage' }, reasons: ['the key does not match the certificate'] },
  ];
  for (const c of cases) {
    const input = { ...wanted, usages: [...wanted.usages], keyPem: leaf.keyPem, now: at(1), ...c.change };
    const match = certMatches(leaf.certPem, input, c.caPem ?? ca.certPem);
    t.deepEqual(match.reasons, c.reasons, c.title);
    t.is(match.matches, c.reasons.length === 0, c.title);
  }
});

test('several drifts at once are all listed', (t) => {
  const match = certMatches(leaf.certPem, { commonName: 'etcd-1', hosts: ['10.0.0.9'], usages: ['client'], now: at(1) }, otherCa.certPem);
  t.is(match.reasons.length, 3);
  t.regex(match.reasons.join('; '), /SANs \+10\.0\.0\.9 -10\.0\.0\.1 -old\.example; usages \+client -server; issued by a different CA/);
});

test('a certificate that expires with its CA warns instead of reissuing every run', async (t) => {
  const shortCa = await createCa({ commonName: 'short', validityDays: 20, now: issuedAt });
  const capped = await issueCert({ ca: shortCa, ...wanted, usages: ['server'], validityDays: 365, now: issuedAt });
  const match = certMatches(capped.certPem, { ...wanted, usages: ['server'], now: at(5) }, shortCa.certPem);
  t.true(match.matches);
  t.regex(match.warnings[0] ?? '', /the CA expires on 2030-01-21/);
});

test('an unreadable certificate does not match', (t) => {
  const match = certMatches('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', { hosts: [], usages: ['server'] }, ca.certPem);
  t.false(match.matches);
  t.regex(match.reasons[0] ?? '', /unreadable/);
});

test('setDrift lists additions then removals', (t) => {
  t.is(setDrift(['a', 'b'], ['b', 'c']), '+c -a');
  t.is(setDrift(['a'], ['a']), '');
});

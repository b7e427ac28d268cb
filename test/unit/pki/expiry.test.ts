import test from 'ava';
import { certExpiries, expiryState } from '../../../src/pki/expiry.js';
import { issuerOf, splitBundle } from '../../../src/pki/bundle.js';
import { createCa, issueCert } from '../../../src/pki/index.js';

const day = 24 * 3600 * 1000;
const now = new Date('2026-06-01T00:00:00Z');
const states: Array<[string, number, string]> = [
  ['far away', 200, 'ok'],
  ['just outside the window', 31, 'ok'],
  ['inside the window', 29, 'renew'],
  ['expired', -1, 'expired'],
];
for (const [title, days, want] of states) {
  test(`expiryState: ${title}`, (t) => t.is(expiryState(new Date(now.getTime() + days * day), now, 30) as string, want));
}

test('certExpiries reads every certificate of a bundle; issuerOf finds the signer in it', async (t) => {
  const oldCa = await createCa({ commonName: 'old-ca', validityDays: 3650 });
  const newCa = await createCa({ commonName: 'new-ca', validityDays: 3650 });
  const leaf = await issueCert({ ca: newCa, commonName: 'etcd-m1', hosts: ['10.0.0.1'], usages: ['peer'], validityDays: 10 });
  const bundle = oldCa.certPem + newCa.certPem;
  const expiries = certExpiries(bundle + leaf.certPem, new Date(), 30);
  t.deepEqual(expiries.map((e) => [e.subject, e.is_ca, e.state]), [['old-ca', true, 'ok'], ['new-ca', true, 'ok'], ['etcd-m1', false, 'renew']]);
  const cas = splitBundle(bundle);
  t.is(cas.length, 2);
  t.is(issuerOf(leaf.certPem, cas), cas[1]?.fingerprint);
  t.is(issuerOf(leaf.certPem, cas.slice(0, 1)), null);
});

import test from 'ava';
import { generateKeyPair, isPrivateKeyPem, REDACTED_KEY_BODY, redactPrivateKeys } from '../../../src/pki/index.js';

test('every kind of PEM private key block is redacted, its frame kept', async (t) => {
  const { privateKeyPem, publicKeyPem } = await generateKeyPair({ type: 'rsa', bits: 2048 });
  const body = privateKeyPem.split('\n')[1] ?? '';
  const text = `before\n${privateKeyPem}middle\n${publicKeyPem}after`;
  t.true(isPrivateKeyPem(text));
  const redacted = redactPrivateKeys(text);
  t.false(redacted.includes(body));
  t.true(redacted.includes(`-----BEGIN PRIVATE KEY-----\n${REDACTED_KEY_BODY}\n-----END PRIVATE KEY-----`));
  t.true(redacted.includes(publicKeyPem), 'public keys are no secret');
  t.true(redacted.startsWith('before\n') && redacted.endsWith('after'));

  for (const label of ['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'OPENSSH PRIVATE KEY']) {
    const block = `-----BEGIN ${label}-----\nc2VjcmV0\n-----END ${label}-----`;
    t.is(redactPrivateKeys(`${block}\n${block}`), `-----BEGIN ${label}-----\n${REDACTED_KEY_BODY}\n-----END ${label}-----\n`.repeat(2).trimEnd(), label);
  }
});

test('keys inside JSON strings and cut-off output are redacted too', (t) => {
  const json = JSON.stringify({ stdout: '-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0\n-----END RSA PRIVATE KEY-----\n' });
  t.false(redactPrivateKeys(json).includes('c2VjcmV0'));
  t.notThrows(() => JSON.parse(redactPrivateKeys(json)));
  const cut = 'log: -----BEGIN PRIVATE KEY-----\nc2VjcmV0c2VjcmV0';
  t.is(redactPrivateKeys(cut), `log: -----BEGIN PRIVATE KEY-----\n${REDACTED_KEY_BODY}\n`);
});

test('text without private keys is left alone', (t) => {
  const text = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\nprivate key: none';
  t.false(isPrivateKeyPem(text));
  t.is(redactPrivateKeys(text), text);
});

import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import test from 'ava';
import { PkiError } from '../../../src/errors.js';
import { createCa, describePrivateKey, generateKeyPair, issueCert, keyMatchesCert, publicKeyPemOf } from '../../../src/pki/index.js';

// serial: AVA runs serial tests before the concurrent ones, so nothing else in this file competes
test.serial('RSA 2048 keys are generated natively, well under half a second', async (t) => {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    const pair = await generateKeyPair({ type: 'rsa', bits: 2048 });
    const used = process.cpuUsage(startCpu);
    wall.push(performance.now() - start);
    cpu.push((used.user + used.system) / 1000);
    t.regex(pair.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    t.regex(pair.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2] ?? Infinity;
  const show = (xs: number[]) => xs.map((ms) => ms.toFixed(0)).join(', ');
  t.log(`RSA 2048 generation: median ${median(wall).toFixed(0)} ms wall (${show(wall)}), ${median(cpu).toFixed(0)} ms CPU (${show(cpu)})`);
  // prime search varies from key to key, and a busy machine stretches wall time: bound the median CPU time
  t.true(median(cpu) < 500, `median ${median(cpu)} ms CPU`);
});

test('keys describe themselves without their content', async (t) => {
  const rsa = await generateKeyPair({ type: 'rsa', bits: 2048 });
  t.deepEqual(describePrivateKey(rsa.privateKeyPem), { type: 'rsa', bits: 2048, label: 'RSA 2048' });
  const ec = await generateKeyPair({ type: 'ecdsa', curve: 'P-256' });
  t.deepEqual(describePrivateKey(ec.privateKeyPem), { type: 'ecdsa', curve: 'prime256v1', label: 'ECDSA prime256v1' });
  t.is(publicKeyPemOf(rsa.privateKeyPem), rsa.publicKeyPem);
});

test('RSA 4096 is accepted, other sizes are refused', async (t) => {
  const big = await generateKeyPair({ type: 'rsa', bits: 4096 });
  t.is(describePrivateKey(big.privateKeyPem).bits, 4096);
  await t.throwsAsync(generateKeyPair({ type: 'rsa', bits: 1024 as 2048 }), { instanceOf: PkiError });
});

test('keyMatchesCert tells the certified key from another', async (t) => {
  const ca = await createCa({ commonName: 'keys CA' });
  const leaf = await issueCert({ ca, commonName: 'etcd', hosts: ['127.0.0.1'], usages: ['server'] });
  const other = await generateKeyPair({ type: 'rsa', bits: 2048 });
  t.true(keyMatchesCert(leaf.keyPem, leaf.certPem));
  t.true(keyMatchesCert(ca.keyPem, ca.certPem));
  t.false(keyMatchesCert(other.privateKeyPem, leaf.certPem));
  t.false(keyMatchesCert(leaf.keyPem, ca.certPem));
  t.throws(() => keyMatchesCert('not a key', leaf.certPem), { instanceOf: PkiError });
  t.true(new X509Certificate(leaf.certPem).checkPrivateKey(createPrivateKey(leaf.keyPem)));
});

test('leaves are issued for RSA and ECDSA P-256 keys; other key types are refused', async (t) => {
  const ca = await createCa({ commonName: 'keys CA' });
  const ec = await generateKeyPair({ type: 'ecdsa', curve: 'P-256' });
  const leaf = await issueCert({ ca, commonName: 'x', hosts: [], usages: ['client'], keyPem: ec.privateKeyPem });
  t.true(keyMatchesCert(ec.privateKeyPem, leaf.certPem));
  for (const other of [generateKeyPairSync('ed25519'), generateKeyPairSync('ec', { namedCurve: 'P-384' })]) {
    const keyPem = other.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await t.throwsAsync(issueCert({ ca, commonName: 'x', hosts: [], usages: ['client'], keyPem }), {
      instanceOf: PkiError,
      message: /RSA and ECDSA P-256 keys only/,
    });
  }
});

test('keys generated ahead are handed out once: every RSA key of a burst is different', async (t) => {
  const first = await generateKeyPair({ type: 'rsa', bits: 2048 });
  const burst = await Promise.all([1, 2, 3, 4].map(() => generateKeyPair({ type: 'rsa', bits: 2048 })));
  const after = await generateKeyPair({ type: 'rsa', bits: 2048 });
  const all = [first, ...burst, after].map((k) => k.privateKeyPem);
  t.is(new Set(all).size, all.length);
  for (const k of [first, ...burst, after]) t.is(describePrivateKey(k.privateKeyPem).label, 'RSA 2048');
});

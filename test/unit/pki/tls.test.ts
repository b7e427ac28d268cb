/**
 * The certificates in use: a mutual-TLS connection over loopback with Node's
 * TLS stack, as etcd members and clients use them (server name checked
 * against the SANs, client certificates required and checked against the CA).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import test from 'ava';
import { createCa, issueCert, type CertPair } from '../../../src/pki/index.js';

async function handshake(server: CertPair, client: CertPair | undefined, ca: CertPair, host: string) {
  const srv = tls.createServer({ cert: server.certPem, key: server.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: true }, (socket) => {
    socket.end('ok');
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as AddressInfo;
  try {
    return await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({
        port,
        host: '127.0.0.1',
        ...(host.match(/^[\d.]+$/) ? {} : { servername: host }),
        checkServerIdentity: (_name, cert) => tls.checkServerIdentity(host, cert),
        ca: ca.certPem,
        ...(client && { cert: client.certPem, key: client.keyPem }),
      });
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
  } finally {
    srv.close();
  }
}

/** With TLS 1.3 a server refuses a client certificate after the client's side of the handshake: no data, or an error. */
const refused = (attempt: Promise<string>): Promise<boolean> => attempt.then((data) => data !== 'ok', () => true);

let ca: CertPair;
let member: CertPair;
let client: CertPair;
test.before(async () => {
  ca = await createCa({ commonName: 'etcd-ca' });
  [member, client] = await Promise.all([
    issueCert({ ca, commonName: 'etcd-1', hosts: ['127.0.0.1', 'etcd-1.lab'], usages: ['peer'] }),
    issueCert({ ca, commonName: 'root', hosts: [], usages: ['client'] }),
  ]);
});

test('mutual TLS works by IP and by DNS SAN, with a client or a peer certificate', async (t) => {
  t.is(await handshake(member, client, ca, '127.0.0.1'), 'ok');
  t.is(await handshake(member, client, ca, 'etcd-1.lab'), 'ok');
  t.is(await handshake(member, member, ca, '127.0.0.1'), 'ok', 'peer certificates act as clients');
});

test('a name outside the SANs, a foreign client or a server-only client certificate is refused', async (t) => {
  await t.throwsAsync(handshake(member, client, ca, 'etcd-2.lab'), { message: /etcd-2\.lab/ });
  const other = await createCa({ commonName: 'other' });
  const stranger = await issueCert({ ca: other, commonName: 'root', hosts: [], usages: ['client'] });
  t.true(await refused(handshake(member, stranger, ca, '127.0.0.1')), 'client certificate from another CA');
  const serverOnly = await issueCert({ ca, commonName: 'x', hosts: [], usages: ['server'] });
  t.true(await refused(handshake(member, serverOnly, ca, '127.0.0.1')), 'server-only certificate as a client');
  t.true(await refused(handshake(member, undefined, ca, '127.0.0.1')), 'no client certificate');
});

test('an ECDSA P-256 member certificate from the RSA CA serves and authenticates over mutual TLS', async (t) => {
  const ecMember = await issueCert({ ca, commonName: 'etcd-ec', hosts: ['127.0.0.1'], usages: ['peer'], keyType: 'ecdsa' });
  t.is(await handshake(ecMember, client, ca, '127.0.0.1'), 'ok');
  t.is(await handshake(member, ecMember, ca, '127.0.0.1'), 'ok', 'as a client');
});

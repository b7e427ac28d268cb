import test from 'ava';
import { PkiError } from '../../../src/errors.js';
import { bytesToIp, canonicalIp, ipToBytes, splitHosts } from '../../../src/pki/hosts.js';

test('splitHosts tells IPs from DNS names', (t) => {
  t.deepEqual(splitHosts(['_etcd-server._tcp.lab']).dns, ['_etcd-server._tcp.lab'], 'SRV-style names are DNS names');
  t.deepEqual(splitHosts(['10.0.0.1', 'a.example', '[::1]', 'fe80::1', '*.etcd.local', 'A.example', ' ']), {
    ips: ['10.0.0.1', '::1', 'fe80::1'],
    dns: ['a.example', '*.etcd.local'],
  });
  for (const bad of ['a b', 'x;rm -rf /', '-lead.example', 'trail-.example', '10.0.0.256', '999.1.1.1.1.', 'a..b']) {
    t.throws(() => splitHosts([bad]), { instanceOf: PkiError }, bad);
  }
});

test('IPv6 addresses have one canonical text form', (t) => {
  t.is(canonicalIp('0:0:0:0:0:0:0:1'), '::1');
  t.is(canonicalIp('2001:DB8::0:1'), '2001:db8::1');
  t.is(canonicalIp('::ffff:10.0.0.1'), '::ffff:a00:1');
  t.is(canonicalIp('10.0.0.1'), '10.0.0.1');
  t.is(canonicalIp('etcd-1'), null);
});

test('address bytes round-trip', (t) => {
  for (const ip of ['10.0.0.1', '::1', '::', 'fe80::1', '2001:db8:1:2:3:4:5:6', '1::', '::ffff:a00:1']) {
    const bytes = ipToBytes(ip);
    t.is(bytes.length, ip.includes(':') ? 16 : 4, ip);
    t.is(bytesToIp(bytes), ip, ip);
  }
});

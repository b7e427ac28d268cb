import test from 'ava';
import { clusterVersionFact } from '../../../src/facts/etcd/cluster-version.js';
import { trustLoadedFact } from '../../../src/facts/etcd/trust-loaded.js';

const out = (stdout: string, rc = 0) => ({ stdout, stderr: '', rc });
const versionArgs = { endpoints: ['https://10.0.0.1:2379', 'https://10.0.0.2:2379'], cacert: '/etc/k/ca.pem', cert: '/etc/k/c.pem', key: '/etc/k/c-key.pem', timeout: 3 };

const versionCases: Array<[string, string, Record<string, string>]> = [
  ['3.4 answers', '@version https://10.0.0.2:2379 {"etcdserver":"3.4.23","etcdcluster":"3.4.0"}\n', { endpoint: 'https://10.0.0.2:2379', server: '3.4.23', cluster: '3.4.0' }],
  ['3.5 before the cluster version is known', '@version https://10.0.0.1:2379 {"etcdserver":"3.5.16","etcdcluster":"not_decided"}\n', { endpoint: 'https://10.0.0.1:2379', server: '3.5.16', cluster: 'not_decided' }],
  ['nobody answered', '', {}],
  ['garbage after the marker', '@version https://10.0.0.1:2379 {oops}\n', { endpoint: 'https://10.0.0.1:2379' }],
];
for (const [title, stdout, want] of versionCases) {
  test(`etcd_cluster_version: ${title}`, (t) => t.deepEqual(clusterVersionFact.parse(out(stdout), versionArgs), want));
}

test('etcd_cluster_version: the command quotes every value and presents the client certificate', (t) => {
  const cmd = clusterVersionFact.command({ ...versionArgs, cacert: "/tmp/it's.pem" });
  t.true(cmd.includes("'/tmp/it'\\''s.pem'"));
  t.true(cmd.includes('--cert /etc/k/c.pem'));
  t.true(cmd.includes('https://10.0.0.1:2379 https://10.0.0.2:2379'));
});

const loadedCases: Array<[string, string, { loaded: boolean; active: boolean }]> = [
  ['restarted after the change', 'mtime=100\nactive=active\nstarted=105\n', { loaded: true, active: true }],
  ['restarted in the same second', 'mtime=100\nactive=active\nstarted=100\n', { loaded: true, active: true }],
  ['file changed after the start', 'mtime=110\nactive=active\nstarted=105\n', { loaded: false, active: true }],
  ['stopped', 'mtime=100\nactive=inactive\nstarted=\n', { loaded: false, active: false }],
  ['no file', 'mtime=\nactive=active\nstarted=105\n', { loaded: false, active: true }],
];
for (const [title, stdout, want] of loadedCases) {
  test(`trust_loaded: ${title}`, (t) => {
    const v = trustLoadedFact.parse(out(stdout), { path: '/etc/k/ca.pem', service: 'etcd' });
    t.is(v.loaded, want.loaded);
    t.is(v.active, want.active);
  });
}

import test from 'ava';
import { certificateLines, type CertificateStatus } from '../../../src/cli/status-command.js';

const cert = (where: string, path: string, state: CertificateStatus['state'], days: number): CertificateStatus => ({
  where, path, state, days_left: days, subject: path.includes('ca') ? 'etcd-ca' : `etcd-${where}`, issuer: 'etcd-ca',
  not_after: '2027-12-02T00:00:00.000Z', is_ca: path.includes('ca'), fingerprint: 'AA',
});

const cases: Array<[string, CertificateStatus[], RegExp[], RegExp[]]> = [
  ['all fine: a table, no warning', [cert('10.0.0.1', '/etc/kubernetes/ssl/etcd.pem', 'ok', 364)], [/WHERE\s+CERTIFICATE/, /etcd\.pem\s+etcd-10\.0\.0\.1\s+2027-12-02\s+364\s+ok/], [/WARNING|FAILED/]],
  ['due: a warning naming the way out', [cert('controller', '/x/ssl/client.pem', 'renew', 12)], [/RENEW/, /WARNING: .*controller:\/x\/ssl\/client\.pem.*run playbooks\/etcd\.yml/], [/FAILED/]],
  ['expired: a failure', [cert('10.0.0.2', '/etc/kubernetes/ssl/etcd.pem', 'expired', -3)], [/EXPIRED/, /FAILED: expired certificates: 10\.0\.0\.2/], []],
  ['nothing read: no lines', [], [], [/./]],
];
for (const [title, certs, want, unwanted] of cases) {
  test(`status certificates: ${title}`, (t) => {
    const text = certificateLines(certs).join('\n');
    for (const re of want) t.regex(text, re);
    for (const re of unwanted) t.notRegex(text, re);
  });
}

import test from 'ava';
import { debianSource, parseAptSources } from '../../../src/lab/debian-source.js';
import { renderSums, type EtcdTarball } from '../../../src/lab/tarball.js';

const DEB822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

const cases: Array<{ title: string; texts: string[]; uri: string; signedBy?: string }> = [
  { title: 'deb822 sources: the archive, not security', texts: [DEB822], uri: 'http://deb.debian.org/debian', signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg' },
  {
    title: 'one-line sources with a local mirror and signed-by',
    texts: ['# comment\ndeb [arch=amd64 signed-by=/etc/k.gpg] http://mirror.local/debian bookworm main\ndeb http://mirror.local/debian-security bookworm-security main\n'],
    uri: 'http://mirror.local/debian',
    signedBy: '/etc/k.gpg',
  },
  {
    title: 'a third-party source first is passed over for the Debian archive',
    texts: ['deb https://packages.example.com/apt stable main\n', DEB822],
    uri: 'http://deb.debian.org/debian',
  },
  { title: 'a disabled stanza is not a source', texts: ['Types: deb\nURIs: http://x/debian\nSuites: bookworm\nEnabled: no\n'], uri: 'http://deb.debian.org/debian' },
];

for (const c of cases) {
  test(`debianSource: ${c.title}`, (t) => {
    const source = debianSource(c.texts);
    t.is(source.uri, c.uri);
    if (c.signedBy) t.is(source.signedBy, c.signedBy);
  });
}

test('parseAptSources reads both formats', (t) => {
  t.deepEqual(parseAptSources(DEB822).map((e) => e.suites), [['bookworm', 'bookworm-updates'], ['bookworm-security']]);
  t.deepEqual(parseAptSources('deb-src http://x/debian bookworm main\n'), []);
});

test('renderSums: one SHA256SUMS listing every release once, sorted', (t) => {
  const r = (version: string, sha256: string): EtcdTarball => ({ version, sha256, fileName: `etcd-v${version}-linux-amd64.tar.gz`, path: '' });
  t.is(
    renderSums([r('3.5.30', 'c'), r('3.4.23', 'a'), r('3.5.16', 'b'), r('3.4.23', 'a')]),
    'a  etcd-v3.4.23-linux-amd64.tar.gz\nb  etcd-v3.5.16-linux-amd64.tar.gz\nc  etcd-v3.5.30-linux-amd64.tar.gz\n',
  );
});

import test from 'ava';
import { upgradeVars } from '../../../src/cli/etcd-lifecycle-command.js';

const LAB = 'http://10.248.219.1:8979/etcd-v3.4.23-linux-amd64.tar.gz';
const cases: Array<[string, string, unknown, { url?: string; sha256?: string }, Record<string, string>]> = [
  ['no pinned URL: the version alone', '3.5.16', undefined, {}, { etcd_version: '3.5.16' }],
  ['a URL templated on etcd_version is left to do its work', 'v3.5.16', 'https://m/etcd-v{{ etcd_version }}.tgz', {}, { etcd_version: '3.5.16' }],
  ['a pinned URL gets the new version, checked by SHA256SUMS', '3.5.16', LAB, {}, {
    etcd_version: '3.5.16', etcd_download_url: 'http://10.248.219.1:8979/etcd-v3.5.16-linux-amd64.tar.gz', etcd_sha256: '',
  }],
  ['--url and --sha256 win', '3.5.30', LAB, { url: 'https://x/e.tgz', sha256: 'ab' }, { etcd_version: '3.5.30', etcd_download_url: 'https://x/e.tgz', etcd_sha256: 'ab' }],
];
for (const [title, version, pinned, given, want] of cases) {
  test(`upgradeVars: ${title}`, (t) => t.deepEqual(upgradeVars(version, pinned, given), want));
}

test('upgradeVars: not a version', (t) => {
  t.throws(() => upgradeVars('3.5', undefined), { message: /not an etcd version/ });
  t.throws(() => upgradeVars('latest', LAB), { message: /not an etcd version/ });
});

import test from 'ava';
import { parseHelmRelease, parseHelmRepos, splitChart } from '../../../src/facts/helm.js';
import { chartName, helmModule, helmRepositoryModule, mergeValues } from '../../../src/modules/helm.js';
import { moduleTable } from '../../helpers/module-table.js';

// helm 3 `repo list -o json`, `list -o json` and `get values -o json` as helm prints them
const REPOS = '[{"name":"stable","url":"https://charts.example.com/stable"}]\n';
const NO_REPOS = { rc: 1, stderr: 'Error: no repositories to show\n' };
const RELEASE = '[{"name":"kubelet-csr-approver","namespace":"kube-system","revision":"3","updated":"2024-05-02 10:00:00.123 +0000 UTC","status":"deployed","chart":"kubelet-csr-approver-1.1.0","app_version":"v1.1.0"}]';
const sections = (list: string, values: string, valuesRc = 0) =>
  `@@ezplay:begin:list\n${list}\n\n@@ezplay:end:0\n@@ezplay:begin:values\n${values}\n\n@@ezplay:end:${valuesRc}\n`;
const INSTALLED = sections(RELEASE, '{"replicas":2}');
const MISSING = sections('[]', '', 1);

test('helm repo list: repositories, and none when helm says there are none', (t) => {
  t.deepEqual(parseHelmRepos({ stdout: REPOS, stderr: '', rc: 0 }), [{ name: 'stable', url: 'https://charts.example.com/stable' }]);
  t.deepEqual(parseHelmRepos({ stdout: '', ...NO_REPOS }), []);
  t.throws(() => parseHelmRepos({ stdout: '', stderr: 'Error: permission denied', rc: 1 }), { message: /permission denied/ });
});

test('helm release: listed with its values, or null', (t) => {
  const args = { helm: ['helm'], name: 'kubelet-csr-approver', namespace: 'kube-system' };
  t.like(parseHelmRelease(INSTALLED, args), { revision: 3, status: 'deployed', chart: 'kubelet-csr-approver-1.1.0', values: { replicas: 2 } });
  t.is(parseHelmRelease(MISSING, args), null);
  t.deepEqual(parseHelmRelease(sections(RELEASE, 'null'), args)?.values, {});
});

test('chart names and versions', (t) => {
  t.deepEqual(splitChart('kubelet-csr-approver-1.1.0'), { name: 'kubelet-csr-approver', version: '1.1.0' });
  t.deepEqual(splitChart('cilium-1.15.0-rc.1'), { name: 'cilium', version: '1.15.0-rc.1' });
  t.is(chartName('kubelet-csr-approver/kubelet-csr-approver'), 'kubelet-csr-approver');
  t.is(chartName('/tmp/charts/metallb-0.14.3.tgz'), 'metallb');
  t.deepEqual(mergeValues({ a: { b: 1, c: 2 }, l: [1] }, { a: { c: 3 }, l: [2] }), { a: { b: 1, c: 3 }, l: [2] });
});

const UPGRADE = (name: string) => new RegExp(`^umask 077 && cat > /tmp/\\.ezplay-helm-values-[^ ]+ && \\{ helm upgrade -i --reset-values ${name} `);
moduleTable([
  {
    name: 'helm_repository: added when missing; undo removes it',
    module: helmRepositoryModule,
    args: { name: 'stable', url: 'https://charts.example.com/stable' },
    facts: { 'repo list': NO_REPOS },
    expect: { changed: true, diff: ['helm repository stable: absent -> https://charts.example.com/stable'], steps: ['helm repo add stable https://charts.example.com/stable'], undo: ['helm repo remove stable'] },
    after: { 'repo list': REPOS },
  },
  {
    name: 'helm_repository: same name and URL: nothing to do, force_update or not',
    module: helmRepositoryModule,
    args: { name: 'stable', url: 'https://charts.example.com/stable', force_update: true, binary_path: '/usr/local/bin/helm' },
    facts: { 'repo list': REPOS },
    expect: { changed: false, readCommands: ['/usr/local/bin/helm repo list -o json'] },
  },
  {
    name: 'helm_repository: another URL is replaced with force_update, its password on stdin; undo puts the old URL back',
    module: helmRepositoryModule,
    args: { name: 'stable', url: 'https://mirror/stable', force_update: true, username: 'u', password: 'p' },
    facts: { 'repo list': REPOS },
    expect: {
      changed: true,
      steps: ['helm repo add stable https://mirror/stable --force-update --username u --password-stdin'],
      undo: ['helm repo add stable https://charts.example.com/stable --force-update'],
      also: (t, plan) => t.like(plan.steps?.[0], { stdin: 'p', secret: true }),
    },
    after: { 'repo list': '[{"name":"stable","url":"https://mirror/stable"}]' },
  },
  {
    name: 'helm_repository: another URL without force_update is an error',
    module: helmRepositoryModule,
    args: { name: 'stable', url: 'https://mirror/stable' },
    facts: { 'repo list': REPOS },
    expect: { error: /already exists with the URL https:\/\/charts.example.com\/stable/ },
  },
  {
    name: 'helm_repository: absent removes; undo adds it back',
    module: helmRepositoryModule,
    args: { name: 'stable', state: 'absent' },
    facts: { 'repo list': REPOS },
    expect: { changed: true, steps: ['helm repo remove stable'], undo: ['helm repo add stable https://charts.example.com/stable'] },
    after: { 'repo list': NO_REPOS },
  },
  {
    name: 'helm: deployed with the same chart, version and values: nothing to do',
    module: helmModule,
    args: { name: 'kubelet-csr-approver', namespace: 'kube-system', chart_ref: 'kubelet-csr-approver/kubelet-csr-approver', chart_version: '1.1.0', values: { replicas: 2 }, atomic: true },
    facts: { 'helm list': INSTALLED },
    expect: { changed: false, reads: 1 },
  },
  {
    name: 'helm: a new release is installed with its values on stdin; undo uninstalls it',
    module: helmModule,
    args: { name: 'kubelet-csr-approver', namespace: 'kube-system', chart_ref: 'kubelet-csr-approver/kubelet-csr-approver', chart_version: '1.1.0', values: { replicas: 2 }, create_namespace: true, wait: true, wait_timeout: '5m' },
    facts: { 'helm list': MISSING },
    expect: {
      changed: true,
      diff: ['helm release kube-system/kubelet-csr-approver: absent -> kubelet-csr-approver-1.1.0 (not installed)'],
      undo: ['helm uninstall kubelet-csr-approver -n kube-system'],
      also: (t, plan) => {
        const step = plan.steps?.[0];
        t.true(step?.kind === 'exec' && UPGRADE('kubelet-csr-approver').test(step.command));
        t.true(step?.kind === 'exec' && step.command.includes('-n kube-system --version 1.1.0 --create-namespace --wait --timeout 5m -f /tmp/'));
        t.like(step, { stdin: '{"replicas":2}', secret: true });
      },
    },
    after: { 'helm list': INSTALLED },
  },
  {
    name: 'helm: other values upgrade; undo rolls back to the old revision',
    module: helmModule,
    args: { name: 'kubelet-csr-approver', namespace: 'kube-system', chart_ref: 'kubelet-csr-approver/kubelet-csr-approver', values: { replicas: 3 } },
    facts: { 'helm list': INSTALLED },
    expect: { changed: true, diff: ['helm release kube-system/kubelet-csr-approver: kubelet-csr-approver-1.1.0 revision 3 -> kubelet-csr-approver (values differ)'], undo: ['helm rollback kubelet-csr-approver 3 -n kube-system'] },
    after: { 'helm list': sections(RELEASE.replace('"3"', '"4"'), '{"replicas":3}') },
  },
  {
    name: "helm: kubespray's cache refresh on a dummy absent release: the cache update is the change",
    module: helmModule,
    args: { state: 'absent', binary_path: '/usr/local/bin/helm', release_name: 'dummy', release_namespace: 'kube-system', update_repo_cache: true },
    facts: { 'helm list': MISSING },
    expect: { changed: true, steps: ['/usr/local/bin/helm repo update'], undo: [] },
    idempotence: 'a cache refresh asked for is made on every run, as apt update_cache is',
  },
  {
    name: 'helm: absent uninstalls; purged, it cannot be undone',
    module: helmModule,
    args: { name: 'kubelet-csr-approver', namespace: 'kube-system', state: 'absent' },
    facts: { 'helm list': INSTALLED },
    expect: { changed: true, steps: ['helm uninstall kubelet-csr-approver -n kube-system'], undo: null },
    after: { 'helm list': MISSING },
  },
  {
    name: 'helm: absent keeping history can be rolled back',
    module: helmModule,
    args: { name: 'kubelet-csr-approver', namespace: 'kube-system', state: 'absent', purge: false },
    facts: { 'helm list': INSTALLED },
    expect: { changed: true, steps: ['helm uninstall kubelet-csr-approver -n kube-system --keep-history'], undo: ['helm rollback kubelet-csr-approver 3 -n kube-system'] },
    after: { 'helm list': MISSING },
  },
]);

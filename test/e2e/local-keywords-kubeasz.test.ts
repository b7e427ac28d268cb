import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { counters, project, runLocal, treeHash } from '../helpers/run-local.js';
import { read, results } from '../helpers/local-hosts.js';

// A playbook, inventory and role written for Ansible in kubeasz's layout, unchanged.
const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'kubeasz-style');

function filesUnder(dir: string, base = dir): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) Object.assign(out, filesUnder(p, base));
    else out[path.relative(base, p)] = readFileSync(p, 'utf8');
  }
  return out;
}

function kubeasz() {
  return project({
    ...filesUnder(FIXTURE),
    'etc/kubeasz/bin/etcd': '#!/bin/sh\necho etcd\n',
    'etc/kubeasz/bin/etcdctl': '#!/bin/sh\necho etcdctl\n',
    'etc/kubeasz/clusters/c1/ssl/ca.pem': 'CA CERT\n',
    'etc/kubeasz/clusters/c1/ssl/etcd.pem': 'ETCD CERT\n',
    'etc/kubeasz/clusters/c1/ssl/etcd-key.pem': 'ETCD KEY\n',
    // on a real host /etc/systemd/system is there already
    'etc/kubeasz/etc/systemd/system/.keep': '',
  });
}

test('a kubeasz-style etcd role installs, then a second run changes nothing', async (t) => {
  const dir = kubeasz();
  const run = await runLocal(dir, 'playbooks/02.etcd.yml');
  t.false(run.summary.failed, run.output);
  const base = 'etc/kubeasz';
  const unit = read(dir, `${base}/etc/systemd/system/etcd-etcd2.service`);
  t.true(unit.includes(`ExecStart=${dir}/${base}/opt/kube/bin/etcd \\\n  --name=etcd2 \\\n`));
  t.true(unit.includes('--initial-cluster=etcd1=https://etcd1:2380,etcd2=https://etcd2:2380,etcd3=https://etcd3:2380 \\'));
  t.true(unit.includes(`--data-dir=${dir}/${base}/var/lib/etcd \\\n  --snapshot-count`), 'no wal-dir line when ETCD_WAL_DIR is empty');
  t.true(unit.includes(`--cert-file=${dir}/${base}/etc/kubernetes/ssl/etcd.pem`));
  t.is(read(dir, `${base}/etc/kubernetes/ssl/etcd-key.pem`), 'ETCD KEY\n');
  t.is(statSync(path.join(dir, base, 'opt/kube/bin/etcdctl')).mode & 0o777, 0o755);
  t.is(statSync(path.join(dir, base, 'var/lib/etcd')).mode & 0o777, 0o700);
  const csr = JSON.parse(read(dir, `${base}/clusters/c1/ssl/etcd-csr.json`));
  t.deepEqual(csr.hosts, ['etcd1', 'etcd2', 'etcd3', '127.0.0.1']);
  t.is(results(run.events, '创建etcd证书请求').length, 1, 'run_once');
  for (const h of ['etcd1', 'etcd2', 'etcd3']) {
    t.is(read(dir, `${base}/restarted-${h}`), 'active\n');
    t.is(counters(run, h)?.failed, 0);
  }
  t.regex(run.output, /RUNNING HANDLER \[etcd : restart etcd\]/);

  const again = await runLocal(dir, 'playbooks/02.etcd.yml');
  for (const h of ['etcd1', 'etcd2', 'etcd3']) t.is(counters(again, h)?.changed, 0, again.output);
});

test('kubeasz-style: --check --diff with a changed variable shows the unit diff and changes nothing; tags select', async (t) => {
  const dir = kubeasz();
  await runLocal(dir, 'playbooks/02.etcd.yml');
  const before = treeHash(dir);
  const checked = await runLocal(dir, 'playbooks/02.etcd.yml', { check: true, diff: true, extraVars: { CLUSTER_STATE: 'existing' } });
  t.is(treeHash(dir), before);
  t.regex(checked.output, /-  --initial-cluster-state=new \\\n\+  --initial-cluster-state=existing \\/);
  const tagged = await runLocal(dir, 'playbooks/02.etcd.yml', { tags: ['restart_etcd'], limit: 'etcd1' });
  t.deepEqual(
    [...new Set(results(tagged.events).map((r) => r.task))],
    ['Gathering Facts', '创建etcd的systemd unit文件', '以轮询的方式等待服务同步完成'],
  );
});

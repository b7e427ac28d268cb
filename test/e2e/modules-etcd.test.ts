/**
 * etcd_health, etcd_member and etcd_snapshot against a single-member etcd
 * on a lab machine: the play downloads the tarball, unpacks etcd and
 * etcdctl, and starts them with a unit (plain http on 127.0.0.1). Then the
 * usual: apply twice, drift under --check --diff, roll everything back.
 */
import test from 'ava';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { applyTwice, checkDrift, describeRun, ensureModuleLab, fingerprint, labProject, onHost, resultOf, rollbackRun, rollbackTo, runPlay, type Scenario } from '../helpers/lab-play.js';


const HOST = 'mods1';
const BIN = '/opt/ezetcd/bin';
const CLIENT = 'http://127.0.0.1:12379';
const LEARNER_PEER = 'http://127.0.0.1:12390';

const UNIT = `[Unit]
Description=single-member etcd for module tests

[Service]
Type=notify
ExecStart=${BIN}/etcd --name ez1 --data-dir /var/lib/ezetcd \\
  --listen-client-urls ${CLIENT} --advertise-client-urls ${CLIENT} \\
  --listen-peer-urls http://127.0.0.1:12380 --initial-advertise-peer-urls http://127.0.0.1:12380 \\
  --initial-cluster ez1=http://127.0.0.1:12380 --initial-cluster-state new
`;

function play(top: string): string {
  return `
- hosts: ${HOST}
  gather_facts: no
  vars:
    ctl: &ctl
      endpoints: ['${CLIENT}']
      etcdctl: ${BIN}/etcdctl
  tasks:
    - name: folders
      file: path=${BIN} state=directory
    - name: data dir
      file: path=/var/lib/ezetcd state=directory mode=0700
    - name: download
      get_url: url="{{ etcd_download_url }}" dest=/opt/ezetcd/etcd.tar.gz checksum="sha256:{{ etcd_sha256 }}"
    - name: unpack
      unarchive:
        src: /opt/ezetcd/etcd.tar.gz
        remote_src: yes
        dest: ${BIN}
        extra_opts: [--strip-components=1]
        include: [${top}/etcd, ${top}/etcdctl]
    - name: unit
      copy: src=ezetcd.service dest=/etc/systemd/system/ezetcd.service
    - name: start
      systemd: name=ezetcd state=started daemon_reload=yes
    - name: etcd_health
      etcd_health:
        <<: *ctl
        retries: "{{ health_retries | default(5) }}"
        timeout: "{{ health_timeout | default(5) }}"
        delay: 1
      register: health
    - name: health result
      assert:
        that: health.healthy and health.members | length == 1
      when: not ansible_check_mode
    - name: etcd_member add learner
      etcd_member:
        <<: *ctl
        name: ez2
        peer_urls: ['${LEARNER_PEER}']
        learner: yes
`;
}

const SNAPSHOT_PLAY = `
- hosts: ${HOST}
  gather_facts: no
  tasks:
    - name: etcd_snapshot
      etcd_snapshot:
        endpoint: ${CLIENT}
        etcdctl: ${BIN}/etcdctl
        dest: snapshots
        name: ez
        remote_dir: /var/lib/ezetcd-snapshots
      register: snap
    - assert:
        that: snap.size > 0 and snap.revision >= 1
`;

const STATE = {
  paths: ['/opt/ezetcd', '/var/lib/ezetcd-snapshots', '/etc/systemd/system/ezetcd.service'],
  units: ['ezetcd'],
  commands: [
    // etcd writes its data directory all the time: only whether it is there counts
    'stat -c "%n %a" /var/lib/ezetcd 2>&1 || true',
    `grep -c ':${(12379).toString(16).toUpperCase()} 00000000:0000 0A' /proc/net/tcp || true`,
  ],
};

const CLEAN = 'systemctl stop ezetcd 2>/dev/null; rm -rf /opt/ezetcd /var/lib/ezetcd /var/lib/ezetcd-snapshots /etc/systemd/system/ezetcd.service; systemctl daemon-reload';

test.serial('etcd_health, etcd_member, etcd_snapshot on a single-member etcd: apply, idempotent, drift, rollback', async (t) => {
  const info = await ensureModuleLab();
  const top = path.basename(new URL(info.etcdTarballUrl).pathname).replace(/\.tar\.gz$/, '');
  const s: Scenario = { dir: await labProject({ 'play.yml': play(top), 'snapshot.yml': SNAPSHOT_PLAY, 'ezetcd.service': UNIT }), host: HOST, state: STATE };
  await onHost(HOST, CLEAN);
  const before = await fingerprint(HOST, STATE);

  const { first, second } = await applyTwice(t, s, ['folders', 'data dir', 'download', 'unpack', 'unit', 'start', 'etcd_member add learner']);
  t.is(resultOf(first, 'etcd_health', HOST).status, 'ok');
  t.is(resultOf(second, 'etcd_health', HOST).status, 'ok');
  const members = await onHost(HOST, `${BIN}/etcdctl --endpoints ${CLIENT} member list`);
  t.regex(members, /started, ez1, http:\/\/127\.0\.0\.1:12380/);
  t.regex(members, new RegExp(`unstarted, , ${LEARNER_PEER.replace(/\./g, '\\.')}, , true`));

  await rollbackTo(t, s, first.runId, before);

  const again = await runPlay(s.dir, 'play.yml');
  t.is(again.code, 0, describeRun(again));

  // a snapshot always changes something (so it comes after the rollback above: a run that
  // changes a host ends the rollback of the runs before it); its own rollback deletes what it saved
  const snap = await runPlay(s.dir, 'snapshot.yml');
  t.is(snap.code, 0, describeRun(snap));
  t.is(resultOf(snap, 'etcd_snapshot', HOST).status, 'changed');
  const local = readdirSync(path.join(s.dir, 'snapshots'));
  t.is(local.length, 1);
  t.true(statSync(path.join(s.dir, 'snapshots', local[0]!)).size > 0);
  t.regex(await onHost(HOST, 'ls /var/lib/ezetcd-snapshots'), /^ez-.*\.db\n$/);
  const snapUndo = await rollbackRun(s.dir, snap.runId);
  t.is(snapUndo.code, 0, describeRun(snapUndo));
  t.is(await onHost(HOST, 'ls -A /var/lib/ezetcd-snapshots'), '', 'the snapshot on the host is deleted');
  t.false(existsSync(path.join(s.dir, 'snapshots', local[0]!)), 'the fetched snapshot is deleted');
  await onHost(HOST, 'rmdir /var/lib/ezetcd-snapshots');

  const learnerId = `$(${BIN}/etcdctl --endpoints ${CLIENT} member list | awk -F', ' '/unstarted/ {print $1}')`;
  const check = await checkDrift(t, s, `${BIN}/etcdctl --endpoints ${CLIENT} member remove ${learnerId}`, ['etcd_member add learner']);
  t.is(resultOf(check, 'etcd_health', HOST).status, 'ok', 'etcd_health runs in check mode');

  // a stopped etcd fails the health check
  await onHost(HOST, 'systemctl stop ezetcd');
  const down = await runPlay(s.dir, 'play.yml', ['--check', '-e', '{"health_retries": 0, "health_timeout": 1}']);
  t.is(down.code, 2, describeRun(down));
  t.is(resultOf(down, 'start', HOST).status, 'changed');
  t.is(resultOf(down, 'etcd_health', HOST).status, 'failed', describeRun(down));
  await onHost(HOST, CLEAN);
});

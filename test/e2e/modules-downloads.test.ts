/**
 * get_url (from the lab's HTTP server, checked by sha256, downloaded by the
 * controller or by the host) and unarchive (the etcd tarball, on the host
 * and from the controller, --strip-components=1, only etcd and etcdctl):
 * apply twice, roll back byte for byte, drift by hand under --check --diff.
 * The controller's tarball streams into tar on the host; as the sudo user
 * `ops` it is uploaded first when sudo needs the password, and streamed
 * through `sudo -n` when it does not.
 */
import test from 'ava';
import path from 'node:path';
import { DIST_DIR } from '../../src/lab/paths.js';
import { applyTwice, checkDrift, describeRun, ensureModuleLab, fingerprint, labProject, onHost, resultOf, rollbackTo, runPlay, type Scenario } from '../helpers/lab-play.js';


const HOST = 'mods1';
const DIR = '/opt/ezdl';
const UPLOAD_DIR = '/var/tmp/ezplay-unarchive';

function play(tarball: string, top: string): string {
  return `
- hosts: ${HOST}
  gather_facts: no
  tasks:
    - name: get_url by the controller
      get_url:
        url: "{{ etcd_download_url }}"
        dest: ${DIR}/etcd.tar.gz
        checksum: "sha256:{{ etcd_sha256 }}"
        mode: "0640"
    - name: get_url by the host
      get_url:
        url: "{{ etcd_download_url }}"
        dest: ${DIR}/host/
        checksum: "sha256:{{ etcd_sha256 }}"
        fetch_on: host
    - name: unarchive on the host
      unarchive:
        src: ${DIR}/etcd.tar.gz
        remote_src: yes
        dest: ${DIR}/bin
        extra_opts: [--strip-components=1]
        include: [${top}/etcd, ${top}/etcdctl]
    - name: unarchive from the controller
      unarchive:
        src: ${tarball}
        dest: ${DIR}/bin2
        extra_opts: [--strip-components=1]
        include: [${top}/etcd, ${top}/etcdctl]
        mode: "0750"
`;
}

/** Before the play: an old etcdctl to replace, a file unarchive must leave alone, empty folders. */
const PREPARE = [
  `rm -rf ${DIR} && mkdir -p ${DIR}/bin ${DIR}/bin2 ${DIR}/host && cd ${DIR}`,
  `printf 'old etcdctl\\n' > bin/etcdctl && chmod 0700 bin/etcdctl`,
  `printf 'mine\\n' > bin/NOTES`,
  `printf 'old etcd\\n' > bin2/etcd && chmod 0755 bin2/etcd`,
  // Nothing is uploaded for a streamed archive: this folder stays absent.
  `rm -rf ${UPLOAD_DIR}`,
].join(' && ');

const STATE = { paths: [DIR] };
const TASKS = ['get_url by the controller', 'get_url by the host', 'unarchive on the host', 'unarchive from the controller'];

test.serial('get_url and unarchive: apply, idempotent, rollback byte for byte, drift under --check --diff', async (t) => {
  const info = await ensureModuleLab();
  const fileName = path.basename(new URL(info.etcdTarballUrl).pathname);
  const top = fileName.replace(/\.tar\.gz$/, '');
  const s: Scenario = { dir: await labProject({ 'play.yml': play(path.join(DIST_DIR, fileName), top) }), host: HOST, state: STATE };
  await onHost(HOST, PREPARE);
  const before = await fingerprint(HOST, STATE);

  const { first } = await applyTwice(t, s, TASKS);
  t.is(await onHost(HOST, `[ -e ${UPLOAD_DIR} ] && echo uploaded || echo streamed`), 'streamed\n');
  const sums = await onHost(HOST, `cd ${DIR} && sha256sum etcd.tar.gz host/${fileName} | cut -d' ' -f1; ls bin; ls bin2; stat -c '%a' etcd.tar.gz bin2/etcd; bin/etcd --version | head -1; bin2/etcdctl version | head -1`);
  t.is(sums, [info.etcdSha256, info.etcdSha256, 'NOTES', 'etcd', 'etcdctl', 'etcd', 'etcdctl', '640', '750',
    `etcd Version: ${info.etcdVersion}`, `etcdctl version: ${info.etcdVersion}`, ''].join('\n'));

  await rollbackTo(t, s, first.runId, before);

  const again = await runPlay(s.dir, 'play.yml');
  t.is(again.code, 0, describeRun(again));
  const check = await checkDrift(t, s, [
    `chmod 0600 ${DIR}/etcd.tar.gz`,
    `printf 'x' >> ${DIR}/host/${fileName}`,
    `printf 'not etcd\\n' > ${DIR}/bin/etcdctl`,
    `rm ${DIR}/bin2/etcd`,
  ].join(' && '), TASKS);
  t.regex(JSON.stringify(resultOf(check, 'unarchive on the host', HOST).diff), /etcdctl/);
  t.regex(JSON.stringify(resultOf(check, 'unarchive from the controller', HOST).diff), /etcd/);
  await onHost(HOST, `rm -rf ${DIR}`);
});

const OPS_HOST = 'mods2';
const OPS_DIR = '/opt/ezdl-ops';
const SUDOERS = '/etc/sudoers.d/ezplay-test-ops';

function opsPlay(tarball: string, top: string, password: string | undefined): string {
  return `
- hosts: ${OPS_HOST}
  gather_facts: no
  become: yes
  vars:
    ansible_user: ops
${password ? `    ansible_become_password: "${password}"\n` : ''}  tasks:
    - name: unarchive as ops
      unarchive:
        src: ${tarball}
        dest: ${OPS_DIR}/bin
        extra_opts: [--strip-components=1]
        include: [${top}/etcd, ${top}/etcdctl]
        owner: root
        group: root
        mode: "0755"
`;
}

test.serial('unarchive as ops through sudo: uploaded first with the sudo password, streamed through sudo -n without one', async (t) => {
  const info = await ensureModuleLab();
  const fileName = path.basename(new URL(info.etcdTarballUrl).pathname);
  const top = fileName.replace(/\.tar\.gz$/, '');
  const tarball = path.join(DIST_DIR, fileName);
  const state = { paths: [OPS_DIR] };
  try {
    const noPassword = `printf 'ops ALL=(ALL:ALL) NOPASSWD: ALL\\n' > ${SUDOERS} && chmod 0440 ${SUDOERS}`;
    await onHost(OPS_HOST, `rm -f ${SUDOERS}`);
    for (const [how, password] of [['uploaded', info.opsPassword], ['streamed', undefined]] as const) {
      if (!password) await onHost(OPS_HOST, noPassword);
      const s: Scenario = { dir: await labProject({ 'play.yml': opsPlay(tarball, top, password) }), host: OPS_HOST, state };
      await onHost(OPS_HOST, [
        `rm -rf ${OPS_DIR} ${UPLOAD_DIR} && mkdir -p ${OPS_DIR}/bin`,
        `printf 'old etcdctl\\n' > ${OPS_DIR}/bin/etcdctl && chmod 0700 ${OPS_DIR}/bin/etcdctl && chown ops: ${OPS_DIR}/bin/etcdctl`,
      ].join(' && '));
      const before = await fingerprint(OPS_HOST, state);
      const { first } = await applyTwice(t, s, ['unarchive as ops']);
      t.is(await onHost(OPS_HOST, `[ -e ${UPLOAD_DIR} ] && echo uploaded || echo streamed`), `${how}\n`);
      t.is(await onHost(OPS_HOST, `cd ${OPS_DIR}/bin && ls -A && stat -c '%U:%G %a' etcd etcdctl && ./etcdctl version | head -1`),
        `etcd\netcdctl\nroot:root 755\nroot:root 755\netcdctl version: ${info.etcdVersion}\n`, how);
      // `ezplay rollback` has no become password to give sudo: it runs where sudo needs none.
      await onHost(OPS_HOST, noPassword);
      await rollbackTo(t, s, first.runId, before);
    }
  } finally {
    await onHost(OPS_HOST, `rm -f ${SUDOERS} && rm -rf ${OPS_DIR}`);
  }
});

/**
 * stat, slurp and fetch read a lab machine (fetch writes only on the
 * controller, and rollback takes that back); and a playbook of everyday
 * modules runs on a machine whose python3 is hidden: ezplay needs none.
 */
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { applyTwice, checkDrift, describeRun, fingerprint, labProject, onHost, resultOf, rollbackRun, rollbackTo, runPlay, type Scenario } from '../helpers/lab-play.js';


const DIR = '/srv/ezread';

const READ_PLAY = `
- hosts: mods1
  gather_facts: no
  tasks:
    - name: stat
      stat: path=${DIR}/data.txt checksum_algorithm=sha256
      register: st
    - name: stat result
      assert:
        that:
          - st.stat.exists and st.stat.isreg
          - st.stat.mode == '0640'
          - st.stat.pw_name == 'nobody'
          - st.stat.size == 13
      # the drift check changes the file
      when: not ansible_check_mode
    - name: slurp
      slurp: src=${DIR}/data.txt
      register: sl
    - name: slurp result
      assert:
        that: (sl.content | b64decode) == 'line1\\nline2\\n\\n' and sl.encoding == 'base64'
      when: not ansible_check_mode
    - name: fetch
      fetch: src=${DIR}/data.txt dest=fetched
`;

test.serial('stat, slurp, fetch: the host is never changed; fetch is idempotent, sees drift under --check --diff, and rollback removes the fetched copy', async (t) => {
  const dir = await labProject({ 'play.yml': READ_PLAY });
  await onHost('mods1', `rm -rf ${DIR} && mkdir -p ${DIR} && printf 'line1\\nline2\\n\\n' > ${DIR}/data.txt && chown nobody ${DIR}/data.txt && chmod 0640 ${DIR}/data.txt`);
  const s: Scenario = { dir, host: 'mods1', state: { paths: [DIR] } };
  const hostBefore = await fingerprint('mods1', s.state);
  const local = path.join(dir, 'fetched', 'mods1', DIR, 'data.txt');

  const { first, second } = await applyTwice(t, s, ['fetch']);
  for (const task of ['stat', 'stat result', 'slurp', 'slurp result']) {
    t.is(resultOf(first, task, 'mods1').status, 'ok', task);
    t.is(resultOf(second, task, 'mods1').status, 'ok', task);
  }
  t.is(readFileSync(local, 'utf8'), 'line1\nline2\n\n');
  t.is(await fingerprint('mods1', s.state), hostBefore, 'reading changes nothing on the host');

  const check = await checkDrift(t, s, `printf 'line1\\nchanged\\n' > ${DIR}/data.txt`, ['fetch']);
  t.true((resultOf(check, 'fetch', 'mods1').diff ?? []).some((d) => d.after.includes('changed') && d.before.includes('line2')));
  t.is(readFileSync(local, 'utf8'), 'line1\nline2\n\n', '--check leaves the fetched copy alone');

  const undo = await rollbackRun(dir, first.runId);
  t.is(undo.code, 0, describeRun(undo));
  t.false(existsSync(path.join(dir, 'fetched')), 'rollback removes the fetched file and the folders made for it');
});

const PYTHON_HIDDEN = '/root/.ezplay-hidden-python';
const HIDE = `mkdir -p ${PYTHON_HIDDEN} && mv /usr/bin/python3* ${PYTHON_HIDDEN}/`;
const RESTORE = `if [ -d ${PYTHON_HIDDEN} ]; then mv ${PYTHON_HIDDEN}/* /usr/bin/ && rmdir ${PYTHON_HIDDEN}; fi`;

const NO_PYTHON_PLAY = `
- hosts: mods2
  gather_facts: yes
  tasks:
    - name: no python here
      shell: command -v python3 python3.11 python || echo none
      register: py
      changed_when: false
      check_mode: false
    - assert:
        that: py.stdout == 'none'
    - group: name=eznopy
    - user: name=eznopy group=eznopy shell=/usr/sbin/nologin create_home=no
    - file: path=/srv/eznopy state=directory owner=eznopy mode=0750
    - copy: dest=/srv/eznopy/app.conf content="port=1\\n" owner=eznopy mode=0640 force=no
    - template: src=unit.j2 dest=/etc/systemd/system/eznopy.service
    - lineinfile: path=/srv/eznopy/app.conf regexp='^port=' line='port=2'
    - blockinfile: path=/srv/eznopy/app.conf block="extra=yes"
    - systemd: name=eznopy state=started daemon_reload=yes
    - wait_for: path=/srv/eznopy/started timeout=10
    - stat: path=/srv/eznopy/app.conf
      register: st
    - slurp: src=/srv/eznopy/app.conf
      register: sl
    - assert:
        that:
          - st.stat.exists
          - "'port=2' in (sl.content | b64decode)"
          - ansible_facts.hostname is defined
    - command: touch /srv/eznopy/made
      args:
        creates: /srv/eznopy/made
        rollback: rm -f /srv/eznopy/made
`;

const UNIT = `[Service]
User=eznopy
ExecStart=/bin/sh -c 'touch /srv/eznopy/started; exec sleep infinity'
`;

test.serial('with python3 hidden on the machine, a playbook of everyday modules still applies, is idempotent and rolls back', async (t) => {
  const dir = await labProject({ 'play.yml': NO_PYTHON_PLAY, 'unit.j2': UNIT });
  const state = {
    paths: ['/srv/eznopy', '/etc/systemd/system/eznopy.service'],
    users: ['eznopy'],
    groups: ['eznopy'],
    units: ['eznopy'],
  };
  await onHost('mods2', `${RESTORE}; systemctl stop eznopy 2>/dev/null; rm -rf /srv/eznopy /etc/systemd/system/eznopy.service; userdel eznopy 2>/dev/null; groupdel eznopy 2>/dev/null; systemctl daemon-reload`);
  const before = await fingerprint('mods2', state);
  await onHost('mods2', HIDE);
  try {
    t.is((await onHost('mods2', 'command -v python3 || echo none')).trim(), 'none');
    const first = await runPlay(dir, 'play.yml');
    t.is(first.code, 0, describeRun(first));
    t.is(first.recap.mods2?.failed, 0);
    t.true((first.recap.mods2?.changed ?? 0) >= 9, describeRun(first));
    t.is(await onHost('mods2', 'systemctl is-active eznopy; cat /srv/eznopy/app.conf'), 'active\nport=2\n# BEGIN ANSIBLE MANAGED BLOCK\nextra=yes\n# END ANSIBLE MANAGED BLOCK\n');
    const second = await runPlay(dir, 'play.yml');
    t.is(second.code, 0, describeRun(second));
    t.is(second.recap.mods2?.changed, 0, describeRun(second));
    await rollbackTo(t, { dir, host: 'mods2', state }, first.runId, before);
  } finally {
    await onHost('mods2', RESTORE);
  }
  t.regex(await onHost('mods2', 'python3 --version'), /^Python 3/);
});

/**
 * command and shell guarded by creates/removes, with `rollback:` commands:
 * the guard makes a second run a no-op and lets --check report drift, and
 * `ezplay rollback` runs the rollback commands.
 */
import test from 'ava';
import { applyTwice, checkDrift, describeRun, fingerprint, labProject, onHost, resultOf, rollbackTo, runPlay, type Scenario } from '../helpers/lab-play.js';


const HOST = 'mods2';
const DIR = '/srv/ezcmd';

const PLAY = `
- hosts: ${HOST}
  gather_facts: no
  tasks:
    - name: command creates
      command: install -m 0640 /dev/null ${DIR}/made-by-command
      args:
        creates: ${DIR}/made-by-command
        rollback: rm -f ${DIR}/made-by-command
    - name: shell creates
      shell: echo "{{ inventory_hostname }}" > ${DIR}/made-by-shell && chmod 0600 ${DIR}/made-by-shell
      args:
        creates: ${DIR}/made-by-sh*
        chdir: ${DIR}
        rollback: rm -f ${DIR}/made-by-shell
    - name: shell removes
      shell: mv old.conf old.conf.disabled
      args:
        chdir: ${DIR}
        removes: old.conf
        rollback: mv ${DIR}/old.conf.disabled ${DIR}/old.conf
    - name: command read-only
      shell: cat ${DIR}/made-by-shell 2>/dev/null || echo missing
      register: out
      changed_when: false
      check_mode: false
    - name: command output
      assert:
        that: out.stdout == ('missing' if ansible_check_mode else inventory_hostname)
`;

const PREPARE = `rm -rf ${DIR} && mkdir -p ${DIR} && printf 'old\\n' > ${DIR}/old.conf`;
const STATE = { paths: [DIR] };
const TASKS = ['command creates', 'shell creates', 'shell removes'];

test.serial('command, shell: creates/removes make reruns no-ops and drift visible to --check; rollback runs the rollback commands', async (t) => {
  const s: Scenario = { dir: await labProject({ 'play.yml': PLAY }), host: HOST, state: STATE };
  await onHost(HOST, PREPARE);
  const before = await fingerprint(HOST, STATE);

  const { first, second } = await applyTwice(t, s, TASKS);
  t.is(await onHost(HOST, `cd ${DIR} && ls && stat -c '%a' made-by-command made-by-shell && cat made-by-shell`), `made-by-command\nmade-by-shell\nold.conf.disabled\n640\n600\n${HOST}\n`);
  t.is(resultOf(second, 'command output', HOST).status, 'ok');
  t.regex(resultOf(second, 'command creates', HOST).msg ?? '', /exists/);

  await rollbackTo(t, s, first.runId, before);

  const again = await runPlay(s.dir, 'play.yml');
  t.is(again.code, 0, describeRun(again));
  await checkDrift(t, s, `rm ${DIR}/made-by-command ${DIR}/made-by-shell && touch ${DIR}/old.conf`, TASKS);
});

/**
 * file, copy, template, lineinfile and blockinfile on a lab machine: apply,
 * apply again (nothing changes), drift by hand and `--check --diff` (each
 * task reports its drift, the host stays as it is), then `ezplay rollback`
 * (every file, mode, owner and link is back byte for byte).
 */
import test from 'ava';
import { describeRun, fingerprint, type FingerprintSpec, labProject, onHost, resultOf, rollbackRun, runPlay } from '../helpers/lab-play.js';


const HOST = 'mods1';
const DIR = '/srv/ezmod-files';

const PLAY = `
- hosts: ${HOST}
  gather_facts: no
  vars:
    listen_port: 2379
    peers: [a, b, c]
  tasks:
    - name: file directory
      file: path=${DIR}/conf.d state=directory mode=0750
    - name: file mode and owner
      file: path=${DIR}/secret.txt mode=0600 owner=nobody
    - name: file link
      file: path=${DIR}/current src=${DIR}/conf.d state=link
    - name: file absent
      file: path=${DIR}/obsolete state=absent
    - name: copy
      copy:
        dest: ${DIR}/app.env
        content: "A=1\\nB=2\\n"
        mode: "0640"
    - name: template
      template: src=app.conf.j2 dest=${DIR}/conf.d/app.conf mode=0644
    - name: lineinfile
      lineinfile: path=${DIR}/settings.ini regexp='^port=' line='port={{ listen_port }}'
    - name: blockinfile
      blockinfile:
        path: ${DIR}/hosts.txt
        block: |
          10.0.0.1 one
          10.0.0.2 two
`;

const TEMPLATE = `# managed
listen = {{ listen_port }}
{% for p in peers %}peer = {{ p }}
{% endfor %}`;

/** The files as they are before the play: some are replaced, some edited, one removed. */
const PREPARE = [
  `rm -rf ${DIR} && mkdir -p ${DIR}/obsolete/inner && cd ${DIR}`,
  `printf 'old secret\\n' > secret.txt && chmod 0644 secret.txt`,
  `printf 'A=0\\n' > app.env && chmod 0600 app.env && chown nobody:nogroup app.env`,
  `printf '[main]\\nname=x\\nport=80\\n# end\\n' > settings.ini && chmod 0664 settings.ini`,
  `printf '127.0.0.1 localhost\\n' > hosts.txt`,
  `printf 'stale\\n' > obsolete/inner/file && chmod 0700 obsolete`,
].join(' && ');

const STATE: FingerprintSpec = { paths: [DIR] };

/** Backups or temporary files beside live ones: what logrotate and conf.d readers would take for live files. */
const BESIDE = `find ${DIR} \\( -name '*.ezplay-*' -o -name '*~' -o -name '.*.ezplay-*' \\) -print`;
/** The live paths a run keeps in its backup root on the host, sorted. */
const backedUp = (runId: string) => `cat /var/lib/ezplay/backup/${runId}/*/path 2>/dev/null | sort`;

const TASKS = ['file directory', 'file mode and owner', 'file link', 'file absent', 'copy', 'template', 'lineinfile', 'blockinfile'];

/** By hand, one drift per task that can drift once applied ('file absent': the path is back). */
const DRIFT = [
  `chmod 0755 ${DIR}/conf.d`,
  `chmod 0644 ${DIR}/secret.txt`,
  `ln -sfn /tmp ${DIR}/current`,
  `mkdir ${DIR}/obsolete`,
  `printf 'A=9\\n' > ${DIR}/app.env`,
  `printf 'listen = 1\\n' >> ${DIR}/conf.d/app.conf`,
  `sed -i 's/^port=.*/port=1234/' ${DIR}/settings.ini`,
  `sed -i 's/10.0.0.2 two/10.0.0.9 nine/' ${DIR}/hosts.txt`,
].join(' && ');

test.serial('file, copy, template, lineinfile, blockinfile: apply, idempotent, drift under --check --diff, rollback byte for byte', async (t) => {
  const dir = await labProject({ 'play.yml': PLAY, 'app.conf.j2': TEMPLATE });
  await onHost(HOST, PREPARE);
  const before = await fingerprint(HOST, STATE);

  const first = await runPlay(dir, 'play.yml');
  t.is(first.code, 0, describeRun(first));
  for (const task of TASKS) t.is(resultOf(first, task, HOST).status, 'changed', `first run: ${task}`);
  t.is(await onHost(HOST, `cat ${DIR}/conf.d/app.conf`), '# managed\nlisten = 2379\npeer = a\npeer = b\npeer = c\n');
  t.is(await onHost(HOST, `cat ${DIR}/settings.ini`), '[main]\nname=x\nport=2379\n# end\n');
  t.is(await onHost(HOST, `cat ${DIR}/hosts.txt`), '127.0.0.1 localhost\n# BEGIN ANSIBLE MANAGED BLOCK\n10.0.0.1 one\n10.0.0.2 two\n# END ANSIBLE MANAGED BLOCK\n');
  t.is(await onHost(HOST, `stat -c '%a %U' ${DIR}/secret.txt ${DIR}/app.env ${DIR}/conf.d; readlink ${DIR}/current; test -e ${DIR}/obsolete || echo gone`), '600 nobody\n640 nobody\n750 root\n/srv/ezmod-files/conf.d\ngone\n');
  t.is(await onHost(HOST, BESIDE), '', 'no backup beside a live file after the run');
  t.is(
    await onHost(HOST, backedUp(first.runId)),
    ['app.env', 'hosts.txt', 'obsolete', 'settings.ini'].map((f) => `${DIR}/${f}\n`).join(''),
    "what the run replaced or removed is in the run's backup root",
  );
  const applied = await fingerprint(HOST, STATE);

  const second = await runPlay(dir, 'play.yml');
  t.is(second.code, 0, describeRun(second));
  for (const task of TASKS) t.is(resultOf(second, task, HOST).status, 'ok', `second run: ${task}`);
  t.is(second.recap[HOST]?.changed, 0);
  t.is(await fingerprint(HOST, STATE), applied, 'a second run changes nothing');

  await onHost(HOST, DRIFT);
  const drifted = await fingerprint(HOST, STATE);
  const check = await runPlay(dir, 'play.yml', ['--check', '--diff']);
  t.is(check.code, 0, describeRun(check));
  for (const task of TASKS) {
    const result = resultOf(check, task, HOST);
    t.is(result.status, 'changed', `--check sees the drift of ${task}`);
    t.true((result.diff ?? []).length > 0, `--diff shows the drift of ${task}`);
  }
  const copyDiff = resultOf(check, 'copy', HOST).diff ?? [];
  t.true(copyDiff.some((d) => d.before.includes('A=9') && d.after.includes('A=1')), JSON.stringify(copyDiff));
  const lineDiff = resultOf(check, 'lineinfile', HOST).diff ?? [];
  t.true(lineDiff.some((d) => d.before.includes('port=1234') && d.after.includes('port=2379')), JSON.stringify(lineDiff));
  t.is(await fingerprint(HOST, STATE), drifted, '--check changes nothing');

  // the drift is a hand edit since the run: rollback leaves every drifted path in place and says so
  const refused = await rollbackRun(dir, first.runId);
  t.is(refused.code, 2, describeRun(refused));
  for (const task of TASKS) t.regex(describeRun(refused), new RegExp(`refused \\[${task}\\] .*changed outside ezplay`), task);
  t.is(await fingerprint(HOST, STATE), drifted, 'a refused rollback changes nothing it refused');
  // --force undoes anyway: every file back as it was before the run
  const undo = await rollbackRun(dir, first.runId, ['--force']);
  t.is(undo.code, 0, describeRun(undo));
  t.is(await fingerprint(HOST, STATE), before, 'rollback --force puts every file back as it was');
  t.is(await onHost(HOST, BESIDE), '', 'no backup beside a live file after the rollback');
});

/**
 * ca and cert on a lab machine: a CA and a server certificate made once,
 * kept on a second run, reissued (under --check: only reported) when the
 * certificate drifts, and rolled back to the files as they were.
 */
import test from 'ava';
import { applyTwice, checkDrift, describeRun, fingerprint, labProject, onHost, rollbackTo, runPlay, type Scenario } from '../helpers/lab-play.js';


const HOST = 'mods2';
const DIR = '/srv/ezpki';

const PLAY = `
- hosts: ${HOST}
  gather_facts: no
  tasks:
    - name: ca
      ca: path=${DIR} common_name=ez-test-ca
    - name: cert
      cert:
        ca_cert: ${DIR}/ca.pem
        ca_key: ${DIR}/ca-key.pem
        cert: ${DIR}/server.pem
        key: ${DIR}/server-key.pem
        common_name: ez-server
        hosts: [127.0.0.1, "{{ ansible_host }}", ez.example]
        usages: [server, client]
        owner: nobody
`;

/** An old certificate that the play replaces (and rollback puts back). */
const PREPARE = `rm -rf ${DIR} && mkdir -p ${DIR} && printf 'old cert\\n' > ${DIR}/server.pem && chmod 0640 ${DIR}/server.pem`;
const STATE = { paths: [DIR] };

test.serial('ca, cert: apply, idempotent, rollback byte for byte, drift under --check --diff', async (t) => {
  const s: Scenario = { dir: await labProject({ 'play.yml': PLAY }), host: HOST, state: STATE };
  await onHost(HOST, PREPARE);
  const before = await fingerprint(HOST, STATE);

  const { first } = await applyTwice(t, s, ['ca', 'cert']);
  const verify = await onHost(HOST, `cd ${DIR} && openssl verify -CAfile ca.pem server.pem; stat -c '%n %a %U' ca.pem ca-key.pem server.pem server-key.pem`);
  t.regex(verify, /server\.pem: OK/);
  t.regex(verify, /ca-key\.pem 600 root\nserver\.pem 644 nobody\nserver-key\.pem 600 nobody/);

  await rollbackTo(t, s, first.runId, before);

  const again = await runPlay(s.dir, 'play.yml');
  t.is(again.code, 0, describeRun(again));
  await checkDrift(t, s, `rm ${DIR}/server.pem`, ['cert']);
  await onHost(HOST, `rm -rf ${DIR}`);
});

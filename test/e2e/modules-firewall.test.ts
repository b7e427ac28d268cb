/**
 * firewall (its iptables backend: the lab machines have iptables and
 * CAP_NET_ADMIN, no firewalld or ufw) and iptables: open, close, add and
 * delete rules; apply twice, roll back to the same `iptables -S`, drift by
 * hand under `--check --diff`.
 */
import test from 'ava';
import { applyTwice, checkDrift, describeRun, fingerprint, labProject, onHost, rollbackTo, runPlay, type Scenario } from '../helpers/lab-play.js';


const HOST = 'mods2';

const PLAY = `
- hosts: ${HOST}
  gather_facts: no
  tasks:
    - name: firewall open one port
      firewall: port=2379
    - name: firewall open a list
      firewall:
        port: [2380, '8000-8010', 53/udp]
    - name: firewall close
      firewall: port=9999 state=disabled
    - name: iptables add
      iptables: chain=INPUT protocol=tcp destination_port=7000 jump=DROP comment=ez-drop
    - name: iptables delete
      iptables: chain=INPUT source=10.9.9.9 jump=DROP state=absent
`;

/** The chain before the play: an open port to close and a rule to delete, between rules to keep. */
const PREPARE = [
  'iptables -F INPUT',
  'iptables -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT',
  'iptables -A INPUT -p tcp -m tcp --dport 9999 -j ACCEPT',
  'iptables -A INPUT -s 10.9.9.9/32 -j DROP',
  'iptables -A INPUT -p icmp -j ACCEPT',
].join(' && ');

const STATE = { iptables: true };
const TASKS = ['firewall open one port', 'firewall open a list', 'firewall close', 'iptables add', 'iptables delete'];

test.serial('firewall (iptables) and iptables: apply, idempotent, rollback to the same rules in the same order, drift under --check --diff', async (t) => {
  const s: Scenario = { dir: await labProject({ 'play.yml': PLAY }), host: HOST, state: STATE };
  await onHost(HOST, PREPARE);
  const before = await fingerprint(HOST, STATE);

  const { first } = await applyTwice(t, s, TASKS);
  const rules = await onHost(HOST, 'iptables -S INPUT');
  for (const port of ['2379', '2380', '8000:8010']) t.regex(rules, new RegExp(`-p tcp .*--dport ${port} .*-j ACCEPT`), `tcp ${port} is open`);
  t.regex(rules, /-p udp .*--dport 53 .*-j ACCEPT/);
  t.notRegex(rules, /--dport 9999/);
  t.regex(rules, /--dport 7000 .*--comment ez-drop -j DROP/);
  t.notRegex(rules, /10\.9\.9\.9/);

  await rollbackTo(t, s, first.runId, before);

  const again = await runPlay(s.dir, 'play.yml');
  t.is(again.code, 0, describeRun(again));
  const ezplayRule2379 = (await onHost(HOST, 'iptables -S INPUT')).split('\n').find((l) => /--dport 2379 /.test(l));
  t.truthy(ezplayRule2379);
  await checkDrift(t, s, [
    `iptables ${ezplayRule2379!.replace(/^-A /, '-D ')}`,
    'iptables -D INPUT -p udp -m udp --dport 53 -m comment --comment ezplay -j ACCEPT',
    'iptables -A INPUT -p tcp -m tcp --dport 9999 -j ACCEPT',
    'iptables -D INPUT -p tcp -m tcp --dport 7000 -m comment --comment ez-drop -j DROP',
    'iptables -A INPUT -s 10.9.9.9/32 -j DROP',
  ].join(' && '), TASKS);
  t.true((await fingerprint(HOST, STATE)).includes('--dport 9999'));
  await onHost(HOST, 'iptables -F INPUT');
});

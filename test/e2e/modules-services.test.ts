/**
 * systemd and service with units the play installs, wait_for and uri
 * against a small HTTP server one of those units runs on the machine:
 * apply twice, drift by hand under `--check --diff`, and roll back to the
 * units, enablement and files as they were.
 */
import test from 'ava';
import { applyTwice, checkDrift, describeRun, fingerprint, labProject, onHost, quote, resultOf, rollbackTo, runPlay, type Scenario } from '../helpers/lab-play.js';


const HOST = 'mods1';
const PORT = 8088;

const WEB_UNIT = `[Unit]
Description=ezplay test web server

[Service]
ExecStart=/usr/bin/python3 -m http.server ${PORT} --bind 127.0.0.1 --directory /srv/ezweb

[Install]
WantedBy=multi-user.target
`;

const SLEEP_UNIT = `[Unit]
Description=ezplay test idle service

[Service]
ExecStart=/bin/sleep infinity

[Install]
WantedBy=multi-user.target
`;

const PLAY = `
- hosts: ${HOST}
  gather_facts: no
  tasks:
    - name: web root
      file: path=/srv/ezweb state=directory mode=0755
    - name: web page
      copy: dest=/srv/ezweb/index.html content="hello from ezweb\\n"
    - name: web unit
      copy: src=ezweb.service dest=/etc/systemd/system/ezweb.service
    - name: systemd start and enable
      systemd: name=ezweb state=started enabled=yes daemon_reload=yes
    - name: service stop and disable
      service: name=ezidle state=stopped enabled=no
    - name: wait_for port
      wait_for: port=${PORT} timeout={{ wait_timeout | default(20) }}
    - name: wait_for file
      wait_for: path=/srv/ezweb/index.html search_regex=hello timeout=5
    - name: uri get
      uri: url=http://127.0.0.1:${PORT}/index.html return_content=yes
      register: page
    - name: uri result
      assert:
        that:
          - page.status == 200
          - page.content == 'hello from ezweb\\n'
    - name: uri expected status
      uri: url=http://127.0.0.1:${PORT}/missing status_code=404
`;

/** A unit that runs before the play, which the play stops and disables. */
const PREPARE = [
  'systemctl disable --now ezweb 2>/dev/null || true',
  'rm -rf /srv/ezweb /etc/systemd/system/ezweb.service',
  `printf %s ${quote(SLEEP_UNIT)} > /etc/systemd/system/ezidle.service`,
  'systemctl daemon-reload',
  'systemctl enable --now ezidle',
].join(' && ');

const STATE = {
  paths: ['/srv/ezweb', '/etc/systemd/system/ezweb.service', '/etc/systemd/system/ezidle.service', '/etc/systemd/system/multi-user.target.wants'],
  units: ['ezweb', 'ezidle'],
  commands: [`grep -ci ':${PORT.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 0A' /proc/net/tcp || true`],
};

const CHANGING = ['web root', 'web page', 'web unit', 'systemd start and enable', 'service stop and disable'];
const READING = ['wait_for port', 'wait_for file', 'uri get', 'uri result', 'uri expected status'];

test.serial('systemd, service, wait_for, uri: apply, idempotent, rollback, drift under --check --diff', async (t) => {
  const s: Scenario = { dir: await labProject({ 'play.yml': PLAY, 'ezweb.service': WEB_UNIT }), host: HOST, state: STATE };
  await onHost(HOST, PREPARE);
  const before = await fingerprint(HOST, STATE);
  t.regex(before, /## unit ezidle\nenabled\nactive\n/);

  const { first, second } = await applyTwice(t, s, CHANGING);
  for (const task of READING) {
    t.is(resultOf(first, task, HOST).status, 'ok', task);
    t.is(resultOf(second, task, HOST).status, 'ok', task);
  }
  t.is(await onHost(HOST, 'systemctl is-active ezweb ezidle; systemctl is-enabled ezweb ezidle || true'), 'active\ninactive\nenabled\ndisabled\n');

  await rollbackTo(t, s, first.runId, before);
  t.regex(await fingerprint(HOST, STATE), /## unit ezweb\n.*\ninactive\n/, 'the web server is stopped');

  const again = await runPlay(s.dir, 'play.yml');
  t.is(again.code, 0, describeRun(again));
  // the server keeps running, so wait_for and uri still pass under --check
  await checkDrift(t, s, 'systemctl disable ezweb && systemctl enable --now ezidle', ['systemd start and enable', 'service stop and disable']);

  // a stopped server: wait_for and uri fail, and say why
  await onHost(HOST, 'systemctl stop ezweb');
  const down = await runPlay(s.dir, 'play.yml', ['--check', '-e', 'wait_timeout=2']);
  t.is(down.code, 2, describeRun(down));
  t.is(resultOf(down, 'systemd start and enable', HOST).status, 'changed');
  const wait = resultOf(down, 'wait_for port', HOST);
  t.is(wait.status, 'failed');
  t.regex(wait.msg ?? '', new RegExp(`${PORT}`));
  await onHost(HOST, 'systemctl disable --now ezweb ezidle; rm -f /etc/systemd/system/ezweb.service /etc/systemd/system/ezidle.service; systemctl daemon-reload');
});

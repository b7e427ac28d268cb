/**
 * user password, iptables policy and flush, hostname and apt on a lab
 * machine: apply twice, drift under `--check --diff`, roll back to the same
 * fingerprint. The password hash never appears in the output or the journal.
 * apt has no network in the lab: it installs .deb files built here with
 * dpkg-deb, directly (`deb:`) or from a local apt source (file:/srv/ezrepo).
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { applyTwice, checkDrift, describeRun, fingerprint, labProject, onHost, resultOf, rollbackTo, runPlay, type Scenario } from '../helpers/lab-play.js';

const HOST = 'mods1';
const OLD_HASH = '$6$ezsaltone$Xn087REchmxpiQ7SwsdWehfJt/XMO1qmzqI87pIKlLH0t1a.FhxdLDg6KaJ3q1ruu0LmLwYxVrbqFrLR9Gkq10';
const NEW_HASH = '$6$ezsalttwo$wMkO/JB7DKddlUz8mKAtEvvhU9Gk0qX2rTeVcrtWIVT2JXz/CQUSztXkgX/ZYT0mMjtYz4TyaeJMBduI3934A/';
const CREATE_HASH = '$6$ezsaltthr$GUarEe28vDmeoj3VM/ywQCi6zkQ.xGKc1UtDbM0TV4vYBk8hdDyDYo28HIv704mkJmIAhCI6lu9cIo9xAgEVL1';
const DEB = '/root/ezplay-hello_1.0_all.deb';

/** A package with one file, built with dpkg-deb. */
function debBytes(name = 'ezplay-hello', version = '1.0'): { bytes: Buffer; control: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-deb-'));
  const root = path.join(dir, 'root');
  mkdirSync(path.join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(path.join(root, `usr/share/${name}`), { recursive: true });
  const control = `Package: ${name}\nVersion: ${version}\nArchitecture: all\nMaintainer: ezplay tests <root@localhost>\nDescription: a package for the apt module tests\n`;
  writeFileSync(path.join(root, 'DEBIAN/control'), control);
  writeFileSync(path.join(root, `usr/share/${name}/README`), `hello from ${name} ${version}\n`);
  execFileSync('dpkg-deb', ['--root-owner-group', '--build', root, path.join(dir, 'pkg.deb')], { stdio: 'ignore' });
  return { bytes: readFileSync(path.join(dir, 'pkg.deb')), control };
}

const buildDeb = (): string => debBytes().bytes.toString('base64');

/**
 * A local apt source on the host (file:/srv/ezrepo, trusted) holding
 * `packages`, and apt's lists updated from it alone: the lab has no network.
 */
function localRepoCommand(packages: Array<[string, string]>): string {
  const lines = ['rm -rf /srv/ezrepo', 'mkdir -p /srv/ezrepo'];
  const stanzas: string[] = [];
  for (const [name, version] of packages) {
    const { bytes, control } = debBytes(name, version);
    const file = `${name}_${version}_all.deb`;
    lines.push(`echo ${bytes.toString('base64')} | base64 -d > /srv/ezrepo/${file}`);
    stanzas.push(`${control}Filename: ./${file}\nSize: ${bytes.length}\nSHA256: ${createHash('sha256').update(bytes).digest('hex')}\n`);
  }
  lines.push(`echo ${Buffer.from(stanzas.join('\n')).toString('base64')} | base64 -d > /srv/ezrepo/Packages`);
  lines.push("echo 'deb [trusted=yes] file:/srv/ezrepo ./' > /etc/apt/sources.list.d/ezplay-test.list");
  lines.push('apt-get -q update -o Dir::Etc::sourcelist=/etc/apt/sources.list.d/ezplay-test.list -o Dir::Etc::sourceparts=- -o APT::Get::List-Cleanup=0 >/dev/null');
  return lines.join(' && ');
}

const PLAY = `
- hosts: ${HOST}
  gather_facts: no
  tasks:
    - name: user created with a password
      user: name=ezpwnew create_home=no password='${CREATE_HASH}'
    - name: user password changed
      user: name=ezpwold password='${NEW_HASH}'
    - name: hostname
      hostname: name=ezplay-renamed
    - name: iptables policy
      iptables: chain=FORWARD policy=DROP
    - name: iptables flush
      iptables: chain=EZTEST flush=yes
    - name: apt deb
      apt: deb=${DEB}
`;

const TASKS = ['user created with a password', 'user password changed', 'hostname', 'iptables policy', 'iptables flush', 'apt deb'];

const STATE = {
  users: ['ezpwnew', 'ezpwold'],
  iptables: true,
  commands: [
    'uname -n',
    'cat /etc/hostname',
    "dpkg-query -W -f='${db:Status-Abbrev} ${Version}\\n' ezplay-hello 2>&1 || true",
    'ls /usr/share/ezplay-hello 2>&1 || true',
  ],
};

const PREPARE = [
  `echo ${buildDeb()} | base64 -d > ${DEB}`,
  // the machine's own name, kept aside once, so an interrupted run cannot leave another name behind
  'n=$(cat /root/ezplay-hostname 2>/dev/null || uname -n) && echo $n > /root/ezplay-hostname && hostname $n && echo $n > /etc/hostname',
  'userdel ezpwnew 2>/dev/null || true',
  'id ezpwold >/dev/null 2>&1 || useradd -M ezpwold',
  // the old hash goes in through stdin, as the module does it
  `echo 'ezpwold:${OLD_HASH}' | chpasswd -e`,
  'iptables -P FORWARD ACCEPT',
  'iptables -N EZTEST 2>/dev/null || iptables -F EZTEST',
  'iptables -A EZTEST -s 10.9.9.0/24 -j DROP',
  "iptables -A EZTEST -p tcp -m tcp --dport 7001 -m comment --comment 'ez test' -j ACCEPT",
  'dpkg -r ezplay-hello >/dev/null 2>&1 || true',
].join(' && ');

test.serial('user password, iptables policy/flush, hostname, apt deb: apply, idempotent, drift under --check --diff, rollback', async (t) => {
  const s: Scenario = { dir: await labProject({ 'play.yml': PLAY }), host: HOST, state: STATE };
  await onHost(HOST, PREPARE);
  const originalName = (await onHost(HOST, 'cat /etc/hostname')).trim();
  const before = await fingerprint(HOST, STATE);

  const { first } = await applyTwice(t, s, TASKS);
  t.regex(await onHost(HOST, 'getent shadow ezpwold | cut -d: -f2'), new RegExp(`^${NEW_HASH.replace(/[$./]/g, '\\$&')}$`, 'm'));
  t.regex(await onHost(HOST, 'getent shadow ezpwnew | cut -d: -f2'), new RegExp(`^${CREATE_HASH.replace(/[$./]/g, '\\$&')}$`, 'm'));
  t.is((await onHost(HOST, 'uname -n; cat /etc/hostname')).trim(), 'ezplay-renamed\nezplay-renamed');
  t.regex(await onHost(HOST, 'iptables -S FORWARD'), /^-P FORWARD DROP$/m);
  t.is((await onHost(HOST, 'iptables -S EZTEST')).trim(), '-N EZTEST');
  t.is((await onHost(HOST, 'cat /usr/share/ezplay-hello/README')).trim(), 'hello from ezplay-hello 1.0');

  // the hashes are secrets: not in what the CLI printed, not in the journal
  const journals = readdirSync(path.join(s.dir, '.ezplay', 'runs'))
    .map((run) => path.join(s.dir, '.ezplay', 'runs', run, 'journal.jsonl'))
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  for (const hash of [NEW_HASH, CREATE_HASH]) {
    t.false(first.stdout.includes(hash) || first.stderr.includes(hash), 'no hash in the output');
    t.false(journals.includes(hash), 'no hash in the journal');
  }
  t.true(journals.includes('chpasswd -e <'), 'the journal holds the undo that restores the old hash from the host');

  await rollbackTo(t, s, first.runId, before);
  t.is((await onHost(HOST, 'uname -n')).trim(), originalName);

  const again = await runPlay(s.dir, 'play.yml');
  t.is(again.code, 0, describeRun(again));
  await checkDrift(
    t,
    s,
    [
      `echo 'ezpwold:${OLD_HASH}' | chpasswd -e`,
      `echo 'ezpwnew:${OLD_HASH}' | chpasswd -e`,
      `hostname ${originalName}`,
      'iptables -P FORWARD ACCEPT',
      'iptables -A EZTEST -j RETURN',
      'dpkg -r ezplay-hello >/dev/null',
    ].join(' && '),
    TASKS,
  );
  const check = await runPlay(s.dir, 'play.yml', ['--check', '--diff']);
  t.false(check.stdout.includes(NEW_HASH), 'no hash in a --diff either');
  await onHost(HOST, `hostname ${originalName}; echo ${originalName} > /etc/hostname; iptables -P FORWARD ACCEPT; iptables -F EZTEST; iptables -X EZTEST; userdel ezpwnew; userdel ezpwold; true`);
});

test.serial('apt: removing a package from a local .deb warns that it cannot be undone; absent again is no change', async (t) => {
  const play = `
- hosts: ${HOST}
  gather_facts: no
  tasks:
    - name: present
      apt: name=ezplay-hello
    - name: absent
      apt: name=ezplay-hello state=absent
`;
  const dir = await labProject({ 'play.yml': play });
  await onHost(HOST, `echo ${buildDeb()} | base64 -d > ${DEB} && dpkg -i ${DEB} >/dev/null`);
  const check = await runPlay(dir, 'play.yml', ['--check']);
  t.is(check.code, 0, describeRun(check));
  t.is(resultOf(check, 'present', HOST).status, 'ok');
  t.is(resultOf(check, 'absent', HOST).status, 'changed');
  t.regex(await onHost(HOST, "dpkg-query -W -f='${db:Status-Abbrev}' ezplay-hello"), /^ii/, '--check removed nothing');

  const run = await runPlay(dir, 'play.yml');
  t.is(run.code, 0, describeRun(run));
  t.is(resultOf(run, 'absent', HOST).status, 'changed');
  t.regex(JSON.stringify(run.events.filter((e) => e.type === 'warning' || e.type === 'host_result')), /cannot be undone: no apt source has ezplay-hello 1.0/);
  t.notRegex(await onHost(HOST, "dpkg-query -W -f='${db:Status-Abbrev}' ezplay-hello 2>/dev/null || true"), /^ii/);
  // gone, and no source has it: state=present now fails with apt's own words, absent is no change
  const again = await runPlay(dir, 'play.yml', ['--check']);
  t.regex(resultOf(again, 'present', HOST).msg ?? '', /Unable to locate package ezplay-hello/);
  const absentOnly = await labProject({ 'play.yml': play.replace(/ {4}- name: present\n.*\n/, '') });
  const noChange = await runPlay(absentOnly, 'play.yml', ['--check']);
  t.is(resultOf(noChange, 'absent', HOST).status, 'ok', describeRun(noChange));
});

test.serial('cron (an /etc/cron.d file) and mount (tmpfs): apply, idempotent, drift under --check --diff, rollback', async (t) => {
  const play = `
- hosts: ${HOST}
  gather_facts: no
  tasks:
    - name: cron job
      cron: name=defrag job='etcdctl defrag' cron_file=ezplay-defrag user=root special_time=weekly
    - name: cron env
      cron: name=ETCDCTL_API job=3 env=yes cron_file=ezplay-defrag
    - name: mount
      mount: path=/srv/ezplay-tmp/data src=tmpfs fstype=tmpfs opts=size=1m,mode=0750 state=mounted
`;
  const state = {
    paths: ['/etc/cron.d/ezplay-defrag', '/etc/fstab'],
    commands: ['findmnt -n -o SOURCE,FSTYPE --mountpoint /srv/ezplay-tmp/data || true', 'ls -d /srv/ezplay-tmp 2>&1 || true'],
  };
  const s: Scenario = { dir: await labProject({ 'play.yml': play }), host: HOST, state };
  // cron is not installed in the lab image; its folder is what the module needs
  await onHost(HOST, 'mkdir -p /etc/cron.d && rm -f /etc/cron.d/ezplay-defrag && (umount /srv/ezplay-tmp/data 2>/dev/null; rm -rf /srv/ezplay-tmp; true)');
  const before = await fingerprint(HOST, state);

  const { first } = await applyTwice(t, s, ['cron job', 'cron env', 'mount']);
  t.is(await onHost(HOST, 'cat /etc/cron.d/ezplay-defrag'), 'ETCDCTL_API=3\n#Ansible: defrag\n@weekly root etcdctl defrag\n');
  t.regex(await onHost(HOST, 'cat /etc/fstab'), /^tmpfs \/srv\/ezplay-tmp\/data tmpfs size=1m,mode=0750 0 0$/m);
  t.regex(await onHost(HOST, 'findmnt -n -o FSTYPE,OPTIONS --mountpoint /srv/ezplay-tmp/data'), /tmpfs .*size=1024k,mode=750/);

  await rollbackTo(t, s, first.runId, before);

  const again = await runPlay(s.dir, 'play.yml');
  t.is(again.code, 0, describeRun(again));
  await checkDrift(t, s, "sed -i 's/@weekly/@daily/; s/^ETCDCTL_API=3/ETCDCTL_API=2/' /etc/cron.d/ezplay-defrag && umount /srv/ezplay-tmp/data", ['cron job', 'cron env', 'mount']);
  await onHost(HOST, "rm -f /etc/cron.d/ezplay-defrag; umount /srv/ezplay-tmp/data 2>/dev/null; sed -i '\\#/srv/ezplay-tmp#d' /etc/fstab; rm -rf /srv/ezplay-tmp; true");
});

test.serial('apt from an apt source: latest upgrades and installs; rollback downgrades and removes; a removal is undone by installing the old version', async (t) => {
  const play = `
- hosts: ${HOST}
  gather_facts: no
  tasks:
    - name: latest
      apt: name=ezplay-hello state=latest
    - name: present
      apt:
        name: [ezplay-world]
        install_recommends: no
`;
  const state = { commands: ["dpkg-query -W -f='${db:Status-Abbrev} ${Package} ${Version}\\n' ezplay-hello ezplay-world 2>&1 | sort || true"] };
  const s: Scenario = { dir: await labProject({ 'play.yml': play }), host: HOST, state };
  await onHost(HOST, `dpkg -r ezplay-hello ezplay-world >/dev/null 2>&1; ${localRepoCommand([['ezplay-hello', '1.0'], ['ezplay-hello', '2.0'], ['ezplay-world', '1.0']])}`);
  await onHost(HOST, 'apt-get -q -y install ezplay-hello=1.0 >/dev/null');
  const before = await fingerprint(HOST, state);
  t.regex(before, /ii {2}ezplay-hello 1\.0/);

  // --check --diff is apt's own simulation
  const preview = await runPlay(s.dir, 'play.yml', ['--check', '--diff']);
  const diffOf = (task: string) => resultOf(preview, task, HOST).diff?.map((d) => `${d.subject}: ${d.before} -> ${d.after}`);
  t.deepEqual(diffOf('latest'), ['package ezplay-hello: 1.0 -> 2.0']);
  t.deepEqual(diffOf('present'), ['package ezplay-world: absent -> 1.0']);
  t.is(await fingerprint(HOST, state), before);

  const { first } = await applyTwice(t, s, ['latest', 'present']);
  t.regex(await fingerprint(HOST, state), /ii {2}ezplay-hello 2\.0[\s\S]*ii {2}ezplay-world 1\.0/);
  await rollbackTo(t, s, first.runId, before);

  await checkDrift(t, s, 'apt-get -q -y install ezplay-hello=1.0 ezplay-world >/dev/null', ['latest']);

  const absent = await labProject({ 'play.yml': `
- hosts: ${HOST}
  gather_facts: no
  tasks:
    - name: absent
      apt: name=ezplay-hello state=absent
` });
  const removing: Scenario = { dir: absent, host: HOST, state };
  const installed = await fingerprint(HOST, state);
  const { first: removal } = await applyTwice(t, removing, ['absent']);
  t.notRegex(await fingerprint(HOST, state), /ii {2}ezplay-hello/);
  t.false(removal.events.some((e) => e.type === 'warning'), 'a version a source has can be put back: no warning');
  await rollbackTo(t, removing, removal.runId, installed);

  await onHost(HOST, 'dpkg -r ezplay-hello ezplay-world >/dev/null 2>&1; rm -rf /srv/ezrepo /etc/apt/sources.list.d/ezplay-test.list /var/lib/apt/lists/_srv_ezrepo_*; true');
});

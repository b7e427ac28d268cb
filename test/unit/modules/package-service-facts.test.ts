import test from 'ava';
import { parsePackageLists } from '../../../src/facts/package-list.js';
import { parseServices } from '../../../src/facts/services.js';
import { packageFactsModule } from '../../../src/modules/package-facts.js';
import { serviceFactsModule } from '../../../src/modules/service-facts.js';
import { moduleTable } from '../../helpers/module-table.js';

// dpkg-query -W -f='${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\t${Section}\n', Debian 12
const DPKG = [
  'ii \tadduser\t3.134\tall\tadmin',
  'ii \tansible\t7.7.0+dfsg-3+deb12u1\tall\tadmin',
  'rc \tetcd-server\t3.4.23-4+b6\tamd64\tdatabase',
  'ii \tlibc6\t2.36-9+deb12u4\tamd64\tlibs',
  'ii \tlibc6\t2.36-9+deb12u4\ti386\tlibs',
  'iU \tchrony\t4.3-2+deb12u1\tamd64\tnet',
].join('\n');
// rpm -qa --queryformat '%{NAME}\t%{VERSION}\t%{RELEASE}\t%{EPOCH}\t%{ARCH}\n', Rocky 9
const RPM = ['bash\t5.1.8\t9.el9\t(none)\tx86_64', 'openssl\t3.0.7\t27.el9\t1\tx86_64', 'gpg-pubkey\t5a6340b3\t6229229e\t(none)\t(none)'].join('\n');

test('dpkg listing: installed packages only, an arch per entry', (t) => {
  const [apt] = parsePackageLists(`@@apt\n${DPKG}\n`);
  t.is(apt?.manager, 'apt');
  t.deepEqual(apt?.packages.map((p) => `${p.name} ${p.version} ${p.arch}`), [
    'adduser 3.134 all',
    'ansible 7.7.0+dfsg-3+deb12u1 all',
    'libc6 2.36-9+deb12u4 amd64',
    'libc6 2.36-9+deb12u4 i386',
    'chrony 4.3-2+deb12u1 amd64',
  ]);
  t.deepEqual(apt?.packages[0], { name: 'adduser', version: '3.134', arch: 'all', category: 'admin', source: 'apt' });
});

test('rpm listing: epoch a number or null', (t) => {
  const [rpm] = parsePackageLists(`@@rpm\n${RPM}\n`);
  t.deepEqual(rpm?.packages[1], { name: 'openssl', version: '3.0.7', release: '27.el9', epoch: 1, arch: 'x86_64', source: 'rpm' });
  t.is(rpm?.packages[0]?.epoch, null);
});

test('a failed listing is an error, a missing manager is absent', (t) => {
  t.throws(() => parsePackageLists('@@apt\n@@failed\n'), { message: /apt: listing the installed packages failed/ });
  t.deepEqual(parsePackageLists(''), []);
});

moduleTable([
  {
    name: 'auto on Debian: apt, one command, a list per name',
    module: packageFactsModule,
    args: {},
    vars: { ansible_facts: { hostname: 'etcd1' } },
    facts: { 'dpkg-query': `@@apt\n${DPKG}\n` },
    expect: {
      changed: false,
      readCommands: [/rpm -qa .*dpkg-query -W/],
      result: {
        ansible_facts: {
          packages: {
            adduser: [{ name: 'adduser', version: '3.134', arch: 'all', source: 'apt' }],
            libc6: [{ arch: 'amd64' }, { arch: 'i386' }],
          },
        },
      },
      also: (t, plan) => {
        const packages = (plan.result?.ansible_facts as { packages: Record<string, unknown> }).packages;
        t.deepEqual(Object.keys(packages), ['adduser', 'ansible', 'libc6', 'chrony'], 'removed packages are not listed');
        t.deepEqual(plan.facts, { packages, ansible_facts: { hostname: 'etcd1', packages } }, 'the other facts are kept');
      },
    },
  },
  {
    name: 'auto: an empty rpm database on a Debian host is passed over',
    module: packageFactsModule,
    args: { manager: 'auto' },
    facts: { 'dpkg-query': `@@rpm\n@@apt\n${DPKG}\n` },
    expect: { changed: false, result: { ansible_facts: { packages: { adduser: [{ source: 'apt' }] } } } },
  },
  {
    name: 'manager rpm asks rpm only',
    module: packageFactsModule,
    args: { manager: ['rpm'] },
    facts: { 'rpm -qa': `@@rpm\n${RPM}\n` },
    expect: { changed: false, readCommands: [/^command -v rpm .*; true$/], result: { ansible_facts: { packages: { openssl: [{ epoch: 1, release: '27.el9' }] } } } },
  },
  {
    name: 'no manager on the host: Ansible\'s error',
    module: packageFactsModule,
    args: {},
    facts: { 'dpkg-query': '' },
    expect: { error: /^Could not detect a supported package manager from the following list: \['rpm', 'apt'\]/ },
  },
  {
    name: 'a manager ezplay does not read is refused by name',
    module: packageFactsModule,
    args: { manager: ['apt', 'portage'] },
    expect: { error: 'Unsupported package managers requested: portage' },
  },
]);

// systemctl list-units / list-unit-files --no-pager --no-legend --plain --type=service --all, systemd 252 (Debian 12)
const UNITS = [
  'apparmor.service                       loaded    active   exited  Load AppArmor profiles',
  'cron.service                           loaded    active   running Regular background program processing daemon',
  'etcd.service                           loaded    failed   failed  etcd key-value store',
  'ntp.service                            not-found inactive dead    ntp.service',
  'systemd-fsck-root.service              loaded    inactive dead    File System Check on Root Device',
].join('\n');
const FILES = [
  'apparmor.service                           enabled         enabled',
  'cron.service                               enabled         enabled',
  'etcd.service                               disabled        enabled',
  'getty@.service                             enabled         enabled',
  'ssh.service                                enabled         enabled',
  'systemd-fsck-root.service                  enabled-runtime enabled',
].join('\n');
const SHOW = 'Id=apparmor.service\nActiveState=active\n\nId=cron.service\nActiveState=active\n\nId=etcd.service\nActiveState=failed\n\nId=ssh.service\nActiveState=inactive\n\nActiveState=active\nId=systemd-fsck-root.service\n';
const SYSTEMD = `@@units\n${UNITS}\n@@files\n${FILES}\n@@show\n${SHOW}`;

test('services: state from SUB, status from the unit file unless the unit is broken', (t) => {
  t.deepEqual(parseServices(SYSTEMD), {
    'apparmor.service': { name: 'apparmor.service', state: 'stopped', status: 'enabled', source: 'systemd' },
    'cron.service': { name: 'cron.service', state: 'running', status: 'enabled', source: 'systemd' },
    'etcd.service': { name: 'etcd.service', state: 'stopped', status: 'failed', source: 'systemd' },
    'ntp.service': { name: 'ntp.service', state: 'stopped', status: 'not-found', source: 'systemd' },
    'systemd-fsck-root.service': { name: 'systemd-fsck-root.service', state: 'stopped', status: 'enabled-runtime', source: 'systemd' },
    'getty@.service': { name: 'getty@.service', state: 'unknown', status: 'enabled', source: 'systemd' },
    'ssh.service': { name: 'ssh.service', state: 'inactive', status: 'enabled', source: 'systemd' },
  });
});

test('services: no systemd as PID 1 gives none; a unit file line without status is an error', (t) => {
  t.is(parseServices('@@no-systemd\n'), undefined);
  t.throws(() => parseServices('@@units\n@@files\nodd.service\n'), { message: /Malformed output discovered from systemd list-unit-files: odd.service/ });
});

moduleTable([
  {
    name: 'one round trip; the services as facts, the others kept',
    module: serviceFactsModule,
    args: {},
    vars: { ansible_facts: { hostname: 'etcd1' } },
    facts: { 'list-units': SYSTEMD },
    expect: {
      changed: false,
      readCommands: [/list-units .*list-unit-files .*systemctl show/],
      result: { ansible_facts: { services: { 'cron.service': { state: 'running', status: 'enabled' }, 'etcd.service': { status: 'failed' } } } },
      also: (t, plan) => t.like(plan.facts, { ansible_facts: { hostname: 'etcd1', services: { 'ssh.service': { state: 'inactive' } } }, services: { 'ssh.service': { status: 'enabled' } } }),
    },
  },
  {
    name: 'no systemd: skipped with Ansible\'s message',
    module: serviceFactsModule,
    args: {},
    facts: { 'list-units': '@@no-systemd\n' },
    expect: { changed: false, result: { skipped: true, msg: 'Failed to find any services. This can be due to privileges or some other configuration issue.' } },
  },
]);

import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { parseAptPolicy, parseAptSimulation, parseCheckUpdate, parseDpkgQuery, parseRpmQuery } from '../../../src/facts/packages.js';
import { aptModule } from '../../../src/modules/apt.js';
import { dnfModule, yumModule } from '../../../src/modules/dnf.js';
import { packageModule } from '../../../src/modules/package.js';
import type { Module } from '../../../src/modules/types.js';
import { describeSteps, planWith } from './core-modules-harness.js';

// ---------------------------------------------------------------- captured output (Debian 12, apt 2.6)

const DPKG_BASH = 'bash\tbash\tii \t5.2.15-2+b8\nlibc6:amd64\tlibc6\tii \t2.36-9+deb12u14\n';
const DPKG_RC = 'hello\thello\trc \t2.10-3\n';
const SIM_INSTALL_HELLO = 'NOTE: This is only a simulation!\nThe following NEW packages will be installed:\n  hello\nInst hello (2.10-3 Debian:12.15/oldstable [amd64])\nConf hello (2.10-3 Debian:12.15/oldstable [amd64])\n';
const SIM_UPGRADE_BASH = 'Inst bash [5.2.15-2+b8] (5.2.15-2+b13 Debian:12.15/oldstable [amd64])\nConf bash (5.2.15-2+b13 Debian:12.15/oldstable [amd64])\n';
const SIM_REMOVE = 'The following packages will be REMOVED:\n  etcd-client etcd-server\nRemv etcd-server [3.4.23-4+b6]\nRemv etcd-client [3.4.23-4+b6]\n';
const SIM_PURGE = 'Purg libatm1 [1:2.5.1-4+b2]\n';
const POLICY =
  'hello:\n  Installed: (none)\n  Candidate: 2.10-3\n  Version table:\n     2.10-3 500\n        500 http://deb.debian.org/debian bookworm/main amd64 Packages\n' +
  'bash:\n  Installed: 5.2.15-2+b8\n  Candidate: 5.2.15-2+b13\n  Version table:\n     5.2.15-2+b13 500\n        500 http://deb.debian.org/debian bookworm/main amd64 Packages\n *** 5.2.15-2+b8 100\n        100 /var/lib/dpkg/status\n';
const POLICY_ETCD =
  'etcd-server:\n  Installed: 3.4.23-4+b6\n  Candidate: 3.4.23-4+b6\n  Version table:\n *** 3.4.23-4+b6 500\n        500 http://deb.debian.org/debian bookworm/main amd64 Packages\n        100 /var/lib/dpkg/status\n' +
  'etcd-client:\n  Installed: 3.4.23-4+b6\n  Candidate: 3.4.23-4+b6\n  Version table:\n *** 3.4.23-4+b6 500\n        500 http://deb.debian.org/debian bookworm/main amd64 Packages\n        100 /var/lib/dpkg/status\n';
const POLICY_BASH_BOTH =
  'bash:\n  Installed: 5.2.15-2+b8\n  Candidate: 5.2.15-2+b13\n  Version table:\n     5.2.15-2+b13 500\n        500 http://deb.debian.org/debian bookworm-updates/main amd64 Packages\n' +
  ' *** 5.2.15-2+b8 500\n        500 http://deb.debian.org/debian bookworm/main amd64 Packages\n        100 /var/lib/dpkg/status\n';
const POLICY_LOCAL = 'ezhello:\n  Installed: 1.0\n  Candidate: 1.0\n  Version table:\n *** 1.0 100\n        100 /var/lib/dpkg/status\n';

test('dpkg-query: installed packages by name and qualified name; config-files only is not installed', (t) => {
  const m = parseDpkgQuery(DPKG_BASH + DPKG_RC);
  t.deepEqual(m.get('bash'), { name: 'bash', version: '5.2.15-2+b8' });
  t.deepEqual(m.get('libc6:amd64'), { name: 'libc6', version: '2.36-9+deb12u14' });
  t.deepEqual(m.get('libc6'), m.get('libc6:amd64'));
  t.false(m.has('hello'));
});

test('apt-get -s: installs, upgrades, removals, purges', (t) => {
  t.deepEqual(parseAptSimulation(SIM_INSTALL_HELLO + SIM_UPGRADE_BASH), {
    installs: [{ name: 'hello', version: '2.10-3' }, { name: 'bash', version: '5.2.15-2+b13', old: '5.2.15-2+b8' }],
    removals: [],
  });
  t.deepEqual(parseAptSimulation(SIM_REMOVE + SIM_PURGE).removals, [
    { name: 'etcd-server', version: '3.4.23-4+b6' },
    { name: 'etcd-client', version: '3.4.23-4+b6' },
    { name: 'libatm1', version: '1:2.5.1-4+b2' },
  ]);
});

test('apt-cache policy: installed, candidate, which versions a source still has', (t) => {
  const p = parseAptPolicy(POLICY);
  t.deepEqual(p.get('hello'), { installed: undefined, candidate: '2.10-3', versions: [{ version: '2.10-3', downloadable: true }] });
  t.deepEqual(p.get('bash')?.versions, [{ version: '5.2.15-2+b13', downloadable: true }, { version: '5.2.15-2+b8', downloadable: false }]);
  t.deepEqual(parseAptPolicy(POLICY_LOCAL).get('ezhello')?.versions, [{ version: '1.0', downloadable: false }]);
  t.deepEqual(parseAptPolicy(POLICY_ETCD).get('etcd-server')?.versions, [{ version: '3.4.23-4+b6', downloadable: true }]);
});

test('rpm -q and check-update', (t) => {
  const rpm = parseRpmQuery('bash\t5.1.8-9.el9\npackage etcd is not installed\n');
  t.deepEqual([...rpm.keys()], ['bash']);
  t.is(rpm.get('bash')?.version, '5.1.8-9.el9');
  t.deepEqual([...parseCheckUpdate('\nbash.x86_64    5.1.8-10.el9    baseos\nkernel.x86_64  5.14.0-1  baseos\n')], [['bash', '5.1.8-10.el9'], ['kernel', '5.14.0-1']]);
});

// ---------------------------------------------------------------- plans

const APT = 'DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=60 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold';

interface Case {
  title: string;
  module?: Module<any>;
  args: Record<string, unknown>;
  vars?: Record<string, unknown>;
  /** regexp of a command -> its stdout (and rc) */
  host: Array<[RegExp, string, number?]>;
  steps?: string[];
  /** undefined with steps: cannot be undone */
  undo?: string[];
  diff?: string[];
  warning?: RegExp;
  error?: RegExp;
}

const cases: Case[] = [
  {
    title: 'apt present: installs what is missing; undo removes what apt installed',
    args: { name: ['hello', 'bash'] },
    host: [[/dpkg-query/, DPKG_BASH], [/apt-get -s/, SIM_INSTALL_HELLO]],
    steps: [`${APT} install hello`], undo: [`${APT} remove hello`], diff: ['package hello: absent -> 2.10-3'],
  },
  { title: 'apt present: everything installed, no change', args: { name: 'bash' }, host: [[/dpkg-query/, DPKG_BASH]] },
  {
    title: 'apt present with a pinned version that differs',
    args: { name: ['bash=5.2.15-2+b13'] },
    host: [[/dpkg-query/, DPKG_BASH], [/apt-get -s/, SIM_UPGRADE_BASH], [/apt-cache policy/, POLICY_BASH_BOTH]],
    steps: [`${APT} install bash=5.2.15-2+b13`], undo: [`${APT} --allow-downgrades install bash=5.2.15-2+b8`],
  },
  {
    title: 'apt latest: an upgrade whose old version no source has any more cannot be undone',
    args: { name: 'bash', state: 'latest' },
    host: [[/dpkg-query/, DPKG_BASH], [/apt-get -s/, SIM_UPGRADE_BASH], [/apt-cache policy/, POLICY]],
    steps: [`${APT} install bash`], diff: ['package bash: 5.2.15-2+b8 -> 5.2.15-2+b13'], warning: /cannot be undone: no apt source has bash 5.2.15-2\+b8/,
  },
  { title: 'apt latest: already the newest (apt would install nothing)', args: { name: 'bash', state: 'latest' }, host: [[/dpkg-query/, DPKG_BASH], [/apt-get -s/, 'bash is already the newest version (5.2.15-2+b8).\n']] },
  {
    title: 'apt absent: removes with what depends on it; undo installs the same versions again',
    args: { name: ['etcd-server', 'hello'], state: 'absent' },
    host: [[/dpkg-query/, 'etcd-server\tetcd-server\tii \t3.4.23-4+b6\n'], [/apt-get -s/, SIM_REMOVE], [/apt-cache policy/, POLICY_ETCD]],
    steps: [`${APT} remove etcd-server`],
    undo: [`${APT} --allow-downgrades install etcd-server=3.4.23-4+b6 etcd-client=3.4.23-4+b6`],
    diff: ['package etcd-server: 3.4.23-4+b6 -> absent', 'package etcd-client: 3.4.23-4+b6 -> absent'],
  },
  {
    title: 'apt absent of a package from a local .deb: says it cannot be undone',
    args: { name: 'ezhello', state: 'absent', purge: true },
    host: [[/dpkg-query/, 'ezhello\tezhello\tii \t1.0\n'], [/apt-get -s/, 'Purg ezhello [1.0]\n'], [/apt-cache policy/, POLICY_LOCAL]],
    steps: [`${APT} remove --purge ezhello`], warning: /cannot be undone: no apt source has ezhello 1.0/,
  },
  { title: 'apt absent: not installed, no change', args: { name: 'hello', state: 'absent' }, host: [[/dpkg-query/, DPKG_RC]] },
  {
    title: 'apt deb: installs the file through apt; undo removes the package',
    args: { deb: '/tmp/ezhello_1.0_all.deb', install_recommends: false },
    host: [[/dpkg-deb -f/, 'Package: ezhello\nVersion: 1.0\n'], [/dpkg-query/, ''], [/apt-get -s/, 'Inst ezhello (1.0 local-deb [all])\n']],
    steps: [`${APT} --no-install-recommends install /tmp/ezhello_1.0_all.deb`], undo: [`${APT} remove ezhello`],
  },
  { title: 'apt deb: that version installed, no change', args: { deb: '/tmp/ezhello_1.0_all.deb' }, host: [[/dpkg-deb -f/, 'Package: ezhello\nVersion: 1.0\n'], [/dpkg-query/, 'ezhello\tezhello\tii \t1.0\n']] },
  {
    title: 'apt update_cache alone: an update, nothing to undo',
    args: { update_cache: true },
    host: [],
    steps: ['DEBIAN_FRONTEND=noninteractive apt-get -q update'], undo: [],
  },
  { title: 'apt cache_valid_time: a fresh cache is not updated', args: { update_cache: true, cache_valid_time: 3600, name: 'bash' }, host: [[/update-success-stamp/, '120\n'], [/dpkg-query/, DPKG_BASH]] },
  {
    title: 'apt cache_valid_time: a stale cache is updated before the install',
    args: { update_cache: true, cache_valid_time: 3600, name: 'hello' },
    host: [[/update-success-stamp/, '7200\n'], [/dpkg-query/, DPKG_BASH], [/apt-get -s/, SIM_INSTALL_HELLO]],
    steps: ['DEBIAN_FRONTEND=noninteractive apt-get -q update', `${APT} install hello`], undo: [`${APT} remove hello`],
  },
  { title: 'apt: an unknown package is apt\'s error', args: { name: 'nosuchpkg' }, host: [[/dpkg-query/, ''], [/apt-get -s/, 'Reading package lists...\nE: Unable to locate package nosuchpkg\n', 100]], error: /Unable to locate package nosuchpkg/ },
  { title: 'apt: a name that is not a package name is refused', args: { name: '-o=x' }, host: [], error: /is not a package name/ },
  // dnf and yum: rpm -q
  {
    title: 'dnf present: installs what rpm does not have; undo removes it',
    module: dnfModule, args: { name: ['bash', 'etcd'] },
    host: [[/rpm -q/, 'bash\t5.1.8-9.el9\npackage etcd is not installed\n', 1]],
    steps: ['dnf -y install -- etcd'], undo: ['dnf -y remove -- etcd'], diff: ['package etcd: absent -> present'],
  },
  { title: 'dnf present: installed, no change', module: dnfModule, args: { name: 'bash' }, host: [[/rpm -q/, 'bash\t5.1.8-9.el9\n']] },
  {
    title: 'yum absent: removes; undo installs the same version again',
    module: yumModule, args: { name: 'bash', state: 'absent' },
    host: [[/rpm -q/, 'bash\t5.1.8-9.el9\n']],
    steps: ['yum -y remove -- bash'], undo: ['yum -y install -- bash-5.1.8-9.el9'],
  },
  {
    title: 'dnf latest: upgrades what check-update lists; undo downgrades',
    module: dnfModule, args: { name: 'bash', state: 'latest', update_cache: true },
    host: [[/rpm -q/, 'bash\t5.1.8-9.el9\n'], [/check-update/, '\nbash.x86_64  5.1.8-10.el9  baseos\n', 100]],
    steps: ['dnf -y --refresh upgrade -- bash'], undo: ['dnf -y downgrade -- bash-5.1.8-9.el9'], diff: ['package bash: 5.1.8-9.el9 -> 5.1.8-10.el9'],
  },
  { title: 'dnf latest: nothing newer, no change', module: dnfModule, args: { name: 'bash', state: 'latest' }, host: [[/rpm -q/, 'bash\t5.1.8-9.el9\n'], [/check-update/, '', 0]] },
  // package: dispatch
  {
    title: 'package with ansible_pkg_mgr=apt plans with apt',
    module: packageModule, args: { name: 'hello' }, vars: { ansible_pkg_mgr: 'apt' },
    host: [[/dpkg-query/, DPKG_BASH], [/apt-get -s/, SIM_INSTALL_HELLO]],
    steps: [`${APT} install hello`], undo: [`${APT} remove hello`],
  },
  {
    title: 'package without facts finds dnf on the host',
    module: packageModule, args: { name: 'etcd' },
    host: [[/for m in apt-get dnf yum/, 'dnf\n'], [/rpm -q/, 'package etcd is not installed\n', 1]],
    steps: ['dnf -y install -- etcd'], undo: ['dnf -y remove -- etcd'],
  },
  {
    title: 'package passes update_cache and cache_valid_time through to apt: an old cache is updated first',
    module: packageModule, args: { name: 'hello', update_cache: true, cache_valid_time: 86400 }, vars: { ansible_pkg_mgr: 'apt' },
    host: [[/update-success-stamp/, '90000\n'], [/dpkg-query/, DPKG_BASH], [/apt-get -s/, SIM_INSTALL_HELLO]],
    steps: ['DEBIAN_FRONTEND=noninteractive apt-get -q update', `${APT} install hello`], undo: [`${APT} remove hello`],
    diff: ['apt cache: as it was -> updated', 'package hello: absent -> 2.10-3'],
  },
  {
    title: 'package: a cache younger than cache_valid_time is not updated',
    module: packageModule, args: { name: 'bash', update_cache: true, cache_valid_time: 86400 }, vars: { ansible_pkg_mgr: 'apt' },
    host: [[/update-success-stamp/, '60\n'], [/dpkg-query/, DPKG_BASH]],
  },
  {
    title: 'package passes update_cache through to dnf: --refresh',
    module: packageModule, args: { name: 'etcd', update_cache: true }, vars: { ansible_pkg_mgr: 'dnf' },
    host: [[/rpm -q/, 'package etcd is not installed\n', 1]],
    steps: ['dnf -y --refresh install -- etcd'], undo: ['dnf -y remove -- etcd'],
  },
  {
    title: "package: an apt argument on a dnf host is the backend's refusal",
    module: packageModule, args: { name: 'etcd', cache_valid_time: 3600 }, vars: { ansible_pkg_mgr: 'dnf' },
    host: [], error: /^package: dnf, the host's package manager, does not take the argument 'cache_valid_time'$/,
  },
  {
    title: 'package: a passed argument is checked with the backend\'s types',
    module: packageModule, args: { name: 'hello', cache_valid_time: 'soon' }, vars: { ansible_pkg_mgr: 'apt' },
    host: [], error: /cache_valid_time.*not an integer/,
  },
  { title: 'package: no package manager is an error', module: packageModule, args: { name: 'x' }, host: [[/for m in apt-get dnf yum/, '']], error: /no apt-get, dnf or yum/ },
];

for (const c of cases) {
  test(`${c.module?.name ?? 'apt'}: ${c.title}`, async (t) => {
    const conn = new FakeConnection();
    for (const [match, stdout, rc] of c.host) conn.answer(match, { stdout, rc: rc ?? 0 });
    const module = c.module ?? aptModule;
    const warnings: string[] = [];
    if (c.error) return void (await t.throwsAsync(planWith(module, conn, c.args, { vars: c.vars ?? {} }), { message: c.error }));
    const plan = await planWith(module, conn, c.args, { vars: c.vars ?? {}, warnings });
    t.false(conn.commands().some((cmd) => /apt-get (-q -y|-q update)|dnf -y|yum -y/.test(cmd)), 'planning only reads');
    t.is(plan.changed, c.steps !== undefined);
    t.deepEqual(describeSteps(plan.steps), c.steps ?? []);
    if (c.steps) t.deepEqual(plan.undo === undefined ? undefined : describeSteps(plan.undo), c.undo, 'undo (undefined: cannot be undone)');
    if (c.diff) t.deepEqual(plan.diff?.map((d) => `${d.subject}: ${d.before} -> ${d.after}`), c.diff);
    if (c.warning) t.regex((plan.warnings ?? []).join('\n'), c.warning);
  });
}

/**
 * The config-file modules kubeasz and kubespray need (pam_limits, ini_file,
 * selinux) through the CLI on this machine, against files in a temporary
 * folder: apply, apply again (no change), `--check --diff` shows a change
 * and makes none, and `ezplay rollback` puts the file back byte for byte.
 */
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { ezplay } from '../helpers/cli.js';
import { localBackupRoot } from '../helpers/backups.js';
import { LOCAL_INVENTORY, project } from '../helpers/run-local.js';

interface Scenario {
  /** files of the project; `$DIR` is its folder */
  files: Record<string, string>;
  /** the file the play edits, relative to the project */
  file: string;
  /** one task, using `{{ v }}` for the value the check run changes */
  task: string;
  v: string;
  /** the file after the first run */
  after: string;
  /** another value for the check run, and a line its diff shows */
  checkV: string;
  diffShows: RegExp;
  /** the permission bits the file has after the first run */
  mode?: number;
}

const recap = (out: string) => /localhost\s*:\s*ok=(\d+)\s+changed=(\d+)/.exec(out)?.slice(1).map(Number);

async function scenario(t: ExecutionContext, s: Scenario): Promise<void> {
  const dir = project({ hosts: LOCAL_INVENTORY, 'play.yml': `- hosts: local\n  gather_facts: false\n  tasks:\n    - ${s.task}\n`, ...s.files });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, s.file);
  const original = s.files[s.file] === undefined ? undefined : readFileSync(file);
  const run = (extra: string[]) => ezplay(dir, ['run', 'play.yml', '-i', 'hosts', '-e', `v=${s.v}`, ...extra]);

  const first = await run([]);
  t.is(first.code, 0, first.stdout + first.stderr);
  t.deepEqual(recap(first.stdout), [1, 1], 'the first run changes the file');
  t.is(readFileSync(file, 'utf8'), s.after);
  if (s.mode !== undefined) t.is(statSync(file).mode & 0o7777, s.mode, 'the mode asked for');

  const second = await run([]);
  t.is(second.code, 0, second.stdout + second.stderr);
  t.deepEqual(recap(second.stdout), [1, 0], 'the second run changes nothing');

  const check = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts', '-e', `v=${s.checkV}`, '--check', '--diff']);
  t.is(check.code, 0, check.stdout + check.stderr);
  t.deepEqual(recap(check.stdout), [1, 1], 'check mode reports the change');
  t.regex(check.stdout, s.diffShows);
  t.is(readFileSync(file, 'utf8'), s.after, 'check mode changed nothing');

  const [runId] = readdirSync(path.join(dir, '.ezplay', 'runs')).sort();
  t.teardown(() => rmSync(path.join(localBackupRoot(), runId!), { recursive: true, force: true }));
  const undo = await ezplay(dir, ['rollback', runId!]);
  t.is(undo.code, 0, undo.stdout + undo.stderr);
  if (original === undefined) t.false(readdirSync(path.dirname(file)).includes(path.basename(file)), 'the file the run created is gone');
  else t.deepEqual(readFileSync(file), original, 'rollback restores the file byte for byte');
}

test('pam_limits: edit in place, again no change, check shows, rollback restores', (t) =>
  scenario(t, {
    files: { 'limits.conf': '# limits\n*    soft   nofile   1024 # low\nroot hard core 0\n' },
    file: 'limits.conf',
    task: 'pam_limits: dest=$DIR/limits.conf domain=* limit_type=soft limit_item=nofile value={{ v }}',
    v: '65536',
    after: '# limits\n*\tsoft\tnofile\t65536\t# low\nroot hard core 0\n',
    checkV: 'unlimited',
    diffShows: /\+\*\tsoft\tnofile\tunlimited/,
  }));

test('pam_limits: a new limits.d file, rollback removes it', (t) =>
  scenario(t, {
    files: { 'limits.d/.keep': '' },
    file: 'limits.d/etcd.conf',
    task: 'pam_limits: dest=$DIR/limits.d/etcd.conf domain=etcd limit_type=- limit_item=memlock value={{ v }}',
    v: 'unlimited',
    after: 'etcd\t-\tmemlock\tunlimited\n',
    checkV: '-1',
    diffShows: /\+etcd\t-\tmemlock\t-1/,
  }));

test('yum_repository: a section added to a .repo file as Ansible writes it, again no change, check shows, rollback restores', (t) =>
  scenario(t, {
    files: { 'repos/epel.repo': '[existing]\n# a comment\nname=Existing\nbaseurl=http://example.com/a\n  http://example.com/b\nenabled=1\n' },
    file: 'repos/epel.repo',
    task: 'yum_repository: name=epel file=epel description={{ v }} baseurl=http://download.fedoraproject.org/pub/epel/7/x86_64 gpgcheck=true enabled=true exclude=a,b reposdir=$DIR/repos',
    v: 'EPEL',
    // what Ansible 2.14.18 writes for the same file and task
    after:
      '[existing]\nname = Existing\nbaseurl = http://example.com/a\n\thttp://example.com/b\nenabled = 1\n\n' +
      '[epel]\nbaseurl = http://download.fedoraproject.org/pub/epel/7/x86_64\nenabled = 1\nexclude = a b\ngpgcheck = 1\nname = EPEL\n\n',
    checkV: 'Fedora',
    diffShows: /\+name = Fedora/,
  }));

test('yum_repository: a new .repo file with its mode, rollback removes it', (t) =>
  scenario(t, {
    files: { 'repos/.keep': '' },
    file: 'repos/kube.repo',
    task: 'yum_repository: name=kube description={{ v }} baseurl=https://pkgs.k8s.io/rpm/ mode=0600 reposdir=$DIR/repos',
    v: 'Kubernetes',
    after: '[kube]\nbaseurl = https://pkgs.k8s.io/rpm/\nname = Kubernetes\n\n',
    checkV: 'k8s',
    diffShows: /\+name = k8s/,
    mode: 0o600,
  }));

test('package_facts and service_facts read this machine and change nothing', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'play.yml': [
      '- hosts: local',
      '  gather_facts: false',
      '  tasks:',
      '    - package_facts: {}',
      '    - assert:',
      '        that:',
      "          - ansible_facts.packages.dpkg[0].source == 'apt'",
      '          - packages.dpkg[0].version is match("^[0-9]")',
      '    - service_facts:',
      '      register: svc',
      '    - debug: msg="services={{ (ansible_facts.services | default({})) | length }} skipped={{ svc.skipped | default(false) }}"',
      '',
    ].join('\n'),
  });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const out = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts']);
  t.is(out.code, 0, out.stdout + out.stderr);
  // systemd as PID 1: the services are listed; else Ansible's skipped result
  const pid1 = readFileSync('/proc/1/comm', 'utf8').trim();
  t.deepEqual(recap(out.stdout), [pid1 === 'systemd' ? 4 : 3, 0], 'nothing changed');
  t.regex(out.stdout, pid1 === 'systemd' ? /services=[1-9]\d* skipped=False/ : /services=0 skipped=True/);
});

// this machine runs without SELinux: only the file changes, with a reboot asked for
test('selinux: the config file, again no change, check shows, rollback restores', (t) =>
  scenario(t, {
    files: { 'selinux/config': '# SELinux\nSELINUX=enforcing\nSELINUXTYPE=targeted\n' },
    file: 'selinux/config',
    task: 'selinux: configfile=$DIR/selinux/config policy=targeted state={{ v }}',
    v: 'permissive',
    after: '# SELinux\nSELINUX=permissive\nSELINUXTYPE=targeted\n',
    checkV: 'enforcing',
    diffShows: /\+SELINUX=enforcing/,
  }));

test('ini_file: an option set, again no change, check shows, rollback restores', (t) =>
  scenario(t, {
    files: { 'k8s.repo': '[kubernetes]\nname=Kubernetes\n# enabled = 0\ngpgcheck=1\n' },
    file: 'k8s.repo',
    task: 'ini_file: path=$DIR/k8s.repo section=kubernetes option=enabled value={{ v }} no_extra_spaces=true',
    v: '1',
    after: '[kubernetes]\nname=Kubernetes\nenabled=1\ngpgcheck=1\n',
    checkV: '0',
    diffShows: /\+enabled=0/,
  }));

test('ini_file: a new file with its mode, rollback removes it', (t) =>
  scenario(t, {
    files: { 'conf/.keep': '' },
    file: 'conf/containerd.ini',
    task: 'ini_file: path=$DIR/conf/containerd.ini section=plugins option=sandbox_image value={{ v }} mode=0600',
    v: 'pause:3.9',
    after: '\n[plugins]\nsandbox_image = pause:3.9\n',
    checkV: 'pause:3.10',
    diffShows: /\+sandbox_image = pause:3\.10/,
    mode: 0o600,
  }));

test('selinux: state=disabled on a host without SELinux is ok, changes nothing, creates nothing', async (t) => {
  const dir = project({
    hosts: LOCAL_INVENTORY,
    'play.yml': '- hosts: local\n  gather_facts: false\n  tasks:\n    - selinux: state=disabled configfile=$DIR/selinux/config\n      register: se\n    - debug: var=se.reboot_required\n',
  });
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const tools = ['getenforce', 'selinuxenabled'].some((tool) => (process.env.PATH ?? '').split(':').some((d) => d !== '' && existsSync(path.join(d, tool))));
  t.false(tools, 'this test needs a machine without the SELinux tools');
  const out = await ezplay(dir, ['run', 'play.yml', '-i', 'hosts']);
  t.is(out.code, 0, out.stdout + out.stderr);
  t.deepEqual(recap(out.stdout), [2, 0]);
  t.regex(out.stdout, /"se.reboot_required": false/);
  t.false(readdirSync(dir).includes('selinux'), 'nothing created');
});

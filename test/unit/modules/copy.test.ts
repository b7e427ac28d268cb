import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { moduleTable } from '../../helpers/module-table.js';
import { copyModule } from '../../../src/modules/copy.js';
import { contentDiff, userBackupName } from '../../../src/modules/kit/content.js';
import { absent, checks, describeSteps, pathsProbe, present, restores, RUN, sha256, writes } from './core-modules-harness.js';

const ROLE = path.resolve('test/fixtures/core-modules/role');
/** a playbook folder whose files/ holds a file of mode 0751 and an Ansible Vault file */
const PLAYBOOK = mkdtempSync(path.join(os.tmpdir(), 'ezplay-copy-'));
mkdirSync(path.join(PLAYBOOK, 'files'));
writeFileSync(path.join(PLAYBOOK, 'files', 'run.sh'), 'echo hi\n');
chmodSync(path.join(PLAYBOOK, 'files', 'run.sh'), 0o751);
const VAULTED = '$ANSIBLE_VAULT;1.1;AES256\n3132\n';
writeFileSync(path.join(PLAYBOOK, 'files', 'secret.yml'), VAULTED);
test.after.always(() => rmSync(PLAYBOOK, { recursive: true, force: true }));
/** A diff line with the texts quoted, so newlines show. */
const quoted = (subject: string, before: string, after: string) => `${subject}: ${before} -> ${after}`;
const text = (subject: string, before: string, after: string) => ({ subject, before, after });

const KEY = '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n';
const SUM = sha256('bin');
const TMP_SUDOERS = `/etc/sudoers.d/.etcd.ezplay-new-${RUN}`;
const TMP_ETCD = `/usr/local/bin/.etcd.ezplay-new-${RUN}`;

moduleTable([
  {
    name: 'mode=preserve gives the new file the mode of the source on the controller',
    module: copyModule,
    args: { src: 'run.sh', dest: '/usr/local/bin/run.sh', mode: 'preserve' },
    context: { playbookDir: PLAYBOOK },
    facts: [pathsProbe(absent(0, '/usr/local/bin'))],
    expect: { changed: true, steps: ['put /usr/local/bin/run.sh 751'], result: { mode: '0751' } },
    after: [pathsProbe(present(0, { content: 'echo hi\n', mode: 0o751 }))],
  },
  {
    name: 'mode=preserve with content has no source to take the mode from',
    module: copyModule,
    args: { content: 'x', dest: '/tmp/x', mode: 'preserve' },
    expect: { error: /mode=preserve needs a src/ },
  },
  {
    name: 'an Ansible Vault src without a vault secret fails as Ansible words it',
    module: copyModule,
    args: { src: 'secret.yml', dest: '/etc/secret.yml' },
    context: { playbookDir: PLAYBOOK },
    expect: { error: /^A vault password or secret must be specified to decrypt \/.*\/files\/secret\.yml$/ },
  },
  {
    name: 'decrypt: no copies a vaulted src as it is',
    module: copyModule,
    args: { src: 'secret.yml', dest: '/etc/secret.yml', decrypt: false },
    context: { playbookDir: PLAYBOOK },
    facts: [pathsProbe(absent(0, '/etc'))],
    expect: { changed: true, diff: [text('/etc/secret.yml', '', VAULTED)] },
    after: [pathsProbe(present(0, { content: VAULTED }))],
  },
  {
    name: 'a new file from files/ is one put, undo removes it',
    module: copyModule,
    args: { src: 'etcd.conf', dest: '/etc/etcd/etcd.conf', mode: '0640', owner: 'etcd' },
    context: { roleDir: ROLE },
    facts: [pathsProbe(absent(0, '/etc/etcd'))],
    expect: {
      changed: true,
      reads: 1,
      diff: [text('/etc/etcd/etcd.conf', '', 'name: etcd\n')],
      steps: ['put /etc/etcd/etcd.conf 640 etcd:'],
      undo: ['rm -f -- /etc/etcd/etcd.conf'],
      result: { dest: '/etc/etcd/etcd.conf', src: 'etcd.conf', mode: '0640', sha256: sha256('name: etcd\n') },
    },
    after: [pathsProbe(present(0, { content: 'name: etcd\n', mode: 0o640, owner: 'etcd' }))],
  },
  {
    name: 'same sha256 and attributes is a no-op after one probe',
    module: copyModule,
    args: { src: 'etcd.conf', dest: '/etc/etcd/etcd.conf', mode: '0640', owner: 'etcd' },
    context: { roleDir: ROLE },
    facts: [pathsProbe(present(0, { content: 'name: etcd\n', mode: 0o640, owner: 'etcd' }))],
    expect: { changed: false, also: (t, _plan, host) => t.is(host.calls.length, 1, 'one round trip, no read') },
  },
  {
    name: 'changed content is backed up on the host, diffed, and restored by undo',
    module: copyModule,
    args: { content: 'name: new\n', dest: '/etc/etcd/etcd.conf' },
    facts: [pathsProbe(present(0, { content: 'name: old\n', mode: 0o600, owner: 'etcd', group: 'etcd' }))],
    files: { '/etc/etcd/etcd.conf': 'name: old\n' },
    expect: {
      changed: true,
      diff: [text('/etc/etcd/etcd.conf', 'name: old\n', 'name: new\n')],
      // the existing mode and owner are kept when the task does not say
      also: checks(writes('put /etc/etcd/etcd.conf 600'), restores('/etc/etcd/etcd.conf'), (t, plan) => t.true((plan.cleanup ?? []).length > 0, 'the backup is removed once no rollback can come')),
    },
    after: [pathsProbe(present(0, { content: 'name: new\n', mode: 0o600, owner: 'etcd', group: 'etcd' }))],
  },
  {
    name: 'only the mode differs',
    module: copyModule,
    args: { content: 'x', dest: '/etc/x', mode: '0600' },
    facts: [pathsProbe(present(0, { content: 'x', mode: 0o644 }))],
    expect: { changed: true, diff: [quoted('/etc/x', 'mode 0644', 'mode 0600')], steps: ['chmod 0600 -- /etc/x'], undo: ['chmod 0644 -- /etc/x'] },
    after: [pathsProbe(present(0, { content: 'x', mode: 0o600 }))],
  },
  {
    name: 'a private key is a secret diff and a secret put',
    module: copyModule,
    args: { content: KEY, dest: '/etc/ssl/k.pem', mode: '0600' },
    facts: [pathsProbe(absent(0, '/etc/ssl'))],
    expect: { changed: true, diff: [{ secret: true }], steps: ['put /etc/ssl/k.pem 600 secret'] },
    after: [pathsProbe(present(0, { content: KEY, mode: 0o600 }))],
  },
  {
    name: 'dest that is a directory takes the file inside it (second probe)',
    module: copyModule,
    args: { src: 'etcd.conf', dest: '/etc/etcd' },
    context: { roleDir: ROLE },
    facts: [
      ['p=/etc/etcd;', `${present(0, { kind: 'directory' })}\n`],
      ['p=/etc/etcd/etcd.conf;', `${absent(0, '/etc/etcd')}\n`],
    ],
    expect: { changed: true, reads: 2, steps: ['put /etc/etcd/etcd.conf'] },
    after: [['p=/etc/etcd/etcd.conf;', `${present(0, { content: 'name: etcd\n' })}\n`]],
  },
  {
    name: 'dest ending in / creates the folder, undo removes it',
    module: copyModule,
    args: { src: 'etcd.conf', dest: '/opt/etcd/conf/', directory_mode: '0750' },
    context: { roleDir: ROLE },
    facts: [pathsProbe(absent(0, '/opt'))],
    expect: {
      changed: true,
      steps: ['mkdir -p -- /opt/etcd/conf', 'chmod 0750 -- /opt/etcd /opt/etcd/conf', 'put /opt/etcd/conf/etcd.conf'],
      undo: ['rm -f -- /opt/etcd/conf/etcd.conf', 'rm -rf -- /opt/etcd'],
    },
    after: [pathsProbe(present(0, { content: 'name: etcd\n' }))],
  },
  {
    name: 'a missing parent of a file dest is an error, as in Ansible',
    module: copyModule,
    args: { content: 'x', dest: '/opt/etcd/x' },
    facts: [pathsProbe(absent(0, '/opt'))],
    expect: { error: /Destination directory \/opt\/etcd does not exist/ },
  },
  {
    name: 'force=no leaves an existing file alone',
    module: copyModule,
    args: { content: 'x', dest: '/etc/x', force: false, mode: '0644' },
    facts: [pathsProbe(present(0, { content: 'other', mode: 0o600 }))],
    expect: { changed: false },
  },
  {
    name: 'backup keeps dest.<time>~ and registers it; undo removes it',
    module: copyModule,
    args: { content: 'new', dest: '/etc/x', backup: true },
    facts: [pathsProbe(present(0, { content: 'old' }))],
    expect: {
      changed: true,
      also: (t, plan) => {
        const name = plan.result?.backup_file as string;
        t.regex(name, /^\/etc\/x\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
        t.true(describeSteps(plan.steps).includes(`cp -p -- /etc/x '${name}'`));
        t.is(describeSteps(plan.undo)[0], `rm -f -- '${name}'`);
      },
    },
    after: [pathsProbe(present(0, { content: 'new' }))],
    undoReplay: "the user's backup is named by the time it is taken: planned again, it has another name",
  },
  {
    name: 'validate runs on a temporary file before the rename',
    module: copyModule,
    args: { content: 'x', dest: '/etc/sudoers.d/etcd', validate: 'visudo -cf %s' },
    facts: [pathsProbe(absent(0, '/etc/sudoers.d'))],
    expect: {
      changed: true,
      steps: [`put ${TMP_SUDOERS}`, `if ! visudo -cf ${TMP_SUDOERS}; then rm -f -- ${TMP_SUDOERS}; echo 'validation failed' >&2; false; fi`, `mv -f -- ${TMP_SUDOERS} /etc/sudoers.d/etcd`],
      undo: [`rm -f -- ${TMP_SUDOERS}`, 'rm -f -- /etc/sudoers.d/etcd'],
    },
    after: [pathsProbe(present(0, { content: 'x' }))],
  },
  {
    name: 'remote_src compares both checksums in one probe',
    module: copyModule,
    args: { src: '/tmp/etcd', dest: '/usr/local/bin/etcd', remote_src: true },
    facts: [pathsProbe(present(0, { sum: SUM }), present(1, { sum: SUM }))],
    expect: { changed: false, reads: 1 },
  },
  {
    name: 'remote_src copies through a temporary file when the checksums differ',
    module: copyModule,
    args: { src: '/tmp/etcd', dest: '/usr/local/bin/etcd', remote_src: true, mode: '0755' },
    facts: [pathsProbe(present(0, { sum: SUM }), absent(1, '/usr/local/bin'))],
    expect: {
      changed: true,
      steps: [`cp -- /tmp/etcd ${TMP_ETCD} && chmod 0755 -- ${TMP_ETCD} && mv -f -- ${TMP_ETCD} /usr/local/bin/etcd || { rm -f -- ${TMP_ETCD}; false; }`],
      undo: [`rm -f -- ${TMP_ETCD}`, 'rm -f -- /usr/local/bin/etcd'],
    },
    after: [pathsProbe(present(0, { sum: SUM }), present(1, { sum: SUM, mode: 0o755 }))],
  },
  { name: 'src and content together are refused', module: copyModule, args: { src: 'a', content: 'b', dest: '/x' }, expect: { error: /src and content are mutually exclusive/ } },
  {
    name: 'a directory src is copied file by file after one probe',
    module: copyModule,
    args: { src: 'conf.d', dest: '/etc/etcd' },
    context: { roleDir: ROLE },
    // dest, the folders conf.d and conf.d/sub, then the files a.conf and sub/b.conf
    facts: [pathsProbe(present(0, { kind: 'directory' }), absent(1, '/etc/etcd'), present(2, { kind: 'directory' }), absent(3, '/etc/etcd'), present(4, { content: 'b=2\n' }))],
    expect: {
      changed: true,
      reads: 1,
      steps: ['mkdir -p -- /etc/etcd/conf.d', 'put /etc/etcd/conf.d/a.conf'],
      undo: ['rm -f -- /etc/etcd/conf.d/a.conf', 'rm -rf -- /etc/etcd/conf.d'],
      result: { dest: '/etc/etcd/', files: 2 },
    },
    after: [
      pathsProbe(present(0, { kind: 'directory' }), present(1, { kind: 'directory' }), present(2, { kind: 'directory' }), present(3, { content: 'a=1\n' }), present(4, { content: 'b=2\n' })),
    ],
  },
  {
    name: 'dir/ copies the contents; idempotent',
    module: copyModule,
    args: { src: 'conf.d/', dest: '/etc/etcd/conf.d' },
    context: { roleDir: ROLE },
    facts: [pathsProbe(present(0, { kind: 'directory' }), present(1, { kind: 'directory' }), present(2, { content: 'a=1\n' }), present(3, { content: 'b=2\n' }))],
    expect: { changed: false },
  },
  {
    name: 'directory_mode is given to the folders of the tree, those already there too',
    module: copyModule,
    args: { src: 'conf.d/', dest: '/etc/etcd/conf.d', directory_mode: '0700' },
    context: { roleDir: ROLE },
    facts: [pathsProbe(present(0, { kind: 'directory' }), present(1, { kind: 'directory', mode: 0o755 }), present(2, { content: 'a=1\n' }), present(3, { content: 'b=2\n' }))],
    expect: { changed: true, steps: ['chmod 0700 -- /etc/etcd/conf.d/sub'], undo: ['chmod 0755 -- /etc/etcd/conf.d/sub'] },
    after: [pathsProbe(present(0, { kind: 'directory' }), present(1, { kind: 'directory', mode: 0o700 }), present(2, { content: 'a=1\n' }), present(3, { content: 'b=2\n' }))],
  },
]);

test("copy: the user's backup name", (t) => {
  t.is(userBackupName('/a', new Date(2024, 4, 6, 7, 8, 9)), '/a.2024-05-06@07:08:09~');
});

test('copy: binary or huge content is summarised by checksums', (t) => {
  const d = contentDiff('/x', Buffer.from([0, 1, 2]), Buffer.from('text'));
  t.is(d.kind, 'summary');
  t.regex(d.before, /^sha256 [0-9a-f]{12}…$/);
  t.is(contentDiff('/x', 'unread', Buffer.from('t'), 'abcdef0123456789').before, 'sha256 abcdef012345…');
});


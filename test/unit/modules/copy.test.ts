import path from 'node:path';
import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { copyModule } from '../../../src/modules/copy.js';
import { backupStep, dropBackupsStep, restoreStep } from '../../../src/modules/kit/backup.js';
import type { Step } from '../../../src/modules/types.js';
import { contentDiff, userBackupName } from '../../../src/modules/kit/content.js';
import { absent, answerFacts, describeSteps, planWith, present, RUN, sha256 } from './core-modules-harness.js';

const ROLE = path.resolve('test/fixtures/core-modules/role');
const CONF = '/etc/etcd/etcd.conf';
const kit = (step: Step) => (step.kind === 'exec' ? step.command : '');
const lines = (diff: Array<{ subject: string; before: string; after: string }> = []) =>
  diff.map((d) => `${d.subject}: ${JSON.stringify(d.before)} -> ${JSON.stringify(d.after)}`);

test('copy: a new file from files/ is one put, undo removes it', async (t) => {
  const conn = answerFacts(new FakeConnection(), absent(0, '/etc/etcd'));
  const plan = await planWith(copyModule, conn, { src: 'etcd.conf', dest: '/etc/etcd/etcd.conf', mode: '0640', owner: 'etcd' }, { roleDir: ROLE });
  t.true(plan.changed);
  t.deepEqual(lines(plan.diff), ['/etc/etcd/etcd.conf: "" -> "name: etcd\\n"']);
  t.deepEqual(describeSteps(plan.steps), ['put /etc/etcd/etcd.conf 640 etcd:']);
  t.deepEqual(describeSteps(plan.undo), ['rm -f -- /etc/etcd/etcd.conf']);
  t.like(plan.result, { dest: '/etc/etcd/etcd.conf', src: 'etcd.conf', mode: '0640', sha256: sha256('name: etcd\n') });
  t.is(conn.commands().length, 1);
});

test('copy: same sha256 and attributes is a no-op after one probe', async (t) => {
  const conn = answerFacts(new FakeConnection(), present(0, { content: 'name: etcd\n', mode: 0o640, owner: 'etcd' }));
  const plan = await planWith(copyModule, conn, { src: 'etcd.conf', dest: '/etc/etcd/etcd.conf', mode: '0640', owner: 'etcd' }, { roleDir: ROLE });
  t.false(plan.changed);
  t.is(conn.calls.length, 1, 'one round trip, no read');
});

test('copy: changed content is backed up on the host, diffed, and restored by undo', async (t) => {
  const conn = answerFacts(new FakeConnection(), present(0, { content: 'name: old\n', mode: 0o600, owner: 'etcd', group: 'etcd' }));
  conn.files.set('/etc/etcd/etcd.conf', Buffer.from('name: old\n'));
  const plan = await planWith(copyModule, conn, { content: 'name: new\n', dest: '/etc/etcd/etcd.conf' });
  t.deepEqual(lines(plan.diff), ['/etc/etcd/etcd.conf: "name: old\\n" -> "name: new\\n"']);
  t.deepEqual(describeSteps(plan.steps), [
    kit(backupStep(RUN, [CONF])),
    // the existing mode and owner are kept when the task does not say
    'put /etc/etcd/etcd.conf 600 etcd:etcd',
  ]);
  t.deepEqual(describeSteps(plan.undo), [
    kit(restoreStep(RUN, [CONF])),
  ]);
  t.deepEqual(describeSteps(plan.cleanup), [kit(dropBackupsStep(RUN, [CONF]))]);
  t.deepEqual(plan.writes, [CONF]);
});

test('copy: only the mode differs', async (t) => {
  const conn = answerFacts(new FakeConnection(), present(0, { content: 'x', mode: 0o644 }));
  const plan = await planWith(copyModule, conn, { content: 'x', dest: '/etc/x', mode: '0600' });
  t.deepEqual(lines(plan.diff), ['/etc/x: "mode 0644" -> "mode 0600"']);
  t.deepEqual(describeSteps(plan.steps), ['chmod 0600 -- /etc/x']);
  t.deepEqual(describeSteps(plan.undo), ['chmod 0644 -- /etc/x']);
});

test('copy: a private key is a secret diff and a secret put', async (t) => {
  const key = '-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n';
  const conn = answerFacts(new FakeConnection(), absent(0, '/etc/ssl'));
  const plan = await planWith(copyModule, conn, { content: key, dest: '/etc/ssl/k.pem', mode: '0600' });
  t.true(plan.diff?.[0]?.secret);
  t.deepEqual(describeSteps(plan.steps), ['put /etc/ssl/k.pem 600 secret']);
});

test('copy: binary or huge content is summarised by checksums', (t) => {
  const d = contentDiff('/x', Buffer.from([0, 1, 2]), Buffer.from('text'));
  t.is(d.kind, 'summary');
  t.regex(d.before, /^sha256 [0-9a-f]{12}…$/);
  t.is(contentDiff('/x', 'unread', Buffer.from('t'), 'abcdef0123456789').before, 'sha256 abcdef012345…');
});

test('copy: dest that is a directory takes the file inside it (second probe)', async (t) => {
  const conn = new FakeConnection();
  conn.answer("p=/etc/etcd;", { stdout: `${present(0, { kind: 'directory' })}\n` });
  conn.answer("p=/etc/etcd/etcd.conf;", { stdout: `${absent(0, '/etc/etcd')}\n` });
  const plan = await planWith(copyModule, conn, { src: 'etcd.conf', dest: '/etc/etcd' }, { roleDir: ROLE });
  t.deepEqual(describeSteps(plan.steps), ['put /etc/etcd/etcd.conf']);
  t.is(conn.commands().length, 2);
});

test('copy: dest ending in / creates the folder, undo removes it', async (t) => {
  const conn = answerFacts(new FakeConnection(), absent(0, '/opt'));
  const plan = await planWith(copyModule, conn, { src: 'etcd.conf', dest: '/opt/etcd/conf/', directory_mode: '0750' }, { roleDir: ROLE });
  t.deepEqual(describeSteps(plan.steps), [
    'mkdir -p -- /opt/etcd/conf',
    'chmod 0750 -- /opt/etcd /opt/etcd/conf',
    'put /opt/etcd/conf/etcd.conf',
  ]);
  t.deepEqual(describeSteps(plan.undo), ['rm -f -- /opt/etcd/conf/etcd.conf', 'rm -rf -- /opt/etcd']);
});

test('copy: a missing parent of a file dest is an error, as in Ansible', async (t) => {
  const conn = answerFacts(new FakeConnection(), absent(0, '/opt'));
  await t.throwsAsync(planWith(copyModule, conn, { content: 'x', dest: '/opt/etcd/x' }), { message: /Destination directory \/opt\/etcd does not exist/ });
});

test('copy: force=no leaves an existing file alone', async (t) => {
  const conn = answerFacts(new FakeConnection(), present(0, { content: 'other', mode: 0o600 }));
  t.false((await planWith(copyModule, conn, { content: 'x', dest: '/etc/x', force: false, mode: '0644' })).changed);
});

test('copy: backup keeps dest.<time>~ and registers it; undo removes it', async (t) => {
  const conn = answerFacts(new FakeConnection(), present(0, { content: 'old' }));
  const plan = await planWith(copyModule, conn, { content: 'new', dest: '/etc/x', backup: true });
  const name = plan.result?.backup_file as string;
  t.regex(name, /^\/etc\/x\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
  t.true(describeSteps(plan.steps).includes(`cp -p -- /etc/x '${name}'`));
  t.is(describeSteps(plan.undo)[0], `rm -f -- '${name}'`);
  t.is(userBackupName('/a', new Date(2024, 4, 6, 7, 8, 9)), '/a.2024-05-06@07:08:09~');
});

test('copy: validate runs on a temporary file before the rename', async (t) => {
  const conn = answerFacts(new FakeConnection(), absent(0, '/etc/sudoers.d'));
  const plan = await planWith(copyModule, conn, { content: 'x', dest: '/etc/sudoers.d/etcd', validate: 'visudo -cf %s' });
  const tmp = `/etc/sudoers.d/.etcd.ezplay-new-${RUN}`;
  t.deepEqual(describeSteps(plan.steps), [
    `put ${tmp}`,
    `if ! visudo -cf ${tmp}; then rm -f -- ${tmp}; echo 'validation failed' >&2; false; fi`,
    `mv -f -- ${tmp} /etc/sudoers.d/etcd`,
  ]);
  t.deepEqual(describeSteps(plan.undo), [`rm -f -- ${tmp}`, 'rm -f -- /etc/sudoers.d/etcd']);
});

test('copy: remote_src compares both checksums in one probe', async (t) => {
  const sum = sha256('bin');
  const same = answerFacts(new FakeConnection(), present(0, { sum }), present(1, { sum }));
  t.false((await planWith(copyModule, same, { src: '/tmp/etcd', dest: '/usr/local/bin/etcd', remote_src: true })).changed);
  t.is(same.commands().length, 1);
  const differs = answerFacts(new FakeConnection(), present(0, { sum }), absent(1, '/usr/local/bin'));
  const plan = await planWith(copyModule, differs, { src: '/tmp/etcd', dest: '/usr/local/bin/etcd', remote_src: true, mode: '0755' });
  const tmp = `/usr/local/bin/.etcd.ezplay-new-${RUN}`;
  t.deepEqual(describeSteps(plan.steps), [
    `cp -- /tmp/etcd ${tmp} && chmod 0755 -- ${tmp} && mv -f -- ${tmp} /usr/local/bin/etcd || { rm -f -- ${tmp}; false; }`,
  ]);
  t.deepEqual(describeSteps(plan.undo), [`rm -f -- ${tmp}`, 'rm -f -- /usr/local/bin/etcd']);
});

test('copy: src and content together are refused', async (t) => {
  await t.throwsAsync(planWith(copyModule, new FakeConnection(), { src: 'a', content: 'b', dest: '/x' }), { message: /exactly one/ });
});

test('copy: a directory src is copied file by file after one probe', async (t) => {
  const conn = answerFacts(new FakeConnection(), absent(0, '/etc/etcd'), present(1, { content: 'b=2\n' }));
  const plan = await planWith(copyModule, conn, { src: 'conf.d', dest: '/etc/etcd' }, { roleDir: ROLE });
  t.is(conn.commands().length, 1);
  t.deepEqual(describeSteps(plan.steps), ['mkdir -p -- /etc/etcd/conf.d', 'put /etc/etcd/conf.d/a.conf']);
  t.deepEqual(describeSteps(plan.undo), ['rm -f -- /etc/etcd/conf.d/a.conf', 'rm -rf -- /etc/etcd/conf.d']);
  t.like(plan.result, { dest: '/etc/etcd/conf.d', files: 2 });
  const contents = answerFacts(new FakeConnection(), present(0, { content: 'a=1\n' }), present(1, { content: 'b=2\n' }));
  t.false((await planWith(copyModule, contents, { src: 'conf.d/', dest: '/etc/etcd/conf.d' }, { roleDir: ROLE })).changed, 'dir/ copies the contents; idempotent');
});

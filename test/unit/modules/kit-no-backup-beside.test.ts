/**
 * Every module that writes files, in the cases where it replaces or removes
 * something: its steps, undo and cleanup name no path beside the target
 * (no `name.ezplay-bak-*` that logrotate or a conf.d reader would take for
 * a live file), its backups go to the run's backup root, and the plan says
 * which paths it writes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { validateArgs } from '../../../src/modules/args.js';
import { blockinfileModule } from '../../../src/modules/blockinfile.js';
import { certModule } from '../../../src/modules/cert.js';
import { copyModule } from '../../../src/modules/copy.js';
import { STREAM_ABOVE_BYTES } from '../../../src/modules/copy-stream.js';
import { fileModule } from '../../../src/modules/file.js';
import { getUrl, planGetUrl, type GetUrlArgs } from '../../../src/modules/get-url.js';
import { backupSlot } from '../../../src/modules/kit/backup.js';
import { lineinfileModule } from '../../../src/modules/lineinfile.js';
import { replaceModule } from '../../../src/modules/replace.js';
import { sysctlModule } from '../../../src/modules/sysctl.js';
import { templateModule } from '../../../src/modules/template.js';
import type { Plan } from '../../../src/modules/types.js';
import { commandsOf, pathsBeside } from './beside-check.js';
import { baseArgs, CERT, hostWithCert, KEY, makeCas, MemoryHost } from './ca-cert-context.js';
import { answerFacts, planWith, present, RUN, sha256 } from './core-modules-harness.js';
import { fakeHost } from './get-url-harness.js';

const ROLE = path.resolve('test/fixtures/core-modules/role');
const CONF = '/etc/etcd/etcd.conf';
const existing = (content = 'name: old\n') => answerFacts(new FakeConnection(), present(0, { content, withContent: true }));

interface Case {
  title: string;
  target: string;
  runId?: string;
  /** the target is backed up (replaced or removed), not only created */
  backedUp: boolean;
  plan: () => Promise<Plan>;
}

const cases: Case[] = [
  { title: 'copy content over a file', target: CONF, backedUp: true, plan: () => planWith(copyModule, existing(), { content: 'name: new\n', dest: CONF }) },
  {
    title: 'copy remote_src over a file',
    target: '/usr/local/bin/etcd',
    backedUp: true,
    plan: () =>
      planWith(
        copyModule,
        answerFacts(new FakeConnection(), present(0, { content: 'new' }), present(1, { content: 'old' })),
        { src: '/tmp/etcd', dest: '/usr/local/bin/etcd', remote_src: true },
      ),
  },
  {
    title: 'copy with validate over a file',
    target: '/etc/sudoers.d/etcd',
    backedUp: true,
    plan: () => planWith(copyModule, existing(), { content: 'etcd ALL=(ALL) NOPASSWD: ALL\n', dest: '/etc/sudoers.d/etcd', validate: 'visudo -cf %s' }),
  },
  {
    title: 'copy of a folder over its files',
    target: '/etc/etcd/conf.d/a.conf',
    backedUp: true,
    plan: () => planWith(copyModule, answerFacts(new FakeConnection(), present(0, { kind: 'directory' }), present(1, { kind: 'directory' }), present(2, { kind: 'directory' }), present(3, { content: 'old a' }), present(4, { content: 'old b' })), { src: 'conf.d', dest: '/etc/etcd' }, { roleDir: ROLE }),
  },
  {
    title: 'copy of a large file, streamed, over a file',
    target: '/usr/local/bin/big',
    backedUp: true,
    plan: () => {
      const big = path.join(mkdtempSync(path.join(os.tmpdir(), 'ezplay-big-')), 'big');
      writeFileSync(big, Buffer.alloc(STREAM_ABOVE_BYTES + 1, 1));
      return planWith(copyModule, answerFacts(new FakeConnection(), present(0, { content: 'old' })), { src: big, dest: '/usr/local/bin/big' });
    },
  },
  {
    title: 'template over a file',
    target: CONF,
    backedUp: true,
    plan: () => planWith(templateModule, existing(), { src: 'etcd.conf.j2', dest: CONF }, { roleDir: ROLE, render: (text) => text.replace('{{ name }}', 'etcd9') }),
  },
  { title: 'lineinfile', target: '/etc/hosts', backedUp: true, plan: () => planWith(lineinfileModule, existing('a\n'), { path: '/etc/hosts', line: '10.0.0.1 etcd1' }) },
  { title: 'blockinfile', target: '/etc/hosts', backedUp: true, plan: () => planWith(blockinfileModule, existing('a\n'), { path: '/etc/hosts', block: '10.0.0.1 etcd1' }) },
  { title: 'replace', target: '/etc/hosts', backedUp: true, plan: () => planWith(replaceModule, existing('a old\n'), { path: '/etc/hosts', regexp: 'old', replace: 'new' }) },
  {
    title: 'sysctl file',
    target: '/etc/sysctl.d/90-etcd.conf',
    backedUp: true,
    plan: () => planWith(sysctlModule, existing('a = 1\n'), { name: 'vm.swappiness', value: '1', sysctl_file: '/etc/sysctl.d/90-etcd.conf', reload: false }),
  },
  {
    title: 'file state=absent of a directory',
    target: '/etc/etcd',
    backedUp: true,
    plan: () => planWith(fileModule, answerFacts(new FakeConnection(), present(0, { kind: 'directory', mode: 0o700 })), { path: '/etc/etcd', state: 'absent' }),
  },
  {
    title: 'file state=link over a file (force)',
    target: '/usr/local/bin/etcdctl',
    backedUp: true,
    plan: () =>
      planWith(fileModule, answerFacts(new FakeConnection(), present(0, { content: 'x' }), present(1, { content: 'y' })), {
        path: '/usr/local/bin/etcdctl',
        src: '/opt/etcd/etcdctl',
        state: 'link',
        force: true,
      }),
  },
  {
    title: 'get_url (fetch_on host) over a file',
    target: '/opt/etcd.tar.gz',
    runId: 'run-test',
    backedUp: true,
    plan: () => {
      const { ctx } = fakeHost('n1', (c) => answerFacts(c, present(0, { content: 'old' }), present(1, { content: 'old' })).answer('for c in', { stdout: 'have curl\n' }));
      const args = validateArgs('get_url', getUrl.args, { url: 'http://127.0.0.1:1/etcd.tar.gz', dest: '/opt/etcd.tar.gz', checksum: `sha256:${sha256('new')}`, fetch_on: 'host' });
      return planGetUrl(ctx, args as unknown as GetUrlArgs);
    },
  },
];

for (const c of cases) {
  test(`${c.title}: nothing beside ${c.target}`, async (t) => {
    const plan = await c.plan();
    const runId = c.runId ?? RUN;
    t.true(plan.changed);
    t.deepEqual(pathsBeside(plan, [c.target], runId), []);
    const commands = commandsOf(plan).join('\n');
    t.notRegex(commands, /ezplay-bak/);
    if (c.backedUp) t.true(commands.includes(`"$ezb"/${backupSlot(runId, c.target)}`), 'backed up in the run\'s backup root');
    t.true(plan.writes?.includes(c.target), `writes names ${c.target}: ${JSON.stringify(plan.writes)}`);
  });
}

test('cert reissue: nothing beside the certificate and key', async (t) => {
  const host = new MemoryHost();
  await hostWithCert(host, await makeCas());
  const args = validateArgs('cert', certModule.args, { ...baseArgs, key_size: 4096 });
  const plan = await certModule.plan(host.context(), args as never);
  t.deepEqual(pathsBeside(plan, [CERT, KEY], RUN), []);
  for (const file of [CERT, KEY]) t.true(commandsOf(plan).join('\n').includes(`"$ezb"/${backupSlot(RUN, file)}`));
  t.deepEqual([...(plan.writes ?? [])].sort(), [CERT, KEY].sort());
});

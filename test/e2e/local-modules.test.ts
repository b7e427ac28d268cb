/**
 * The core modules against a real folder through LocalConnection: apply
 * changes the folder, planning again is a no-op, and undo (newest first)
 * brings the folder back byte for byte, modes, owners and times included.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { LocalConnection } from '../../src/connection/local.js';
import { createHostContext } from '../../src/engine/host-context.js';
import { validateArgs } from '../../src/modules/args.js';
import { findModule } from '../../src/modules/registry.js';
import type { Plan } from '../../src/modules/types.js';
import { applyPlan, runSteps, undoPlan } from '../helpers/apply-plan.js';
import { backedUpPaths, backupsBeside } from '../helpers/backups.js';

const conn = new LocalConnection('localhost');
const ROLE = path.resolve('test/fixtures/core-modules/role');

/** Every entry under `root`: type, mode, owner, content or link target, and a file's mtime. */
function treeHash(root: string): { hash: string; listing: string[] } {
  const listing: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const st = lstatSync(full, { bigint: true });
      const rel = path.relative(root, full);
      const head = `${rel} ${(st.mode & 0o170777n).toString(8)} ${st.uid}:${st.gid}`;
      if (st.isSymbolicLink()) listing.push(`${head} -> ${readlinkSync(full)}`);
      else if (st.isDirectory()) {
        listing.push(`${head}/`);
        walk(full);
      } else listing.push(`${head} ${createHash('sha256').update(readFileSync(full)).digest('hex')} ${st.mtimeNs}`);
    }
  };
  walk(root);
  return { hash: createHash('sha256').update(listing.join('\n')).digest('hex'), listing };
}

function fixture(t: { teardown(fn: () => void): void }): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ezplay-modules-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(path.join(root, 'etc/etcd'), { recursive: true });
  writeFileSync(path.join(root, 'etc/etcd/etcd.conf'), 'name: old\n', { mode: 0o640 });
  writeFileSync(path.join(root, 'etc/hosts'), '127.0.0.1 localhost\n');
  writeFileSync(path.join(root, 'etc/resolv.conf'), 'nameserver 10.0.0.1\n# local\nnameserver 10.0.0.2\nnameserver 10.0.0.3\n');
  mkdirSync(path.join(root, 'old/sub'), { recursive: true });
  writeFileSync(path.join(root, 'old/sub/f'), 'keep me');
  mkdirSync(path.join(root, 'data/x'), { recursive: true });
  writeFileSync(path.join(root, 'data/x/f'), 'data', { mode: 0o600 });
  writeFileSync(path.join(root, 'stamp'), '');
  writeFileSync(path.join(root, 'release.tar'), 'binary\u0000bytes');
  symlinkSync('v1', path.join(root, 'current'));
  return root;
}

async function plan(name: string, given: Record<string, unknown>, runId: string): Promise<Plan> {
  const module = findModule(name);
  if (!module) throw new Error(`no module ${name}`);
  const ctx = createHostContext({
    host: 'localhost',
    conn,
    vars: { name: 'etcd1' },
    runId,
    roleDir: ROLE,
    playbookDir: ROLE,
    render: (text) => text.replace('{{ name }}', 'etcd1'),
  });
  const args = validateArgs(name, module.args, given, undefined, undefined, { freeArgs: module.freeArgs });
  return module.plan(ctx, args);
}

function tasks(root: string): Array<[string, Record<string, unknown>]> {
  const at = (p: string) => path.join(root, p);
  return [
    ['file', { path: at('var/lib/etcd/member'), state: 'directory', mode: '0700' }],
    ['copy', { content: 'name: etcd1\n', dest: at('etc/etcd/etcd.conf'), backup: true }],
    ['template', { src: 'etcd.conf.j2', dest: at('etc/etcd/rendered.conf'), mode: '0600' }],
    ['lineinfile', { path: at('etc/hosts'), line: '10.0.0.1 etcd1' }],
    ['blockinfile', { path: at('etc/hosts'), block: '10.0.0.2 etcd2\n10.0.0.3 etcd3' }],
    // reload false: the file only, the controller's kernel is left alone
    ['sysctl', { name: 'vm.swappiness', value: '10', sysctl_file: at('etc/sysctl.d/99-etcd.conf'), reload: false }],
    ['replace', { path: at('etc/resolv.conf'), regexp: '^nameserver 10\\.0\\.0\\.(?P<n>\\d)$', replace: 'nameserver 192.168.0.\\g<n>', after: '# local' }],
    ['lineinfile', { path: at('etc/etcd/env'), line: 'ETCD_NAME=etcd1', create: true, mode: '0600' }],
    ['file', { path: at('old'), state: 'absent' }],
    ['file', { path: at('current'), state: 'link', src: 'v2', force: true }],
    ['file', { path: at('data'), state: 'directory', owner: 'nobody', group: 'nogroup', mode: '0750', recurse: true }],
    ['copy', { src: 'etcd.conf', dest: at('new/conf.d/'), directory_mode: '0755' }],
    ['copy', { src: 'conf.d', dest: at('etc/etcd'), mode: '0600', directory_mode: '0750' }],
    ['copy', { src: at('release.tar'), dest: at('opt/'), remote_src: true }],
    ['file', { path: at('stamp'), state: 'touch' }],
    ['command', { argv: ['touch', at('made')], creates: at('made'), rollback: `rm -f ${at('made')}` }],
    ['shell', { cmd: `echo ok > ${at('var/lib/etcd/member/ok')}`, creates: at('var/lib/etcd/member/ok'), rollback: `rm -f ${at('var/lib/etcd/member/ok')}` }],
  ];
}

test('apply changes the folder, a second plan is a no-op, undo restores it byte for byte', async (t) => {
  const root = fixture(t);
  mkdirSync(path.join(root, 'opt'));
  const before = treeHash(root);
  const applied: Plan[] = [];
  const runId = `e2e1-${process.pid}-${Date.now()}`;
  for (const [name, args] of tasks(root)) {
    const p = await plan(name, args, runId);
    t.true(p.changed, `${name} ${JSON.stringify(args)} changes`);
    const result = await applyPlan(conn, p);
    t.not(result.failed, true, `${name} succeeded`);
    applied.push(p);
  }
  t.not(treeHash(root).hash, before.hash);
  t.is(readFileSync(path.join(root, 'etc/etcd/rendered.conf'), 'utf8'), 'name: etcd1\nport: 2379\n');
  t.is(
    readFileSync(path.join(root, 'etc/hosts'), 'utf8'),
    '127.0.0.1 localhost\n10.0.0.1 etcd1\n# BEGIN ANSIBLE MANAGED BLOCK\n10.0.0.2 etcd2\n10.0.0.3 etcd3\n# END ANSIBLE MANAGED BLOCK\n',
  );
  t.is(readFileSync(path.join(root, 'etc/resolv.conf'), 'utf8'), 'nameserver 10.0.0.1\n# local\nnameserver 192.168.0.2\nnameserver 192.168.0.3\n');
  t.is(readFileSync(path.join(root, 'etc/sysctl.d/99-etcd.conf'), 'utf8'), 'vm.swappiness = 10\n');
  t.is(readlinkSync(path.join(root, 'current')), 'v2');
  t.is(lstatSync(path.join(root, 'data/x/f')).uid, 65534);
  t.is(readFileSync(path.join(root, 'new/conf.d/etcd.conf'), 'utf8'), 'name: etcd\n');
  t.is(readFileSync(path.join(root, 'etc/etcd/conf.d/sub/b.conf'), 'utf8'), 'b=2\n');
  t.is(lstatSync(path.join(root, 'etc/etcd/conf.d/sub')).mode & 0o777, 0o750);

  const second = new Map<string, boolean>();
  for (const [name, args] of tasks(root)) {
    const p = await plan(name, args, 'e2e1-again');
    second.set(`${name} ${Object.values(args)[0]}`, p.changed);
    // touch always changes the times, as in Ansible; everything else is idempotent.
    if (!(name === 'file' && args.state === 'touch')) t.false(p.changed, `${name} ${JSON.stringify(args)} is a no-op the second time`);
  }

  // the only copy beside a live file is the one the task asked for (Ansible's backup: yes)
  t.deepEqual(
    backupsBeside(root).map((f) => path.relative(root, f).replace(/\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/, '.<time>~')),
    ['etc/etcd/etcd.conf.<time>~'],
  );
  t.deepEqual(
    backedUpPaths(runId),
    ['etc/etcd/etcd.conf', 'etc/hosts', 'etc/resolv.conf', 'old'].map((p) => path.join(root, p)).sort(),
    "what the run replaced or removed is kept in the run's backup root",
  );

  for (const p of [...applied].reverse()) await undoPlan(conn, p);
  const after = treeHash(root);
  t.deepEqual(after.listing, before.listing);
  t.is(after.hash, before.hash);
  t.deepEqual(backupsBeside(root), [], 'after the rollback no backup is left beside any live file');
  for (const p of applied) await runSteps(conn, p.cleanup ?? []);
  t.deepEqual(backedUpPaths(runId), [], 'the cleanup deletes the run\'s backups');
});

test('undo is harmless when the forward steps never ran', async (t) => {
  const root = fixture(t);
  mkdirSync(path.join(root, 'opt'));
  const before = treeHash(root);
  const planned: Plan[] = [];
  const runId = `e2e2-${process.pid}-${Date.now()}`;
  for (const [name, args] of tasks(root)) planned.push(await plan(name, args, runId));
  for (const p of planned.reverse()) if (p.undo) await runSteps(conn, p.undo);
  t.deepEqual(treeHash(root).listing, before.listing);
  t.deepEqual(backedUpPaths(runId), [], 'nothing was backed up, and nothing was restored from nowhere');
});

test('a failing validate leaves dest alone', async (t) => {
  const root = fixture(t);
  const before = treeHash(root);
  const p = await plan('copy', { content: 'bad', dest: path.join(root, 'etc/etcd/etcd.conf'), validate: 'grep -q good %s' }, `e2e3-${process.pid}-${Date.now()}`);
  await t.throwsAsync(applyPlan(conn, p), { message: /validation failed/ });
  await undoPlan(conn, p);
  t.deepEqual(treeHash(root).listing, before.listing);
  await runSteps(conn, p.cleanup ?? []);
});

test('command: a failing command is a result, and stat, slurp see the real files', async (t) => {
  const root = fixture(t);
  const failing = await plan('command', { cmd: `ls ${path.join(root, 'nope')}` }, 'e2e4');
  const result = await applyPlan(conn, failing);
  t.like(result, { rc: 2, failed: true, msg: 'non-zero return code' });
  t.true((result.stderr_lines as string[]).length > 0);
  t.is(failing.undo, undefined, 'no rollback given: cannot undo');

  const st = await plan('stat', { path: path.join(root, 'etc/etcd/etcd.conf') }, 'e2e4');
  t.like(st.result?.stat, { exists: true, isreg: true, mode: '0640', pw_name: 'root', size: 10 });
  t.is((st.result?.stat as { checksum: string }).checksum, createHash('sha1').update('name: old\n').digest('hex'));
  const sl = await plan('slurp', { src: path.join(root, 'etc/hosts') }, 'e2e4');
  t.is(Buffer.from(sl.result?.content as string, 'base64').toString(), '127.0.0.1 localhost\n');
});

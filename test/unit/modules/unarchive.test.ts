import test from 'ava';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync, existsSync, statSync, linkSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readTar } from '../../../src/modules/tar-reader.js';
import { planUnarchive, unarchive, stripComponents, type UnarchiveArgs } from '../../../src/modules/unarchive.js';
import { parseRemoteListing, selectMembers, stripName, parseDestProbe } from '../../../src/modules/unarchive-members.js';
import { validateArgs } from '../../../src/modules/args.js';
import { ModuleError } from '../../../src/errors.js';
import { fakeHost, localHost, runSteps } from './get-url-harness.js';

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
const LONG = `${'deep/'.repeat(25)}file.txt`;

/** A release-like tree: etcd-v3.4.23-linux-amd64/{etcd,etcdctl,README.md,Documentation/…} */
function makeTree(version = 'a'): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ezplay-tar-'));
  const top = path.join(root, 'src', 'etcd-v3.4.23-linux-amd64');
  mkdirSync(path.join(top, 'Documentation'), { recursive: true });
  writeFileSync(path.join(top, 'etcd'), `etcd binary ${version}\n`, { mode: 0o755 });
  writeFileSync(path.join(top, 'etcdctl'), 'etcdctl binary\n', { mode: 0o755 });
  writeFileSync(path.join(top, 'README.md'), 'readme\n');
  writeFileSync(path.join(top, 'Documentation', 'doc.md'), 'doc\n');
  symlinkSync('etcd', path.join(top, 'etcd-link'));
  return root;
}

function tarball(root: string, name: string, extra: string[] = []): string {
  const file = path.join(root, name);
  execFileSync('tar', ['czf', file, ...extra, '-C', path.join(root, 'src'), 'etcd-v3.4.23-linux-amd64']);
  return file;
}

function args(given: Record<string, unknown>): UnarchiveArgs {
  return validateArgs('unarchive', unarchive.args, given) as unknown as UnarchiveArgs;
}

test('tar reader: GNU archive made by tar czf, with a symlink', (t) => {
  const root = makeTree();
  const entries = readTar(readFileSync(tarball(root, 't.tgz')));
  const names = entries.map((e) => e.name).sort();
  t.deepEqual(names, [
    'etcd-v3.4.23-linux-amd64/',
    'etcd-v3.4.23-linux-amd64/Documentation/',
    'etcd-v3.4.23-linux-amd64/Documentation/doc.md',
    'etcd-v3.4.23-linux-amd64/README.md',
    'etcd-v3.4.23-linux-amd64/etcd',
    'etcd-v3.4.23-linux-amd64/etcd-link',
    'etcd-v3.4.23-linux-amd64/etcdctl',
  ]);
  const etcd = entries.find((e) => e.name.endsWith('/etcd'));
  t.like(etcd, { type: 'file', size: 14, mode: 0o755, sha256: sha('etcd binary a\n') });
  t.like(entries.find((e) => e.name.endsWith('etcd-link')), { type: 'symlink', linkTarget: 'etcd' });
  t.is(entries.find((e) => e.name.endsWith('Documentation/'))?.type, 'dir');
});

for (const format of ['gnu', 'pax', 'ustar']) {
  test(`tar reader: long names and hard links in ${format} format`, (t) => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ezplay-tar-'));
    const top = path.join(root, 'src', 'etcd-v3.4.23-linux-amd64');
    mkdirSync(path.join(top, path.dirname(LONG)), { recursive: true });
    writeFileSync(path.join(top, LONG), 'long\n');
    writeFileSync(path.join(top, 'a'), 'linked\n');
    linkSync(path.join(top, 'a'), path.join(top, 'b'));
    const entries = readTar(readFileSync(tarball(root, 't.tgz', [`--format=${format}`])));
    t.like(entries.find((e) => e.name.endsWith('file.txt')), { name: `etcd-v3.4.23-linux-amd64/${LONG}`, sha256: sha('long\n') });
    const links = entries.filter((e) => e.name.endsWith('/a') || e.name.endsWith('/b'));
    t.deepEqual(links.map((e) => e.sha256), [sha('linked\n'), sha('linked\n')]);
    t.true(links.some((e) => e.type === 'hardlink'));
  });
}

test('tar reader: rejects what is not a tar archive', (t) => {
  t.throws(() => readTar(Buffer.alloc(1024, 7)), { message: /bad header checksum/ });
  t.throws(() => readTar(Buffer.from('PK\u0003\u0004rest')), { message: /zip/ });
});

test('member selection: strip, include, exclude as GNU tar', (t) => {
  t.is(stripName('./etcd-v1/etcd', 1), 'etcd-v1/etcd');
  t.is(stripName('etcd-v1/', 1), undefined);
  t.is(stripComponents(['--strip-components=2']), 2);
  t.is(stripComponents(['--strip-components', '1']), 1);
  const entries = readTar(readFileSync(tarball(makeTree(), 't.tgz')));
  const picked = selectMembers(entries, {
    strip: 1,
    include: ['etcd-v3.4.23-linux-amd64/etcd', 'etcd-v3.4.23-linux-amd64/Documentation'],
    exclude: ['*.md'],
  });
  t.deepEqual(picked.map((m) => m.path), ['Documentation', 'etcd']);
  t.throws(() => selectMembers(entries, { strip: 0, include: ['nope'], exclude: [] }), { message: /not found in archive: nope/ });
});

test('plan from the controller against faked dest facts: diff lists added and changed files', async (t) => {
  const file = tarball(makeTree(), 't.tgz');
  const { ctx, conn } = fakeHost('n1', (c) =>
    c.answer('@dest', {
      stdout: `@dest\nF\t${sha('old etcd\n')}\t755 root root\tetcd\nF\t${sha('etcdctl binary\n')}\t755 root root\tetcdctl\nA\t-\t-\tetcd-link\n`,
    }),
  );
  const plan = await planUnarchive(
    ctx,
    args({ src: file, dest: '/usr/local/bin', extra_opts: ['--strip-components=1'], include: ['etcd-v3.4.23-linux-amd64/etcd', 'etcd-v3.4.23-linux-amd64/etcdctl', 'etcd-v3.4.23-linux-amd64/etcd-link'] }),
  );
  t.is(conn.commands().length, 1, 'one probe');
  t.deepEqual(plan.diff, [
    { subject: '/usr/local/bin/etcd', kind: 'summary', before: `sha256 ${sha('old etcd\n').slice(0, 12)}…`, after: `sha256 ${sha('etcd binary a\n').slice(0, 12)}… (14 B)` },
    { subject: '/usr/local/bin/etcd-link', kind: 'summary', before: 'absent', after: 'link to etcd' },
  ]);
  const commands = plan.steps?.map((s) => (s.kind === 'exec' ? s.command : `put ${s.dest}`)) ?? [];
  t.regex(commands[0] ?? '', /^mkdir -p -m 0700 \/var\/tmp\/ezplay-unarchive$/);
  t.regex(commands[1] ?? '', /^put \/var\/tmp\/ezplay-unarchive\/run-test-[0-9a-f]{12}-t\.tgz$/);
  t.regex(commands[2] ?? '', /cp -pP \/usr\/local\/bin\/etcd \/var\/tmp\/ezplay-backup\//);
  t.regex(commands[3] ?? '', /tar -xf \S+ -C "\$x" --strip-components=1 -- etcd-v3.4.23-linux-amd64\/etcd/);
  t.notRegex(commands[3] ?? '', /mv -f -T "\$x"\/etcdctl/, 'an unchanged member is not moved');
  t.regex(commands[4] ?? '', /^rm -f /);
  const undo = plan.undo?.map((s) => (s as { command: string }).command).join('\n') ?? '';
  t.regex(undo, /cp -pP \/var\/tmp\/ezplay-backup\/\S+ \/usr\/local\/bin\/etcd.ezplay-restore/);
  t.regex(undo, /rm -f \/usr\/local\/bin\/etcd-link/);
});

test('creates exists: no change; dest missing: a clear error', async (t) => {
  const file = tarball(makeTree(), 't.tgz');
  const skip = fakeHost('n1', (c) => c.answer('@creates', { stdout: '@creates\n' }));
  t.false((await planUnarchive(skip.ctx, args({ src: file, dest: '/opt', creates: '/opt/etcd' }))).changed);
  const missing = fakeHost('n1', (c) => c.answer('@nodest', { stdout: '@nodest\n' }));
  await t.throwsAsync(planUnarchive(missing.ctx, args({ src: file, dest: '/opt' })), { instanceOf: ModuleError, message: /dest \/opt does not exist/ });
});

async function roundTrip(t: import('ava').ExecutionContext, remote: boolean): Promise<void> {
  const root = makeTree('a');
  const v1 = tarball(root, 'v1.tgz');
  writeFileSync(path.join(root, 'src', 'etcd-v3.4.23-linux-amd64', 'etcd'), 'etcd binary b\n');
  const v2 = tarball(root, 'v2.tgz');
  const dest = mkdtempSync(path.join(os.tmpdir(), 'ezplay-dest-'));
  writeFileSync(path.join(dest, 'keep.txt'), 'not in the archive');
  const { ctx, conn } = localHost();
  const a = (src: string) => args({ src, dest, remote_src: remote, extra_opts: ['--strip-components=1'], mode: '0750' });

  const first = await planUnarchive(ctx, a(v1));
  t.deepEqual(first.diff?.map((d) => d.subject.slice(dest.length + 1)), ['Documentation', 'Documentation/doc.md', 'README.md', 'etcd', 'etcd-link', 'etcdctl']);
  await runSteps(conn, first.steps ?? []);
  t.is(readFileSync(path.join(dest, 'etcd'), 'utf8'), 'etcd binary a\n');
  t.is(statSync(path.join(dest, 'etcd')).mode & 0o777, 0o750);
  t.is(readlinkSync(path.join(dest, 'etcd-link')), 'etcd');
  t.false((await planUnarchive(ctx, a(v1))).changed, 'idempotent');

  const second = await planUnarchive(ctx, a(v2));
  t.deepEqual(second.diff?.map((d) => [d.subject.slice(dest.length + 1), d.before.slice(0, 6)]), [['etcd', 'sha256']]);
  await runSteps(conn, second.steps ?? []);
  t.is(readFileSync(path.join(dest, 'etcd'), 'utf8'), 'etcd binary b\n');
  t.false(readdirSync(dest).some((n) => n.startsWith('.ezplay-unarchive')), 'scratch folder removed');

  await runSteps(conn, second.undo ?? []);
  t.is(readFileSync(path.join(dest, 'etcd'), 'utf8'), 'etcd binary a\n');
  t.is(statSync(path.join(dest, 'etcd')).mode & 0o777, 0o750, 'mode restored with the file');
  await runSteps(conn, first.undo ?? []);
  t.deepEqual(readdirSync(dest), ['keep.txt']);
  t.false(existsSync(path.join(dest, 'Documentation')));
}

test.serial('controller archive applied on this machine: only differing files move; undo is exact', (t) => roundTrip(t, false));
test.serial('remote_src archive listed by GNU tar on the host: same outcome', (t) => roundTrip(t, true));

test('parsers: remote listing and dest probe', (t) => {
  const listing = [
    '@list',
    'drwxr-xr-x root/root         0 2026-11-20 22:33 Documentation/',
    '-rw-r--r-- root/root         2 2026-11-20 22:33 my file',
    'lrwxrwxrwx root/root         0 2026-11-20 22:33 link -> my file',
    '@hash',
    `${sha('x')}\tmy file`,
  ].join('\n');
  const parsed = parseRemoteListing(listing);
  t.deepEqual(parsed, {
    kind: 'ok',
    members: [
      { path: 'Documentation', type: 'dir' },
      { path: 'my file', type: 'file', size: 2, sha256: sha('x') },
      { path: 'link', type: 'symlink', linkTarget: 'my file' },
    ],
  });
  t.deepEqual(parseRemoteListing('@nosrc\n'), { kind: 'nosrc' });
  const dest = parseDestProbe(`L\tetcd\ta link\nD\t-\t755 root root\tdir\nA\t-\t-\tgone\n`);
  t.deepEqual([...dest.entries()], [
    ['a link', { kind: 'symlink', target: 'etcd' }],
    ['dir', { kind: 'dir', mode: 0o755, owner: 'root', group: 'root' }],
    ['gone', { kind: 'absent' }],
  ]);
});

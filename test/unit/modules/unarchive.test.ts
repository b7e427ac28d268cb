import test from 'ava';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync, existsSync, statSync, linkSync, readlinkSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readTar, TarParser } from '../../../src/modules/tar-reader.js';
import { planUnarchive, unarchive, stripComponents, type UnarchiveArgs } from '../../../src/modules/unarchive.js';
import { parseRemoteListing, selectMembers, stripName, parseDestProbe } from '../../../src/modules/unarchive-members.js';
import { validateArgs } from '../../../src/modules/args.js';
import { ModuleError } from '../../../src/errors.js';
import { fakeHost, localHost, runSteps } from './get-url-harness.js';
import { moduleTable } from '../../helpers/module-table.js';
import { checks, restores } from './core-modules-harness.js';
import { FakeConnection } from '../../../src/connection/fake.js';
import { LocalConnection } from '../../../src/connection/local.js';
import { applySteps } from '../../../src/engine/apply-steps.js';
import { archiveListing, clearListingMemo, listingCacheDir } from '../../../src/modules/tar-listing-cache.js';
import type { Step } from '../../../src/modules/types.js';

// Archive listings are cached under EZPLAY_CACHE_DIR: a folder of this test file's own.
process.env.EZPLAY_CACHE_DIR = mkdtempSync(path.join(os.tmpdir(), 'ezplay-unarchive-cache-'));

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

function tarball(root: string, name: string, extra: string[] = [], gzip = true): string {
  const file = path.join(root, name);
  execFileSync('tar', [gzip ? 'czf' : 'cf', file, ...extra, '-C', path.join(root, 'src'), 'etcd-v3.4.23-linux-amd64']);
  return file;
}

function args(given: Record<string, unknown>): UnarchiveArgs {
  return validateArgs('unarchive', unarchive.args, given) as unknown as UnarchiveArgs;
}

test('tar reader: GNU archive made by tar czf, with a symlink', async (t) => {
  const root = makeTree();
  const entries = await readTar(readFileSync(tarball(root, 't.tgz')));
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
  test(`tar reader: long names and hard links in ${format} format`, async (t) => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ezplay-tar-'));
    const top = path.join(root, 'src', 'etcd-v3.4.23-linux-amd64');
    mkdirSync(path.join(top, path.dirname(LONG)), { recursive: true });
    writeFileSync(path.join(top, LONG), 'long\n');
    writeFileSync(path.join(top, 'a'), 'linked\n');
    linkSync(path.join(top, 'a'), path.join(top, 'b'));
    const entries = await readTar(readFileSync(tarball(root, 't.tgz', [`--format=${format}`])));
    t.like(entries.find((e) => e.name.endsWith('file.txt')), { name: `etcd-v3.4.23-linux-amd64/${LONG}`, sha256: sha('long\n') });
    const links = entries.filter((e) => e.name.endsWith('/a') || e.name.endsWith('/b'));
    t.deepEqual(links.map((e) => e.sha256), [sha('linked\n'), sha('linked\n')]);
    t.true(links.some((e) => e.type === 'hardlink'));
  });
}

test('tar reader: rejects what is not a tar archive', async (t) => {
  await t.throwsAsync(readTar(Buffer.alloc(1024, 7)), { message: /bad header checksum/ });
  t.throws(() => readTar(Buffer.from('PK\u0003\u0004rest')), { message: /zip/ });
  const whole = readFileSync(tarball(makeTree(), 't.tgz'));
  await t.throwsAsync(readTar(whole.subarray(0, whole.length - 40)), { message: /unexpected end of file/ }, 'a cut gzip stream');
});

test('tar reader: the same entries whatever sizes the bytes arrive in, and a cut archive is refused', (t) => {
  const root = makeTree();
  const plain = readFileSync(tarball(root, 't.tar', [], false));
  const whole = new TarParser();
  whole.push(plain);
  const expected = whole.end();
  t.is(expected.length, 7);
  for (const size of [1, 7, 511, 512, 513, 4096]) {
    const parser = new TarParser();
    for (let i = 0; i < plain.length; i += size) parser.push(plain.subarray(i, i + size));
    t.deepEqual(parser.end(), expected, `chunks of ${size} bytes`);
  }
  const etcd = plain.indexOf('etcd binary');
  const cut = new TarParser();
  cut.push(plain.subarray(0, etcd + 3));
  t.throws(() => cut.end(), { message: /is truncated/ });
  const halfHeader = new TarParser();
  halfHeader.push(plain.subarray(0, 700));
  t.throws(() => halfHeader.end(), { message: /ends inside a header/ });
});

test('member selection: strip, include, exclude as GNU tar', async (t) => {
  t.is(stripName('./etcd-v1/etcd', 1), 'etcd-v1/etcd');
  t.is(stripName('etcd-v1/', 1), undefined);
  t.is(stripComponents(['--strip-components=2']), 2);
  t.is(stripComponents(['--strip-components', '1']), 1);
  const entries = await readTar(readFileSync(tarball(makeTree(), 't.tgz')));
  const picked = selectMembers(entries, {
    strip: 1,
    include: ['etcd-v3.4.23-linux-amd64/etcd', 'etcd-v3.4.23-linux-amd64/Documentation'],
    exclude: ['*.md'],
  });
  t.deepEqual(picked.map((m) => m.path), ['Documentation', 'etcd']);
  t.throws(() => selectMembers(entries, { strip: 0, include: ['nope'], exclude: [] }), { message: /not found in archive: nope/ });
});

const RELEASE = tarball(makeTree(), 't.tgz');
const PLAIN_TAR = tarball(makeTree(), 't.tar', [], false);
const BINARIES = ['etcd-v3.4.23-linux-amd64/etcd', 'etcd-v3.4.23-linux-amd64/etcdctl', 'etcd-v3.4.23-linux-amd64/etcd-link'];
const destProbe = (...lines: string[]) => ({ '@dest': `@dest\n${lines.map((l) => `${l}\n`).join('')}` });
const ETCDCTL = `F\t${sha('etcdctl binary\n')}\t755 root root\tetcdctl`;
const ONLY_ETCD = { src: PLAIN_TAR, dest: '/opt/bin', extra_opts: ['--strip-components=1'], include: ['etcd-v3.4.23-linux-amd64/etcd'] };

moduleTable([
  {
    name: 'plan from the controller against faked dest facts: diff lists added and changed files',
    module: unarchive,
    args: { src: RELEASE, dest: '/usr/local/bin', extra_opts: ['--strip-components=1'], include: BINARIES },
    facts: destProbe(`F\t${sha('old etcd\n')}\t755 root root\tetcd`, ETCDCTL, 'A\t-\t-\tetcd-link'),
    expect: {
      changed: true,
      reads: 1,
      diff: [
        { subject: '/usr/local/bin/etcd', kind: 'summary', before: `sha256 ${sha('old etcd\n').slice(0, 12)}…`, after: `sha256 ${sha('etcd binary a\n').slice(0, 12)}… (14 B)` },
        { subject: '/usr/local/bin/etcd-link', kind: 'summary', before: 'absent', after: 'link to etcd' },
      ],
      also: checks(restores('/usr/local/bin/etcd'), (t, plan) => {
        const extract = (plan.steps ?? []).filter((s) => !s.description.startsWith('back up '));
        t.is(extract.length, 1, 'no upload, no removal: the archive streams into tar');
        t.like(extract[0], { kind: 'exec', stdinFile: RELEASE, description: `extract ${RELEASE} (streamed) into /usr/local/bin` });
        const script = extract[0]?.kind === 'exec' ? extract[0].command : '';
        t.regex(script, /tar -x -f - -z -C "\$x" --strip-components=1 -- etcd-v3.4.23-linux-amd64\/etcd/);
        t.regex(script, /x=\$\(mktemp -d \/usr\/local\/bin\/.ezplay-unarchive-"\$\$"-XXXXXX\)/);
        t.notRegex(script, /mv -f -T "\$x"\/etcdctl/, 'an unchanged member is not moved');
        const undo = plan.undo?.map((s) => (s as { command: string }).command).join('\n') ?? '';
        t.regex(undo, /^rm -f -- \/usr\/local\/bin\/etcd-link$/m, 'undo removes the link the run created');
        t.notRegex(undo, /ezplay-unarchive\//, 'nothing uploaded, nothing to remove');
      }),
    },
    after: destProbe(`F\t${sha('etcd binary a\n')}\t755 root root\tetcd`, ETCDCTL, 'L\tetcd\tetcd-link'),
  },
  {
    name: 'a plain tar streams without -z',
    module: unarchive,
    args: ONLY_ETCD,
    facts: destProbe('A\t-\t-\tetcd'),
    expect: {
      changed: true,
      also: (t, plan) => {
        t.deepEqual(plan.steps?.map((s) => s.kind === 'exec' && s.stdinFile), [PLAIN_TAR]);
        t.regex((plan.steps?.[0] as { command: string }).command, /tar -x -f - -C "\$x"/);
      },
    },
    after: destProbe(`F\t${sha('etcd binary a\n')}\t755 root root\tetcd`),
  },
  {
    name: 'with a become password the archive is uploaded first',
    module: unarchive,
    args: ONLY_ETCD,
    context: { become: { password: 'pw' } },
    facts: destProbe('A\t-\t-\tetcd'),
    expect: {
      changed: true,
      also: (t, plan) => {
        const kinds = plan.steps?.map((s) => (s.kind === 'exec' ? (s.stdinFile ? 'stream' : s.command.split(' ')[0]) : s.kind));
        t.deepEqual(kinds, ['mkdir', 'put', 'set', 'rm']);
        t.regex((plan.steps?.[2] as { command: string }).command, /tar -x -f \/var\/tmp\/ezplay-unarchive\/run1-[0-9a-f]{12}-t\.tar -C "\$x"/);
        t.regex(JSON.stringify(plan.undo), /rm -f \/var\/tmp\/ezplay-unarchive\//);
      },
    },
    after: destProbe(`F\t${sha('etcd binary a\n')}\t755 root root\tetcd`),
  },
  {
    name: 'creates exists: no change',
    module: unarchive,
    args: { src: RELEASE, dest: '/opt', creates: '/opt/etcd' },
    facts: { '@creates': '@creates\n' },
    expect: { changed: false },
  },
  {
    name: 'dest missing: a clear error',
    module: unarchive,
    args: { src: RELEASE, dest: '/opt' },
    facts: { '@nodest': '@nodest\n' },
    expect: { error: /dest \/opt does not exist/, errorClass: ModuleError },
  },
]);

test('a streamed step whose archive is gone fails with a ModuleError naming the host and the archive', async (t) => {
  const step: Step = { kind: 'exec', command: 'cat >/dev/null', description: 'extract /nowhere/x.tgz (streamed) into /opt', stdinFile: '/nowhere/x.tgz' };
  for (const host of [new FakeConnection('n1'), new LocalConnection('n1')]) {
    const error = await t.throwsAsync(applySteps([step], { host, controller: new LocalConnection('localhost') }), { instanceOf: ModuleError });
    t.regex(error?.message ?? '', /extract \/nowhere\/x\.tgz \(streamed\) into \/opt on n1 failed: .*\/nowhere\/x\.tgz.*ENOENT/, host.transport);
  }
});

test.serial('listing cache: parsed once, then read from disk; a touched archive or a corrupt entry is read afresh', async (t) => {
  const cache = mkdtempSync(path.join(os.tmpdir(), 'ezplay-listings-'));
  const file = tarball(makeTree(), 't.tgz');
  const first = await archiveListing(file, cache);
  t.is(first.source, 'archive');
  t.is(first.compression, 'gzip');
  t.is((await archiveListing(file, cache)).source, 'memory');
  clearListingMemo();
  const second = await archiveListing(file, cache);
  t.is(second.source, 'disk');
  t.deepEqual(second.entries, first.entries);
  const [stored] = readdirSync(cache);
  t.regex(stored ?? '', /^[0-9a-f]{32}\.json$/);

  // Another mtime is another identity: the old entry is not used.
  clearListingMemo();
  const later = new Date(Date.now() + 5000);
  utimesSync(file, later, later);
  t.is((await archiveListing(file, cache)).source, 'archive');
  t.is(readdirSync(cache).length, 2);

  // A corrupt entry (or one for another file) is ignored and written again.
  clearListingMemo();
  const entryFile = path.join(cache, readdirSync(cache).find((n) => n !== stored) ?? '');
  for (const junk of ['{"format":1,"entr', JSON.stringify({ ...JSON.parse(readFileSync(entryFile, 'utf8')), size: 1 }), JSON.stringify({ format: 1, entries: [{ name: 7 }] })]) {
    writeFileSync(entryFile, junk);
    const again = await archiveListing(file, cache);
    t.is(again.source, 'archive', junk.slice(0, 20));
    t.deepEqual(again.entries, first.entries);
    t.notThrows(() => JSON.parse(readFileSync(entryFile, 'utf8')), 'rewritten');
    clearListingMemo();
    t.is((await archiveListing(file, cache)).source, 'disk');
    clearListingMemo();
  }
});

test.serial('listing cache: a new process plans from the stored listing (EZPLAY_CACHE_DIR)', async (t) => {
  const cache = mkdtempSync(path.join(os.tmpdir(), 'ezplay-cache-'));
  const saved = process.env.EZPLAY_CACHE_DIR;
  process.env.EZPLAY_CACHE_DIR = cache;
  try {
    t.is(listingCacheDir(), path.join(cache, 'tar-listings'));
    const file = tarball(makeTree(), 't.tgz');
    const plan = () => planUnarchive(fakeHost('n1', (c) => c.answer('@dest', { stdout: '@dest\n' })).ctx, args({ src: file, dest: '/opt' }));
    await plan();
    t.is(readdirSync(listingCacheDir()).length, 1);
    clearListingMemo();
    const stored = path.join(listingCacheDir(), readdirSync(listingCacheDir())[0] ?? '');
    const past = new Date(Date.now() - 3600_000);
    utimesSync(stored, past, past);
    t.true((await plan()).changed);
    t.true(Math.abs(statSync(stored).mtimeMs - past.getTime()) < 1, 'read, not written again');
  } finally {
    if (saved === undefined) delete process.env.EZPLAY_CACHE_DIR;
    else process.env.EZPLAY_CACHE_DIR = saved;
  }
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

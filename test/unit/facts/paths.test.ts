import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { parsePathFacts, pathFactsCommand, type FactsRequest } from '../../../src/facts/paths.js';

const requests: FactsRequest[] = [
  { path: '/tmp/ff/f', checksum: 'sha256', content: true, access: true },
  { path: '/tmp/ff/l', follow: true, checksum: 'sha1' },
  { path: '/tmp/ff/l' },
  { path: '/tmp/ff/d' },
  { path: '/tmp/ff/missing/deeper' },
];

// Captured from GNU coreutils 9 on Debian: a 0640 file, a link to it (followed and not), a directory, a missing path.
const captured =
  '@@ 0\nstat:regular file|640|root|root|6|0|0|2148995|65024|1|1795214194|1795214194|1795214194|2026-11-20 22:36:34.083410509 +0000|2026-11-20 22:36:34.083410509 +0000\nsum:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\naccess:rw\ncontent:\naGVsbG8K\n' +
  '@@ 1\nreal:/tmp/ff/f\nstat:regular file|640|root|root|6|0|0|2148995|65024|1|1795214195|1795214194|1795214194|2026-11-20 22:36:35.023410543 +0000|2026-11-20 22:36:34.083410509 +0000\nsum:f572d396fae9206628714fb2ce00f72e94f2258f\n' +
  '@@ 2\nstat:symbolic link|777|root|root|1|0|0|2148996|65024|1|1795214195|1795214194|1795214194|2026-11-20 22:36:35.023410543 +0000|2026-11-20 22:36:34.087410509 +0000\nlink:f\n' +
  '@@ 3\nstat:directory|755|root|root|4096|0|0|2148994|65024|2|1795214194|1795214194|1795214194|2026-11-20 22:36:34.083410509 +0000|2026-11-20 22:36:34.083410509 +0000\n' +
  '@@ 4\nabsent\nancestor:/tmp/ff\n';

test('parses captured probe output', (t) => {
  const [file, followed, link, dir, missing] = parsePathFacts(requests, captured);
  t.like(file, { path: '/tmp/ff/f', realPath: '/tmp/ff/f', checksum: '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03', access: 'rw' });
  t.like(file?.stat, { kind: 'regular file', type: 'file', mode: 0o640, owner: 'root', size: 6, inode: 2148995, nlink: 1, mtime: 1795214194 });
  t.is(file?.stat?.mtimeText, '2026-11-20 22:36:34.083410509 +0000');
  t.is(file?.content?.toString(), 'hello\n');
  t.like(followed, { path: '/tmp/ff/l', realPath: '/tmp/ff/f', checksum: 'f572d396fae9206628714fb2ce00f72e94f2258f' });
  t.like(link, { linkTarget: 'f' });
  t.like(link?.stat, { type: 'link', mode: 0o777 });
  t.like(dir?.stat, { type: 'directory', nlink: 2 });
  t.deepEqual(missing, { path: '/tmp/ff/missing/deeper', realPath: '/tmp/ff/missing/deeper', stat: null, ancestor: '/tmp/ff' });
});

test('the command quotes paths and keeps its variable in a subshell', (t) => {
  const command = pathFactsCommand([{ path: "/tmp/it's; rm -rf /" }]);
  t.true(command.startsWith("( echo @@ 0; p='/tmp/it'\\''s; rm -rf /';"));
  t.true(command.endsWith(' )'));
});

test('a missing section is an error, not a silent absent', (t) => {
  t.throws(() => parsePathFacts([{ path: '/a' }, { path: '/b' }], '@@ 0\nabsent\nancestor:/\n'), { message: /no facts for \/b/ });
});

test('paths fact: the probe run by sh reads mime type and attributes in the same command', (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-paths-mime-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'a.txt');
  writeFileSync(file, 'hello world');
  const requests = [{ path: file, mime: true, attributes: true }];
  const out = spawnSync('sh', ['-c', pathFactsCommand(requests)], { encoding: 'utf8' });
  t.is(out.status, 0, out.stderr);
  const [facts] = parsePathFacts(requests, out.stdout);
  const hasFile = spawnSync('sh', ['-c', 'command -v file'], { encoding: 'utf8' }).status === 0;
  t.is(facts?.mime, hasFile ? 'text/plain; charset=us-ascii' : '');
  // lsattr answers only where the file system keeps attributes (not tmpfs or overlay)
  const lsattr = spawnSync('lsattr', ['-d', '--', file], { encoding: 'utf8' });
  t.is(facts?.lsattr, lsattr.status === 0 ? lsattr.stdout.trim() : undefined);
});

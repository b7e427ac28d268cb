import test from 'ava';
import { findCommand, parseAmount, parseFind, selectFiles, type FindArgs, type FoundFile } from '../../../src/modules/find.js';

const NOW = 1_000_000;
const DAY = 86400;
const entry = (path: string, type: FoundFile['type'], size: number, ageDays: number): FoundFile => ({
  path, type, size, mode: '0644', uid: 0, gid: 0, atime: NOW - ageDays * DAY, mtime: NOW - ageDays * DAY, ctime: NOW,
});
const FILES = [
  entry('/var/log/etcd.log', 'file', 5000, 10),
  entry('/var/log/etcd.log.1', 'file', 200, 1),
  entry('/var/log/.hidden.log', 'file', 10, 1),
  entry('/var/log/sub', 'directory', 4096, 1),
  entry('/var/log/sub/app.log', 'file', 3 * 1024 * 1024, 0),
  entry('/var/log/link.log', 'link', 10, 0),
];
const base: FindArgs = { paths: ['/var/log'], patterns: [], excludes: [], use_regex: false, file_type: 'file', recurse: true, hidden: false, follow: false, age_stamp: 'mtime' };

const cases: Array<[string, Partial<FindArgs>, string[]]> = [
  ['files only, hidden left out', {}, ['/var/log/etcd.log', '/var/log/etcd.log.1', '/var/log/sub/app.log']],
  ['a glob on the name', { patterns: ['*.log'] }, ['/var/log/etcd.log', '/var/log/sub/app.log']],
  ['globs: any of them', { patterns: ['*.1', 'app.*'] }, ['/var/log/etcd.log.1', '/var/log/sub/app.log']],
  ['excludes', { patterns: ['*'], excludes: ['app*'] }, ['/var/log/etcd.log', '/var/log/etcd.log.1']],
  ['regex from the start of the name', { patterns: ['etcd\\.log(\\.\\d+)?$'], use_regex: true }, ['/var/log/etcd.log', '/var/log/etcd.log.1']],
  ['hidden', { hidden: true, patterns: ['.hidden*'] }, ['/var/log/.hidden.log']],
  ['directories', { file_type: 'directory' }, ['/var/log/sub']],
  ['links', { file_type: 'link' }, ['/var/log/link.log']],
  ['older than a week', { age: '1w' }, ['/var/log/etcd.log']],
  ['younger than two days', { age: '-2d' }, ['/var/log/etcd.log.1', '/var/log/sub/app.log']],
  ['at least 1 MiB', { size: '1m' }, ['/var/log/sub/app.log']],
  ['at most 1k', { size: '-1k' }, ['/var/log/etcd.log.1']],
];

for (const [title, args, expected] of cases) {
  test(`find: ${title}`, (t) => {
    t.deepEqual(selectFiles(FILES, { ...base, ...args }, NOW).map((f) => f.path), expected);
  });
}

test('find: the probe and its parser', (t) => {
  t.is(findCommand({ paths: ['/a b'], recurse: false, follow: false }), "find '/a b' -mindepth 1 -maxdepth 1 -printf '%p\\t%y\\t%s\\t%m\\t%U\\t%G\\t%A@\\t%T@\\t%C@\\n' 2>/dev/null; true");
  t.regex(findCommand({ paths: ['/x'], recurse: true, depth: 2, follow: true }), /^find -L \/x -mindepth 1 -maxdepth 2 /);
  t.deepEqual(parseFind('/x/a\tf\t12\t640\t0\t5\t1.5\t2.5\t3.5\nnoise\n'), [
    { path: '/x/a', type: 'file', size: 12, mode: '0640', uid: 0, gid: 5, atime: 1.5, mtime: 2.5, ctime: 3.5 },
  ]);
});

test('find: amounts and their units', (t) => {
  t.is(parseAmount('2d', 'age'), 2 * DAY);
  t.is(parseAmount('-30m', 'age'), -1800);
  t.is(parseAmount('30', 'age'), 30);
  t.is(parseAmount('10k', 'size'), 10240);
  t.is(parseAmount('1m', 'size'), 1024 * 1024);
  t.throws(() => parseAmount('2 days', 'age'), { message: /not a number with an optional unit/ });
  t.throws(() => parseAmount('2x', 'size'), { message: /unknown unit 'x'/ });
});

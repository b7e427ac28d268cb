import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { walkLocalTree } from '../../../src/modules/copy-tree.js';
import { assertions } from '../../../src/modules/assert.js';

/** A tree like the one ansible-core's copy target links up: files, folders and every kind of link. */
const ROOT = mkdtempSync(path.join(os.tmpdir(), 'ezplay-copy-tree-'));
const TOP = path.join(ROOT, 'subdir');
const OUTSIDE = path.join(ROOT, 'outside');
mkdirSync(path.join(TOP, 'subdir1'), { recursive: true });
mkdirSync(path.join(TOP, 'subdir2', 'subdir3', 'subdir4'), { recursive: true });
mkdirSync(OUTSIDE);
writeFileSync(path.join(TOP, 'bar.txt'), 'baz\n');
writeFileSync(path.join(TOP, 'subdir2', 'subdir3', 'subdir4', 'qux.txt'), 'qux');
writeFileSync(path.join(ROOT, 'target'), 'target');
symlinkSync(path.join(ROOT, 'target'), path.join(TOP, 'subdir1', 'abs-link'));
symlinkSync(OUTSIDE, path.join(TOP, 'subdir1', 'abs-link-dir'));
symlinkSync('../', path.join(TOP, 'subdir1', 'circles'));
symlinkSync('invalid', path.join(TOP, 'subdir1', 'invalid'));
symlinkSync('../invalid', path.join(TOP, 'subdir1', 'invalid2'));
symlinkSync('../subdir2/subdir3', path.join(TOP, 'subdir1', 'subdir3'));
symlinkSync('../bar.txt', path.join(TOP, 'subdir1', 'bar.txt'));
test.after.always(() => rmSync(ROOT, { recursive: true, force: true }));

const rels = (list: Array<{ rel: string }>) => list.map((e) => e.rel);

test('copy tree: local_follow copies what file links point to and walks linked folders, loops and broken links stay links', (t) => {
  const tree = walkLocalTree(TOP, false, true);
  t.deepEqual(rels(tree.files), ['subdir/bar.txt', 'subdir/subdir1/abs-link', 'subdir/subdir1/bar.txt', 'subdir/subdir1/subdir3/subdir4/qux.txt', 'subdir/subdir2/subdir3/subdir4/qux.txt']);
  t.is(tree.files[1]?.local, path.join(ROOT, 'target'));
  t.deepEqual(tree.directories, [
    'subdir/subdir1',
    'subdir/subdir1/abs-link-dir',
    'subdir/subdir1/subdir3',
    'subdir/subdir1/subdir3/subdir4',
    'subdir/subdir2',
    'subdir/subdir2/subdir3',
    'subdir/subdir2/subdir3/subdir4',
  ]);
  t.deepEqual(tree.symlinks, [
    { target: 'invalid', rel: 'subdir/subdir1/invalid' },
    { target: '../invalid', rel: 'subdir/subdir1/invalid2' },
    { target: '../', rel: 'subdir/subdir1/circles' },
  ]);
});

test('copy tree: without local_follow every link is made again as a link; dir/ leaves the folder name out', (t) => {
  const tree = walkLocalTree(`${TOP}/`, true, false);
  t.deepEqual(rels(tree.files), ['bar.txt', 'subdir2/subdir3/subdir4/qux.txt']);
  t.deepEqual(tree.directories, ['subdir1', 'subdir2', 'subdir2/subdir3', 'subdir2/subdir3/subdir4']);
  t.deepEqual(rels(tree.symlinks).sort(), ['subdir1/abs-link', 'subdir1/abs-link-dir', 'subdir1/bar.txt', 'subdir1/circles', 'subdir1/invalid', 'subdir1/invalid2', 'subdir1/subdir3']);
  t.is(tree.symlinks.find((s) => s.rel === 'subdir1/subdir3')?.target, '../subdir2/subdir3');
});

test('assert: an empty entry in that holds, as an empty conditional does in Ansible', (t) => {
  t.deepEqual(assertions(['a', null, '']), ['a', 'true', 'true']);
});

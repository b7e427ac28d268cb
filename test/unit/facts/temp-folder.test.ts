import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { PlannedState } from '../../../src/facts/planned.js';
import { parseTempFolder, plannedTempFolder, tempFolderFact } from '../../../src/facts/temp-folder.js';
import { FactError } from '../../../src/facts/types.js';

const parses: Array<[string, string, ReturnType<typeof parseTempFolder>]> = [
  ['the host\'s folder', 'directory\n/tmp\n', { path: '/tmp', type: 'directory' }],
  ['a missing folder', 'missing\n/nonexistent/x\n', { path: '/nonexistent/x', type: 'missing' }],
  ['a file', 'other\n/etc/hosts\n', { path: '/etc/hosts', type: 'other' }],
  ['a name with spaces', 'directory\n/srv/my tmp\n', { path: '/srv/my tmp', type: 'directory' }],
];
for (const [title, stdout, expected] of parses) {
  test(`temp_folder fact parses ${title}`, (t) => t.deepEqual(parseTempFolder(stdout), expected));
}

test('temp_folder fact: output it cannot read is a FactError', (t) => {
  t.throws(() => parseTempFolder('/tmp\n'), { instanceOf: FactError });
  t.throws(() => tempFolderFact.parse({ stdout: '', stderr: 'boom', rc: 1 }, {}), { instanceOf: FactError, message: /boom/ });
});

test('temp_folder fact: in check mode a folder an earlier task makes counts as made', (t) => {
  const state = new PlannedState();
  state.record([{ kind: 'path', path: '/srv/new', type: 'directory' }, { kind: 'path', path: '/srv/gone', type: 'absent' }]);
  t.deepEqual(plannedTempFolder({ path: '/srv/new', type: 'missing' }, state), { path: '/srv/new', type: 'directory' });
  t.deepEqual(plannedTempFolder({ path: '/srv/gone', type: 'directory' }, state), { path: '/srv/gone', type: 'missing' });
  t.deepEqual(plannedTempFolder({ path: '/tmp', type: 'directory' }, state), { path: '/tmp', type: 'directory' });
});

const read = (args: { path?: string }, env: Record<string, string>) => {
  const out = spawnSync('sh', ['-c', tempFolderFact.command(args)], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env } });
  return tempFolderFact.parse({ stdout: out.stdout, stderr: out.stderr, rc: out.status ?? 1 }, args);
};

test('temp_folder fact: the command follows TMPDIR, passes over what is not a writable folder, and reads a given folder', (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ezplay-tempdir-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const file = path.join(root, 'file');
  writeFileSync(file, '');
  t.deepEqual(read({}, { TMPDIR: root }), { path: root, type: 'directory' });
  t.deepEqual(read({}, { TMPDIR: path.join(root, 'missing'), TMP: root }), { path: root, type: 'directory' });
  t.deepEqual(read({}, {}), { path: '/tmp', type: 'directory' });
  t.deepEqual(read({ path: path.join(root, 'missing') }, { TMPDIR: root }), { path: path.join(root, 'missing'), type: 'missing' });
  t.deepEqual(read({ path: file }, {}), { path: file, type: 'other' });
});

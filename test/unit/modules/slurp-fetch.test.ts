import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { fetchDest, fetchModule } from '../../../src/modules/fetch.js';
import { pingModule } from '../../../src/modules/ping.js';
import { slurpModule } from '../../../src/modules/slurp.js';
import { moduleTable } from '../../helpers/module-table.js';
import { absent, pathsProbe, present, sha1 } from './core-modules-harness.js';

moduleTable([
  {
    name: 'base64 content, one probe',
    module: slurpModule,
    args: { src: '/etc/hostname' },
    facts: { 'base64 <': 'aGVs\nbG8K\n' },
    expect: { reads: 1, also: (t, plan) => t.deepEqual(plan, { changed: false, result: { content: 'aGVsbG8K', encoding: 'base64', source: '/etc/hostname' } }) },
  },
  { name: 'a missing file is an error', module: slurpModule, args: { src: '/x' }, facts: { base64: { rc: 3 } }, expect: { error: 'file not found: /x' } },
  { name: 'a directory is an error', module: slurpModule, args: { src: '/x' }, facts: { base64: { rc: 4 } }, expect: { error: /is a directory/ } },
  {
    name: 'pong after one probe',
    module: pingModule,
    args: {},
    expect: {
      also: (t, plan, host) => {
        t.deepEqual(plan, { changed: false, result: { ping: 'pong' } });
        t.deepEqual(host.commands(), ['true']);
      },
    },
  },
  { name: 'crash fails', module: pingModule, args: { data: 'crash' }, expect: { error: /boom/ } },
]);

test('fetch: dest layout', (t) => {
  t.is(fetchDest({ src: '/etc/etcd/etcd.conf', dest: 'out', flat: false }, 'etcd1', '/pb'), '/pb/out/etcd1/etc/etcd/etcd.conf');
  t.is(fetchDest({ src: '/etc/etcd/etcd.conf', dest: '/tmp/x/', flat: true }, 'etcd1', '/pb'), '/tmp/x/etcd.conf');
  t.is(fetchDest({ src: '/etc/etcd/etcd.conf', dest: '/tmp/x.conf', flat: true }, 'etcd1', '/pb'), '/tmp/x.conf');
});

// the controller's side of fetch is this machine: a folder per case, made now, removed after the tests
const CONTROLLER = mkdtempSync(path.join(os.tmpdir(), 'ezplay-fetch-'));
test.after.always(() => rmSync(CONTROLLER, { recursive: true, force: true }));
const NEW_DIR = path.join(CONTROLLER, 'new');
const KEEP_DIR = path.join(CONTROLLER, 'keep');
mkdirSync(path.join(KEEP_DIR, 'keep'), { recursive: true });
writeFileSync(path.join(KEEP_DIR, 'keep/x'), 'old');
const fetched = path.join(NEW_DIR, 'out/node1/etc/etcd/etcd.conf');

moduleTable([
  {
    name: 'a new file is written on the controller, compared by checksum next time; undo removes what it created',
    module: fetchModule,
    args: { src: '/etc/etcd/etcd.conf', dest: 'out' },
    context: { playbookDir: NEW_DIR },
    controller: 'local',
    facts: [pathsProbe(present(0, { content: 'conf', algorithm: 'sha1' }))],
    files: { '/etc/etcd/etcd.conf': 'conf' },
    expect: {
      changed: true,
      result: { dest: fetched, checksum: sha1('conf') },
      readsAgain: 1,
      also: (t, plan) => t.true(plan.steps?.every((s) => s.on === 'controller')),
      afterUndo: (t) => t.throws(() => readFileSync(path.join(NEW_DIR, 'out'))),
    },
    // the host is as it was: only the controller changed
    after: [],
  },
  {
    name: 'an existing local file is replaced, and put back by undo',
    module: fetchModule,
    args: { src: '/x', dest: 'keep/x', flat: true },
    context: { playbookDir: KEEP_DIR },
    controller: 'local',
    facts: [pathsProbe(present(0, { content: 'new', algorithm: 'sha1' }))],
    files: { '/x': 'new' },
    expect: {
      changed: true,
      diff: [{ before: 'old', after: 'new' }],
      afterUndo: (t) => t.is(readFileSync(path.join(KEEP_DIR, 'keep/x'), 'utf8'), 'old'),
    },
    after: [],
  },
  {
    name: 'a missing remote file fails',
    module: fetchModule,
    args: { src: '/nope', dest: '/tmp' },
    facts: [pathsProbe(absent(0, '/'))],
    expect: { error: /does not exist/ },
  },
  {
    name: 'a missing remote file is ignored when asked',
    module: fetchModule,
    args: { src: '/nope', dest: '/tmp', fail_on_missing: false },
    facts: [pathsProbe(absent(0, '/'))],
    expect: { changed: false, msg: 'the remote file does not exist, not transferring, ignored' },
  },
]);

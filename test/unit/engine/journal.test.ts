import test from 'ava';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readRun, RunJournal, type JournalEntry } from '../../../src/engine/journal.js';
import type { ConnectionSpec } from '../../../src/connection/types.js';

function journal(): { root: string; j: RunJournal } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ezplay-journal-'));
  const j = new RunJournal(root, 'run-1', { runId: 'run-1', playbook: 'site.yml', inventory: ['hosts'], started: 'now', hosts: {} });
  return { root, j };
}

const entry = (task: string): Omit<JournalEntry, 'seq'> => ({
  host: 'web1',
  target: 'web1',
  task,
  undo: [{ kind: 'exec', command: `undo ${task}`, description: task }],
  play: 0,
  rollback: 'on_failure',
});

const lines = (root: string) => readFileSync(path.join(root, 'run-1', 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

test('each entry is in journal.jsonl as soon as record() returns, before the run finishes', (t) => {
  const { root, j } = journal();
  j.record(entry('first'));
  t.deepEqual(lines(root).map((l) => l.task), ['first']);
  j.record(entry('second'));
  t.deepEqual(lines(root).map((l) => l.seq), [1, 2]);
  t.is(statSync(path.join(root, 'run-1', 'journal.jsonl')).mode & 0o777, 0o600);
  j.markUndone(2);
  t.deepEqual(lines(root).at(-1), { undone: 2 });
  j.finish('rolled_back');
  t.deepEqual(readRun(root, 'run-1').entries.map((e) => e.task), ['first']);
  t.is(readRun(root, 'run-1').meta.status, 'rolled_back');
});

test('entries written after close() or finish() open the file again and append', (t) => {
  const { root, j } = journal();
  j.record(entry('first'));
  j.close();
  j.close();
  j.record(entry('second'));
  j.finish('failed');
  j.markUndone(1);
  t.deepEqual(lines(root), [
    { ...entry('first'), seq: 1 },
    { ...entry('second'), seq: 2 },
    { undone: 1 },
  ]);
});

test('meta.json records how each host was reached, without its password, rewritten only when that changes', (t) => {
  const { root, j } = journal();
  const meta = () => JSON.parse(readFileSync(path.join(root, 'run-1', 'meta.json'), 'utf8')) as { hosts: Record<string, unknown> };
  const spec: ConnectionSpec = { host: 'web1', transport: 'ssh', address: '10.0.0.1', user: 'root', password: 'secret' };
  j.setHost('web1', spec);
  t.deepEqual(meta().hosts, { web1: { host: 'web1', transport: 'ssh', address: '10.0.0.1', user: 'root' } });
  const written = statSync(path.join(root, 'run-1', 'meta.json')).mtimeMs;
  j.setHost('web1', { ...spec });
  t.is(statSync(path.join(root, 'run-1', 'meta.json')).mtimeMs, written, 'the same spec again writes nothing');
  j.setHost('web1', { ...spec, user: 'ops' });
  t.is((meta().hosts.web1 as { user: string }).user, 'ops');
  t.is(j.specOf('web1')?.password, 'secret', 'the password is kept in memory for this run');
  j.finish('ok');
});

test('a become password stays in memory for the run\'s own rollback and never reaches journal.jsonl', (t) => {
  const { root, j } = journal();
  j.record({ ...entry('as root'), become: { user: 'root', password: 'sudo-secret' } });
  j.record({ ...entry('as etcd'), become: { password: 'sudo-secret' } });
  t.false(readFileSync(path.join(root, 'run-1', 'journal.jsonl'), 'utf8').includes('sudo-secret'));
  t.deepEqual(lines(root).map((l) => l.become), [{ user: 'root' }, {}]);
  t.deepEqual(j.pending().map((e) => e.become), [{ password: 'sudo-secret' }, { user: 'root', password: 'sudo-secret' }]);
  j.finish('ok');
  t.deepEqual(readRun(root, 'run-1').entries.map((e) => e.become), [{}, { user: 'root' }]);
});

test('what each change left, and what its undo left, is read back as the last state the run left at each path', (t) => {
  const { root, j } = journal();
  const a = { type: 'file' as const, mode: '644', uid: 0, gid: 0, hash: 'a' };
  const b = { ...a, hash: 'b' };
  j.record({ ...entry('first'), writes: ['/f'], before: { '/f': { type: 'absent' } } });
  j.recordOutcome(1, { done: 2, of: 2, left: { '/f': a } });
  j.record({ ...entry('second'), writes: ['/f'] });
  t.is(j.leftStates.at('web1', '/f'), null, 'unknown while the steps run');
  j.recordOutcome(2, { done: 1, of: 2, left: { '/f': b } });
  t.deepEqual(lines(root)[1], { applied: 1, done: 2, of: 2, left: { '/f': a } });
  t.deepEqual(readRun(root, 'run-1').entries[0]?.steps, { done: 1, of: 2 });
  j.markUndone(2, { '/f': a });
  const run = readRun(root, 'run-1');
  t.deepEqual(run.leftStates.at('web1', '/f'), a);
  t.deepEqual(run.entries.map((e) => [e.task, e.left, e.before]), [['first', { '/f': a }, { '/f': { type: 'absent' } }]]);
  t.is(run.leftStates.at('web1', '/other'), undefined);
});

/**
 * The one rule for reaching a host (src/engine/reach.ts), and undoing a run
 * by it: a host without a recorded spec is an error naming the host, and
 * its undo never runs on the controller instead.
 */
import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import type { ConnectionSpec } from '../../../src/connection/types.js';
import { EventBus, type RunEvent } from '../../../src/engine/events.js';
import type { JournalEntry } from '../../../src/engine/journal.js';
import { HostReach, type RecordedSpec } from '../../../src/engine/reach.js';
import { undoRun } from '../../../src/engine/rollback.js';

const ssh = (host: string): RecordedSpec => ({ host, transport: 'ssh', address: '10.0.0.1', user: 'deploy' });

function reachWith(becomePassword?: string) {
  const opened = new Map<string, FakeConnection>();
  const controller = new FakeConnection('localhost');
  const reach = new HostReach(
    async (spec: ConnectionSpec) => {
      const conn = new FakeConnection(spec.host);
      opened.set(spec.host, conn);
      return conn;
    },
    becomePassword,
    controller,
  );
  return { reach, opened, controller };
}

const cases: Array<{ title: string; target: string; spec?: RecordedSpec; reaches: 'opened' | 'controller' | RegExp }> = [
  { title: 'a host with a recorded spec is opened by it', target: 'db1', spec: ssh('db1'), reaches: 'opened' },
  { title: 'localhost without a spec is the controller', target: 'localhost', reaches: 'controller' },
  { title: 'local transport to localhost is the controller', target: 'localhost', spec: { host: 'localhost', transport: 'local', address: 'localhost' }, reaches: 'controller' },
  { title: 'localhost reached over SSH stays SSH', target: 'localhost', spec: ssh('localhost'), reaches: 'opened' },
  { title: 'a host without a spec is an error naming it and the run', target: 'db2', reaches: /run run-7 has no record of how it reached db2/ },
];

for (const c of cases) {
  test(`reachRecorded: ${c.title}`, async (t) => {
    const { reach, opened, controller } = reachWith();
    if (c.reaches instanceof RegExp) {
      await t.throwsAsync(reach.reachRecorded(c.target, c.spec, 'run-7'), { message: c.reaches });
      t.is(opened.size, 0);
      return;
    }
    const conn = await reach.reachRecorded(c.target, c.spec, 'run-7');
    t.is(conn, c.reaches === 'controller' ? controller : opened.get(c.target)!);
  });
}

test('become: the password asked for now fills in where the record has none; no become stays none', (t) => {
  const { reach } = reachWith('asked');
  t.deepEqual(reach.become({ user: 'root' }), { user: 'root', password: 'asked' });
  t.deepEqual(reach.become({ user: 'root', password: 'own' }), { user: 'root', password: 'own' });
  t.is(reach.become(undefined), undefined);
  t.deepEqual(reachWith().reach.become({ user: 'etcd' }), { user: 'etcd' });
});

const entry = (seq: number, target: string, become?: JournalEntry['become']): JournalEntry => ({
  seq,
  host: target,
  target,
  task: `task ${seq}`,
  undo: [{ kind: 'exec', command: `undo ${seq}`, description: `undo ${seq}` }],
  ...(become ? { become } : {}),
  play: 0,
  rollback: 'on_failure',
});

test('undoRun: each host as the run reached it, with the become password; a host with no spec fails by name, nothing runs on the controller', async (t) => {
  const { reach, opened, controller } = reachWith('sudo-pw');
  const bus = new EventBus();
  const events: RunEvent[] = [];
  bus.on((e) => events.push(e));
  const undone: number[] = [];
  const specs: Record<string, RecordedSpec> = { db1: ssh('db1') };
  const result = await undoRun(
    { runId: 'run-7', entries: [entry(3, 'db1', { user: 'root' }), entry(2, 'db2'), entry(1, 'db2')], specOf: (target) => specs[target] },
    reach,
    bus,
    (seq) => undone.push(seq),
  );
  t.deepEqual(result, { undone: 1, refused: 0, failed: 2, cannotUndo: 0 });
  t.deepEqual(undone, [3]);
  const db1 = opened.get('db1')!;
  t.deepEqual(db1.commands(), ['undo 3']);
  t.deepEqual((db1.calls[0]?.options as { become?: unknown }).become, { user: 'root', password: 'sudo-pw' });
  t.deepEqual(controller.calls, [], 'no undo ran on the controller');
  const failures = events.filter((e) => e.type === 'rollback_step' && e.status === 'failed');
  t.is(failures.length, 2);
  for (const f of failures) t.regex((f as { msg?: string }).msg ?? '', /no record of how it reached db2/);
});

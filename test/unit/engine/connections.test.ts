import test from 'ava';
import { ConnectionPool } from '../../../src/engine/connections.js';
import { FakeConnection } from '../../../src/connection/fake.js';
import type { Connection, ConnectionSpec } from '../../../src/connection/types.js';
import { ConnectionError } from '../../../src/errors.js';

const spec = (extra: Partial<ConnectionSpec> = {}): ConnectionSpec => ({ host: 'web1', transport: 'ssh', address: '10.0.0.1', user: 'root', ...extra });

/** An opener that records what it was asked to open and hands out FakeConnections that record their closing. */
function recordingOpener(fail?: (spec: ConnectionSpec) => Error | undefined) {
  const opened: Array<{ spec: ConnectionSpec; conn: FakeConnection; closed: boolean }> = [];
  const opener = async (s: ConnectionSpec): Promise<Connection> => {
    const error = fail?.(s);
    if (error) throw error;
    const conn = new FakeConnection(s.host);
    const entry = { spec: s, conn, closed: false };
    conn.close = async () => {
      entry.closed = true;
    };
    opened.push(entry);
    return conn;
  };
  return { opened, opener };
}

test('a prewarmed connection is the one get() returns for the same spec', async (t) => {
  const { opened, opener } = recordingOpener();
  const pool = new ConnectionPool(opener);
  pool.prewarm(spec());
  const conn = await pool.get(spec());
  t.is(opened.length, 1);
  t.is(conn, opened[0]!.conn);
  t.is(await pool.get(spec()), conn);
  t.true(pool.connectMs.has('web1'));
  await pool.closeAll();
  t.true(opened[0]!.closed);
});

test('get() with a different spec than the prewarmed one opens a new connection and closes the early one', async (t) => {
  const { opened, opener } = recordingOpener();
  const pool = new ConnectionPool(opener);
  pool.prewarm(spec({ user: 'early' }));
  const conn = await pool.get(spec({ user: 'root' }));
  t.deepEqual(opened.map((o) => o.spec.user), ['early', 'root']);
  t.is(conn, opened[1]!.conn);
  await new Promise((resolve) => setImmediate(resolve));
  t.true(opened[0]!.closed, 'the connection opened with the wrong spec is closed');
  t.false(opened[1]!.closed);
  // once taken, the connection is the host's for the run, as without prewarm
  t.is(await pool.get(spec({ user: 'other' })), conn);
  await pool.closeAll();
});

test('a prewarmed connection that fails reports the same error as opening it on use', async (t) => {
  const refuse = () => new ConnectionError('connection refused by 10.0.0.1:22 (is sshd running?)', { unreachable: true });
  const plain = () => new Error('socket hang up');
  for (const fail of [refuse, plain]) {
    const early = new ConnectionPool(recordingOpener(fail).opener);
    early.prewarm(spec());
    await new Promise((resolve) => setImmediate(resolve));
    const late = new ConnectionPool(recordingOpener(fail).opener);
    const [a, b] = await Promise.all([early.get(spec()).catch((e: unknown) => e), late.get(spec()).catch((e: unknown) => e)]);
    t.true(a instanceof ConnectionError);
    t.is((a as ConnectionError).message, (b as ConnectionError).message);
    t.is((a as ConnectionError).unreachable, (b as ConnectionError).unreachable);
    t.false(early.connectMs.has('web1'));
  }
});

test('prewarm opens a host once, and forget() drops a prewarmed connection', async (t) => {
  const { opened, opener } = recordingOpener();
  const pool = new ConnectionPool(opener);
  pool.prewarm(spec());
  pool.prewarm(spec());
  await pool.get(spec());
  t.is(opened.length, 1);
  pool.forget('web1');
  await new Promise((resolve) => setImmediate(resolve));
  t.true(opened[0]!.closed);
  pool.prewarm(spec());
  await pool.get(spec());
  t.is(opened.length, 2);
  await pool.closeAll();
});

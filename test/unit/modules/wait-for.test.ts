import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { createHostContext } from '../../../src/engine/host-context.js';
import { ModuleError } from '../../../src/errors.js';
import { validateArgs } from '../../../src/modules/args.js';
import { createWaitFor, type Clock } from '../../../src/modules/wait-for.js';
import { activeConnections, isListening, parsePathCheck, parseProcNetTcp } from '../../../src/facts/sockets.js';

// /proc/net/tcp and tcp6 (first 100 columns) captured on Debian 12 with `nc -l 127.0.0.1 2379`,
// `nc -6 -l ::1 2381`, `nc -6 -l 2380` and one client connected to 2379
const PROC_NET_TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:094B 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 129215 1
   1: 0100007F:D4EE 0100007F:094B 06 00000000:00000000 03:000016B7 00000000     0        0 0 3 00000
   2: 0100007F:D4FA 0100007F:094B 01 00000000:00000000 00:00000000 00000000     0        0 128949 2
   3: 0100007F:094B 0100007F:D4FA 01 00000000:00000000 00:00000000 00000000     0        0 129216 1
   4: 0100007F:094B 0100007F:D4EE 06 00000000:00000000 03:000016B7 00000000     0        0 0 3 00000
  sl  local_address                         remote_address                        st tx_queue rx_que
   0: 00000000000000000000000001000000:094D 00000000000000000000000000000000:0000 0A 00000000:000000
   1: 00000000000000000000000000000000:094C 00000000000000000000000000000000:0000 0A 00000000:000000
`;

test('parses captured /proc/net/tcp and tcp6', (t) => {
  const sockets = parseProcNetTcp(PROC_NET_TCP);
  t.is(sockets.length, 7);
  t.deepEqual(sockets[0], { localAddress: '127.0.0.1', localPort: 2379, state: 'LISTEN' });
  t.deepEqual(sockets[5], { localAddress: '::1', localPort: 2381, state: 'LISTEN' });
  t.deepEqual(sockets[6], { localAddress: '::', localPort: 2380, state: 'LISTEN' });
  t.is(activeConnections(sockets, 2379), 1);
});

test('judges which local address a listener serves', (t) => {
  const sockets = parseProcNetTcp(PROC_NET_TCP);
  t.true(isListening(sockets, '127.0.0.1', 2379));
  t.true(isListening(sockets, '127.0.0.1', 2380), ':: takes IPv4 connections too');
  t.false(isListening(sockets, '127.0.0.1', 2381), '::1 is not 127.0.0.1');
  t.true(isListening(sockets, '::1', 2381));
  t.true(isListening(sockets, 'localhost', 2381));
  t.false(isListening(sockets, '127.0.0.1', 2382));
});

test('parses the file check', (t) => {
  t.deepEqual(parsePathCheck('present match\n'), { present: true, match: true });
  t.deepEqual(parsePathCheck('present\n'), { present: true, match: false });
  t.deepEqual(parsePathCheck('absent\n'), { present: false, match: false });
});

/** A clock that moves only when the module sleeps. */
function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return { slept, now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms)) };
}

const section = (out: string, rc = 0) => `@@ezplay:begin:check\n${out}\n\n@@ezplay:end:${rc}\n`;

/** Answers the probes in turn, repeating the last one. */
function setup(outputs: string[], given: Record<string, unknown>) {
  const conn = new FakeConnection();
  let i = 0;
  conn.exec = async (command) => {
    conn.calls.push({ kind: 'exec', command });
    const stdout = outputs[Math.min(i++, outputs.length - 1)] ?? '';
    return { rc: 0, stdout, stderr: '', durationMs: 0 };
  };
  const clock = fakeClock();
  const module = createWaitFor(clock);
  const ctx = createHostContext({ host: 'h', conn, vars: {}, runId: 'r1', playbookDir: '/tmp' });
  const args = validateArgs('wait_for', module.args, given);
  return { run: () => module.plan(ctx, args as never), conn, clock };
}

const LISTENING = section(PROC_NET_TCP);
const NOTHING = section(PROC_NET_TCP.split('\n').slice(0, 1).join('\n'));

test('waits until the port listens, then reports the elapsed time', async (t) => {
  const { run, conn, clock } = setup([NOTHING, NOTHING, LISTENING], { port: 2379, sleep: 2 });
  const plan = await run();
  t.false(plan.changed);
  t.deepEqual(plan.result, { state: 'started', port: 2379, elapsed: 4 });
  t.deepEqual(clock.slept, [2000, 2000]);
  t.is(conn.commands().length, 3);
  t.regex(conn.commands()[0] ?? '', /cat \/proc\/net\/tcp \/proc\/net\/tcp6/);
});

test('fails with Ansible\'s message when the timeout passes', async (t) => {
  const { run } = setup([NOTHING], { port: 2379, timeout: 5 });
  const error = await t.throwsAsync(run());
  t.true(error instanceof ModuleError);
  t.is(error?.message, 'Timeout when waiting for 127.0.0.1:2379');
  t.like((error as ModuleError).result, { elapsed: 5 });
});

test('msg replaces the failure message', async (t) => {
  const { run } = setup([NOTHING], { port: 2379, timeout: 1, msg: 'etcd did not come up' });
  await t.throwsAsync(run(), { message: 'etcd did not come up' });
});

test('stopped waits for the listener to go', async (t) => {
  const { run } = setup([LISTENING, NOTHING], { port: 2379, state: 'stopped', delay: 3 });
  const plan = await run();
  t.deepEqual(plan.result, { state: 'stopped', port: 2379, elapsed: 4 });
});

test('drained waits for established connections to end', async (t) => {
  const { run } = setup([LISTENING, NOTHING], { port: 2379, state: 'drained' });
  t.like((await run()).result, { state: 'drained', elapsed: 1 });
});

test('a remote host is tried with a connection from the host', async (t) => {
  const { run, conn } = setup([section('', 1), section('', 0)], { host: '10.0.0.2', port: 2380, connect_timeout: 3 });
  t.like((await run()).result, { elapsed: 1 });
  const command = conn.commands()[0] ?? '';
  t.regex(command, /timeout 3 bash -c 'exec 3<>"\/dev\/tcp\/\$1\/\$2"' ezplay 10\.0\.0\.2 2380/);
  t.regex(command, /nc -z -w 3 10\.0\.0\.2 2380/);
});

test('a host with neither bash nor nc is an error, not a timeout', async (t) => {
  const { run } = setup([section('', 200)], { host: '10.0.0.2', port: 2380 });
  await t.throwsAsync(run(), { message: /neither bash nor nc/ });
});

test('a file with a regex', async (t) => {
  const { run, conn } = setup([section('absent'), section('present'), section('present match')], {
    path: '/var/lib/etcd/ready',
    search_regex: 'ok',
  });
  t.like((await run()).result, { path: '/var/lib/etcd/ready', elapsed: 2 });
  t.regex(conn.commands()[0] ?? '', /grep -qP -- ok \/var\/lib\/etcd\/ready/);
});

test('a file that must go away', async (t) => {
  const { run } = setup([section('present'), section('absent')], { path: '/run/etcd.lock', state: 'absent', timeout: 1 });
  t.like((await run()).result, { state: 'absent', elapsed: 1 });
});

test('neither port nor path just sleeps for timeout', async (t) => {
  const { run, clock } = setup([], { timeout: 7 });
  t.like((await run()).result, { elapsed: 7 });
  t.deepEqual(clock.slept, [7000]);
});

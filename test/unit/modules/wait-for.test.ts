import test from 'ava';
import { ModuleError } from '../../../src/errors.js';
import { moduleTable, type Expectation, type ModuleCase } from '../../helpers/module-table.js';
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

/** A case of wait_for with its own clock; every read answers the next of `outputs`, the last repeating. */
function waiting(name: string, outputs: string[], args: Record<string, unknown>, expect: (clock: ReturnType<typeof fakeClock>) => Expectation): ModuleCase {
  const clock = fakeClock();
  return { name, module: createWaitFor(clock), args, facts: [[/^/, outputs]], expect: expect(clock) };
}

const LISTENING = section(PROC_NET_TCP);
const NOTHING = section(PROC_NET_TCP.split('\n').slice(0, 1).join('\n'));

moduleTable([
  waiting('waits until the port listens, then reports the elapsed time', [NOTHING, NOTHING, LISTENING], { port: 2379, sleep: 2 }, (clock) => ({
    changed: false,
    reads: 3,
    also: (t, plan, host) => {
      t.deepEqual(plan.result, { state: 'started', port: 2379, elapsed: 4 });
      t.deepEqual(clock.slept, [2000, 2000]);
      t.regex(host.commands()[0] ?? '', /cat \/proc\/net\/tcp \/proc\/net\/tcp6/);
    },
  })),
  waiting("fails with Ansible's message when the timeout passes", [NOTHING], { port: 2379, timeout: 5 }, () => ({
    error: 'Timeout when waiting for 127.0.0.1:2379',
    errorClass: ModuleError,
    errorResult: { elapsed: 5 },
  })),
  waiting('msg replaces the failure message', [NOTHING], { port: 2379, timeout: 1, msg: 'etcd did not come up' }, () => ({ error: 'etcd did not come up' })),
  waiting('stopped waits for the listener to go', [LISTENING, NOTHING], { port: 2379, state: 'stopped', delay: 3 }, () => ({
    changed: false,
    also: (t, plan) => t.deepEqual(plan.result, { state: 'stopped', port: 2379, elapsed: 4 }),
  })),
  waiting('drained waits for established connections to end', [LISTENING, NOTHING], { port: 2379, state: 'drained' }, () => ({
    changed: false,
    result: { state: 'drained', elapsed: 1 },
  })),
  waiting('a remote host is tried with a connection from the host', [section('', 1), section('', 0)], { host: '10.0.0.2', port: 2380, connect_timeout: 3 }, () => ({
    changed: false,
    result: { elapsed: 1 },
    also: (t, _plan, host) => {
      const command = host.commands()[0] ?? '';
      t.regex(command, /timeout 3 bash -c 'exec 3<>"\/dev\/tcp\/\$1\/\$2"' ezplay 10\.0\.0\.2 2380/);
      t.regex(command, /nc -z -w 3 10\.0\.0\.2 2380/);
    },
  })),
  waiting('a host with neither bash nor nc is an error, not a timeout', [section('', 200)], { host: '10.0.0.2', port: 2380 }, () => ({ error: /neither bash nor nc/ })),
  waiting('a file with a regex', [section('absent'), section('present'), section('present match')], { path: '/var/lib/etcd/ready', search_regex: 'ok' }, () => ({
    changed: false,
    result: { path: '/var/lib/etcd/ready', elapsed: 2 },
    also: (t, _plan, host) => t.regex(host.commands()[0] ?? '', /grep -qP -- ok \/var\/lib\/etcd\/ready/),
  })),
  waiting('a file that must go away', [section('present'), section('absent')], { path: '/run/etcd.lock', state: 'absent', timeout: 1 }, () => ({
    changed: false,
    result: { state: 'absent', elapsed: 1 },
  })),
  waiting('neither port nor path just sleeps for timeout', [], { timeout: 7 }, (clock) => ({
    changed: false,
    result: { elapsed: 7 },
    also: (t) => t.deepEqual(clock.slept, [7000]),
  })),
]);

/** --timings: the slowest tasks and hosts, and the phases of the recap. */
import test from 'ava';
import type { RunEvent } from '../../../src/engine/events.js';
import { TimingsCollector, timingsLines } from '../../../src/report/timings.js';
import { jsonLinesReporter } from '../../../src/report/json-lines.js';

const hosts = ['a', 'b', 'c'];
const events: RunEvent[] = [
  { type: 'task_start', name: 'fast', module: 'command', handler: false, hosts },
  ...hosts.map((host, i): RunEvent => ({ type: 'host_result', task: 'fast', host, status: 'ok', durationMs: 10 + i })),
  { type: 'task_start', name: 'unit', role: 'etcd', module: 'template', handler: false, hosts },
  ...hosts.map((host, i): RunEvent => ({ type: 'host_result', task: 'unit', host, status: 'changed', durationMs: 100 * (i + 1) })),
  { type: 'task_start', name: 'loop', module: 'command', handler: false, hosts: ['a'] },
  // a loop's items add up for their host
  ...[1, 2, 3].map((): RunEvent => ({ type: 'host_result', task: 'loop', host: 'a', status: 'ok', item: 'x', durationMs: 150 })),
  { type: 'recap', runId: 'r', hosts: {}, durationMs: 1234, phases: { connect: 90, facts: 200, plan: 300.4, apply: 700 } },
];

test('the slowest tasks (by their slowest host) and hosts (summed), slowest first', (t) => {
  const timings = new TimingsCollector();
  events.forEach(timings.handle);
  const s = timings.summary()!;
  t.deepEqual(s.tasks, [
    { task: 'loop', host: 'a', ms: 450 },
    { task: 'etcd : unit', host: 'c', ms: 300 },
    { task: 'fast', host: 'c', ms: 12 },
  ]);
  t.deepEqual(s.hosts, [
    { host: 'a', ms: 560 },
    { host: 'c', ms: 312 },
    { host: 'b', ms: 211 },
  ]);
  t.deepEqual(timingsLines(s, false), [
    'TIMINGS ***********************************************************************',
    'run: 1.23 s',
    'phases: connect 0.09 s, facts 0.20 s, plan 0.30 s, apply 0.70 s',
    '  (facts is wall time; connect, plan and apply are summed over hosts, so they can exceed the run)',
    'slowest tasks (their slowest host):',
    '    0.45 s  loop         a',
    '    0.30 s  etcd : unit  c',
    '    0.01 s  fast         c',
    'slowest hosts (time in tasks, summed):',
    '    0.56 s  a',
    '    0.31 s  c',
    '    0.21 s  b',
  ]);
});

test('no summary before the recap', (t) => {
  const timings = new TimingsCollector();
  events.slice(0, 4).forEach(timings.handle);
  t.is(timings.summary(), undefined);
});

test('--json --timings: the timings line keeps its phases for the benchmark and names the slowest tasks and hosts', (t) => {
  const lines: string[] = [];
  const timings = new TimingsCollector();
  const json = jsonLinesReporter((s) => lines.push(s), timings);
  for (const e of events) {
    timings.handle(e);
    json(e);
  }
  const line = JSON.parse(lines.find((l) => l.includes('"timings"'))!);
  t.deepEqual(line.phases, { connect: 90, facts: 200, plan: 300, apply: 700 });
  t.is(line.durationMs, 1234);
  t.deepEqual(line.tasks[0], { task: 'loop', host: 'a', ms: 450 });
  t.deepEqual(line.hosts[0], { host: 'a', ms: 560 });
  // without --timings the line is as before
  const plain: string[] = [];
  events.forEach(jsonLinesReporter((s) => plain.push(s)));
  t.deepEqual(Object.keys(JSON.parse(plain.find((l) => l.includes('"timings"'))!)), ['type', 'runId', 'durationMs', 'phases']);
});

/**
 * The live view, judged by what ends up on a terminal: a recorded run of
 * 50 hosts x 20 tasks (test/fixtures/wide-run, one host fails, a few
 * change, the failure rolls back) played through the terminal renderer
 * into a virtual screen of fixed width.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import type { RunEvent } from '../../../src/engine/events.js';
import { LiveReporter } from '../../../src/report/live.js';
import { VirtualScreen } from '../../helpers/virtual-screen.js';

const FIXTURE = new URL('../../fixtures/wide-run/run.jsonl', import.meta.url);

/** The run's events as the engine emitted them: --json writes the recap as a `timings` line and a `recap` line. */
function recordedRun(): RunEvent[] {
  const events: RunEvent[] = [];
  let timings: { runId: string; durationMs: number; phases: Record<string, number> } | undefined;
  for (const line of readFileSync(FIXTURE, 'utf8').split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line);
    if (e.type === 'timings') timings = e;
    else if (e.type === 'recap') events.push({ type: 'recap', runId: timings!.runId, hosts: e.hosts, durationMs: timings!.durationMs, phases: timings!.phases });
    else events.push(e as RunEvent);
  }
  return events;
}

/** Plays events through the live view; the clock moves 10 ms per event. */
async function render(events: RunEvent[], columns = 100, diff = false): Promise<string[]> {
  const screen = new VirtualScreen(columns);
  let clock = 0;
  const live = new LiveReporter({ diff, terminal: { write: screen.write, columns, rows: 40 }, frameMs: 0, now: () => clock });
  for (const e of events) {
    clock += 10;
    live.handle(e);
  }
  await live.flush();
  return screen.text();
}

const events = recordedRun();
const tasks = events.filter((e): e is Extract<RunEvent, { type: 'task_start' }> => e.type === 'task_start');
const results = events.filter((e): e is Extract<RunEvent, { type: 'host_result' }> => e.type === 'host_result');

test('the recording is what the test claims: 50 hosts, 20 tasks (and fact gathering), one failure, a few changes', (t) => {
  t.is(tasks.length, 21);
  t.is(new Set(results.map((r) => r.host)).size, 50);
  t.deepEqual(
    results.filter((r) => r.status === 'failed').map((r) => r.host),
    ['web-17'],
  );
  t.true(results.filter((r) => r.status === 'changed').length >= 10);
});

test('a finished task is one line with its counts; the whole run fits in under 100 lines', async (t) => {
  const screen = await render(events);
  t.true(screen.length < 100, `${screen.length} lines:\n${screen.join('\n')}`);
  for (const task of tasks) {
    const lines = screen.filter((l) => new RegExp(`^[✔✖↓] ${task.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}  ok=\\d+ changed=\\d+ failed=\\d+`).test(l));
    t.is(lines.length, 1, `one line for task '${task.name}'`);
  }
  t.true(screen.includes('✔ base packages  ok=50 changed=0 failed=0'), screen.join('\n'));
  t.true(screen.some((l) => l.startsWith('✖ app config  ok=0 changed=0 failed=1 skipped=49')));
  // no line per ok host survives the run
  t.false(screen.some((l) => /^\s*(ok|skipping): \[?web-\d+/.test(l)));
});

test('every host that changed, and every host that failed, is named under its task', async (t) => {
  const screen = await render(events);
  for (const task of tasks) {
    const at = screen.findIndex((l) => l.slice(2).startsWith(`${task.name}  ok=`));
    t.not(at, -1, task.name);
    const below: string[] = [];
    for (const l of screen.slice(at + 1)) {
      if (!l.startsWith('    ')) break;
      below.push(l);
    }
    const changed = results.filter((r) => r.task === task.name && r.status === 'changed').map((r) => r.host);
    const failed = results.filter((r) => r.task === task.name && r.status === 'failed').map((r) => r.host);
    const named = below.join(' ');
    for (const host of changed) t.regex(named, new RegExp(`\\b${host}\\b`), `${host} changed in '${task.name}'`);
    for (const host of failed) t.true(below.some((l) => l.includes(`failed: ${host}: `)), `${host} failed in '${task.name}'`);
    if (changed.length === 0 && failed.length === 0) t.deepEqual(below, [], `nothing under '${task.name}'`);
  }
});

test('the failure is repeated above the PLAY RECAP, with its message, and the recap names every host', async (t) => {
  const screen = await render(events);
  const recap = screen.findIndex((l) => l.startsWith('PLAY RECAP'));
  const failures = screen.findIndex((l) => l.startsWith('FAILED ***'));
  t.true(failures !== -1 && failures < recap, screen.join('\n'));
  const between = screen.slice(failures, recap).join('\n');
  t.regex(between, /✖ app config\n {4}web-17: app config for web-17 is invalid: port 8080 is taken/);
  t.is(screen.slice(recap + 1).filter((l) => /^web-\d+ +: ok=/.test(l)).length, 50);
});

test('the rollback is summed up by task, not a line per host', async (t) => {
  const screen = await render(events);
  const steps = events.filter((e) => e.type === 'rollback_step').length;
  t.true(steps > 100);
  t.true(screen.some((l) => /^ROLLBACK \[failed: web-17\]/.test(l)));
  t.true(screen.some((l) => /^ {4}cannot undo: app unit on 49 hosts$/.test(l)), screen.join('\n'));
  t.true(screen.some((l) => /^rollback: 0 undone, 0 refused, 0 failed, \d+ could not be undone$/.test(l)));
});

test('while a task runs: a counter, then the last hosts by name, then one line once it is over', async (t) => {
  const screen = new VirtualScreen(80);
  let clock = 0;
  const live = new LiveReporter({ diff: false, terminal: { write: screen.write, columns: 80, rows: 40 }, frameMs: 0, now: () => clock });
  const hosts = Array.from({ length: 12 }, (_, i) => `db-${i + 1}`);
  live.handle({ type: 'task_start', name: 'etcd unit', role: 'etcd', module: 'template', handler: false, hosts });
  hosts.slice(0, 2).forEach((host) => live.handle({ type: 'host_result', task: 'etcd unit', host, status: 'changed', durationMs: 5 }));
  live.handle({ type: 'host_result', task: 'etcd unit', host: 'db-3', status: 'failed', msg: 'disk full', durationMs: 5 });
  clock = 2500;
  live.handle({ type: 'progress', key: 'k', host: 'db-4', task: 'etcd unit', text: 'downloading etcd.tar.gz', done: 5_000_000, total: 20_000_000, unit: 'bytes', elapsedMs: 2000 });
  t.deepEqual(screen.text(), [
    '› etcd : etcd unit  3/12 done, 2 changed, 1 failed  2 s',
    '    db-4: downloading etcd.tar.gz: 5.0 MB of 20 MB, 2.5 MB/s, 2 s',
  ]);
  hosts.slice(3, 7).forEach((host) => live.handle({ type: 'host_result', task: 'etcd unit', host, status: 'ok', durationMs: 5 }));
  live.handle({ type: 'progress', key: 'k', host: 'db-4', text: '', elapsedMs: 2100, end: true });
  t.deepEqual(screen.text(), ['› etcd : etcd unit  7/12 done, 2 changed, 1 failed  2 s', '    running: db-8, db-9, db-10, db-11, db-12']);
  hosts.slice(7).forEach((host) => live.handle({ type: 'host_result', task: 'etcd unit', host, status: 'ok', durationMs: 5 }));
  await live.flush();
  t.deepEqual(screen.text(), ['✖ etcd : etcd unit  ok=9 changed=2 failed=1  2 s', '    changed: db-1, db-2', '    failed: db-3: disk full']);
});

test('with --diff, a changed host shows its diff under the task', async (t) => {
  const screen = new VirtualScreen(80);
  const live = new LiveReporter({ diff: true, terminal: { write: screen.write, columns: 80, rows: 40 }, frameMs: 0, now: () => 0 });
  live.handle({ type: 'task_start', name: 'etcd unit', module: 'template', handler: false, hosts: ['db-1', 'db-2'] });
  live.handle({ type: 'host_result', task: 'etcd unit', host: 'db-1', status: 'ok', durationMs: 5 });
  const diff = [{ subject: '/etc/etcd.conf', before: 'a=1\n', after: 'a=2\n', kind: 'content' as const }];
  live.handle({ type: 'host_result', task: 'etcd unit', host: 'db-2', status: 'changed', diff, durationMs: 5 });
  await live.flush();
  const text = screen.text();
  t.is(text[0], '✔ etcd unit  ok=1 changed=1 failed=0');
  t.is(text[1], '    changed: db-2');
  t.is(text[2], '    db-2:');
  t.true(text.includes('    -a=1') && text.includes('    +a=2'), text.join('\n'));
});

test('a debug message that is a list of lines (the health table) shows as those lines; other results as JSON', async (t) => {
  const screen = new VirtualScreen(80);
  const live = new LiveReporter({ diff: false, terminal: { write: screen.write, columns: 80, rows: 40 }, frameMs: 0, now: () => 0 });
  live.handle({ type: 'task_start', name: 'health table', module: 'debug', handler: false, hosts: ['db-1'] });
  const msg = ['ENDPOINT  HEALTH', 'https://db-1:2379  healthy'];
  live.handle({ type: 'host_result', task: 'health table', module: 'debug', host: 'db-1', status: 'ok', result: { msg, changed: false }, durationMs: 1 });
  live.handle({ type: 'task_start', name: 'show var', module: 'debug', handler: false, hosts: ['db-1'] });
  live.handle({ type: 'host_result', task: 'show var', module: 'debug', host: 'db-1', status: 'ok', result: { port: 2379, changed: false }, durationMs: 1 });
  await live.flush();
  t.deepEqual(screen.text(), [
    '✔ health table  ok=1 changed=0 failed=0',
    '    db-1:',
    '      ENDPOINT  HEALTH',
    '      https://db-1:2379  healthy',
    '✔ show var  ok=1 changed=0 failed=0',
    'db-1 => {',
    '    "port": 2379',
    '}',
  ]);
});

test('a delegated task names where it ran', async (t) => {
  const screen = new VirtualScreen(80);
  const live = new LiveReporter({ diff: false, terminal: { write: screen.write, columns: 80, rows: 40 }, frameMs: 0, now: () => 0 });
  live.handle({ type: 'task_start', name: 'restart etcd on one member', role: 'etcd', module: 'systemd', handler: false, hosts: ['etcd1'] });
  live.handle({ type: 'host_result', task: 'restart etcd on one member', host: 'etcd1', delegatedTo: 'etcd2', status: 'changed', durationMs: 1 });
  await live.flush();
  t.deepEqual(screen.text(), ['✔ etcd : restart etcd on one member  ok=0 changed=1 failed=0', '    changed: etcd1 -> etcd2']);
});

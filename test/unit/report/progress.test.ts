/**
 * Progress of long waits: the engine's throttled emitter, the words every
 * reporter uses, and how often plain lines and --json show a wait.
 */
import test from 'ava';
import type { RunEvent } from '../../../src/engine/events.js';
import { progressEmitter } from '../../../src/engine/progress.js';
import { jsonLinesReporter } from '../../../src/report/json-lines.js';
import { PlainReporter } from '../../../src/report/plain.js';
import { progressText, type ProgressEvent } from '../../../src/report/progress-text.js';

type Progress = Extract<RunEvent, { type: 'progress' }>;

test('the emitter passes the first update, then one per 200 ms, and the end only of a wait that was shown', (t) => {
  const seen: RunEvent[] = [];
  let clock = 1000;
  const emit = progressEmitter({ emit: (e) => seen.push(e) }, { key: 'k', host: 'db-1', task: 'get' }, () => clock);
  for (let ms = 0; ms <= 1000; ms += 50) {
    clock = 1000 + ms;
    emit({ text: 'downloading', done: ms, unit: 'bytes' });
  }
  emit({ text: '', end: true });
  const shown = seen as Progress[];
  t.deepEqual(
    shown.map((e) => e.elapsedMs),
    [0, 200, 400, 600, 800, 1000, 1000],
  );
  t.deepEqual(shown[0], { type: 'progress', key: 'k', host: 'db-1', task: 'get', text: 'downloading', done: 0, unit: 'bytes', elapsedMs: 0 });
  t.true(shown[6]!.end);
  // a wait that never reported ends silently
  const quiet: RunEvent[] = [];
  progressEmitter({ emit: (e) => quiet.push(e) }, { key: 'q' })({ text: '', end: true });
  t.deepEqual(quiet, []);
});

const base: ProgressEvent = { type: 'progress', key: 'k', text: 'downloading etcd.tar.gz', elapsedMs: 0 };
const words: Array<[Partial<ProgressEvent>, string]> = [
  [{}, 'downloading etcd.tar.gz'],
  [{ host: 'db-1', done: 512, unit: 'bytes', elapsedMs: 100 }, 'db-1: downloading etcd.tar.gz: 512 B'],
  [{ done: 5_200_000, total: 21_300_000, unit: 'bytes', elapsedMs: 2000 }, 'downloading etcd.tar.gz: 5.2 MB of 21 MB, 2.6 MB/s, 2 s'],
  [{ total: 21_300_000, unit: 'bytes', elapsedMs: 3000 }, 'downloading etcd.tar.gz (21 MB), 3 s'],
  [{ text: 'waiting for 3/3 healthy (2/3 now)', done: 2, total: 3, unit: 'count', elapsedMs: 72_000 }, 'waiting for 3/3 healthy (2/3 now), 1 min 12 s'],
];
for (const [fields, expected] of words) {
  test(`in words: ${expected}`, (t) => {
    t.is(progressText({ ...base, ...fields }), expected);
  });
}

/** A wait of 12 s with an update every 500 ms, then its end. */
function longWait(key = 'k'): Progress[] {
  const events: Progress[] = [];
  for (let ms = 0; ms <= 12_000; ms += 500) events.push({ type: 'progress', key, host: 'etcd1', text: 'waiting for 3/3 healthy (2/3 now)', done: 2, total: 3, unit: 'count', elapsedMs: ms });
  events.push({ type: 'progress', key, host: 'etcd1', text: '', elapsedMs: 12_000, end: true });
  return events;
}

test('plain output: a long wait prints a line every 5 s; a short one prints nothing', (t) => {
  const lines: string[] = [];
  const plain = new PlainReporter({ color: false, verbosity: 0, diff: false, write: (s) => lines.push(s) });
  longWait().forEach(plain.handle);
  longWait('short').slice(0, 8).forEach(plain.handle);
  t.deepEqual(lines, ['... etcd1: waiting for 3/3 healthy (2/3 now), 5 s', '... etcd1: waiting for 3/3 healthy (2/3 now), 10 s']);
});

test('--json: a long wait is an event about once a second, and its end; a short one is not written', (t) => {
  const lines: string[] = [];
  const json = jsonLinesReporter((s) => lines.push(s));
  longWait().forEach(json);
  longWait('short').slice(0, 2).concat({ type: 'progress', key: 'short', text: '', elapsedMs: 500, end: true }).forEach(json);
  const events = lines.map((l) => JSON.parse(l) as Progress);
  t.deepEqual(
    events.map((e) => e.elapsedMs),
    [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10_000, 11_000, 12_000, 12_000],
  );
  t.true(events.every((e) => e.type === 'progress' && e.key === 'k'));
  t.true(events[events.length - 1]!.end);
});

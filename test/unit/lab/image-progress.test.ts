/**
 * debootstrap's progress, read from its output: the fixture follows the
 * format strings of debootstrap 1.0.128 (functions, scripts/debian-common)
 * line for line, shortened to a dozen packages.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { DebootstrapProgress, progressLine } from '../../../src/lab/image-progress.js';

const OUTPUT = readFileSync(new URL('../../fixtures/debootstrap/stdout.txt', import.meta.url), 'utf8').split('\n');

/** The shown line after each of the given output lines (1-based, as in the file). */
function shownAfter(lines: number[]): string[] {
  const progress = new DebootstrapProgress();
  const shown: string[] = [];
  OUTPUT.forEach((line, i) => {
    progress.feed(line);
    if (lines.includes(i + 1)) shown.push(progress.text());
  });
  return shown;
}

const cases: Array<[line: number, shown: string]> = [
  [1, 'debootstrap: retrieving InRelease'],
  [6, 'debootstrap: resolving dependencies of required packages'],
  [9, 'debootstrap: downloading packages, package 1 (adduser)'],
  [18, 'debootstrap: downloading packages, package 10 (libc6)'],
  // validating a package changes nothing shown
  [25, 'debootstrap: downloading packages, package 12 (openssh-server)'],
  [33, 'debootstrap: extracting packages'],
  [36, 'debootstrap: extracting packages, package 3/12 (base-files)'],
  [44, 'debootstrap: installing core packages'],
  [55, 'debootstrap: unpacking required packages, package 10 (libc6)'],
  [57, 'debootstrap: configuring required packages, package 1 (adduser)'],
  [67, 'debootstrap: unpacking the base system'],
  [69, 'debootstrap: unpacking the base system, package 2 (openssh-server)'],
  [73, 'debootstrap: base system installed'],
];

for (const [line, shown] of cases) {
  test(`after line ${line}: ${shown}`, (t) => {
    t.deepEqual(shownAfter([line]), [shown]);
  });
}

test('every package line moves the shown line: progress never stalls while debootstrap works', (t) => {
  const progress = new DebootstrapProgress();
  let previous = progress.text();
  const stalled: string[] = [];
  for (const line of OUTPUT.filter((l) => /^I: (Retrieving|Extracting|Unpacking|Configuring) [a-z0-9.+-]+( |\.\.\.)/.test(l))) {
    progress.feed(line);
    if (progress.text() === previous) stalled.push(line);
    previous = progress.text();
  }
  t.deepEqual(stalled, []);
  t.true(new DebootstrapProgress().feed('W: Cannot check Release signature') === false);
});

test('without a terminal, the progress line goes to the log every few seconds with the elapsed time', (t) => {
  let clock = 0;
  const logged: string[] = [];
  const line = progressLine((m) => logged.push(m), { everyMs: 5000, now: () => clock });
  line.update('debootstrap: downloading packages, package 3 (bash)');
  for (clock = 1000; clock <= 12_000; clock += 1000) line.tick();
  line.end();
  t.deepEqual(logged, ['debootstrap: downloading packages, package 3 (bash), 5 s', 'debootstrap: downloading packages, package 3 (bash), 10 s']);
});

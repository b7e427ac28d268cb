/**
 * debootstrap's progress, read from its output: stdout.txt follows the
 * format strings of debootstrap 1.0.128 (functions, scripts/debian-common)
 * line for line, shortened to a dozen packages; debootstrap-log.txt is the
 * end of a real debootstrap.log of the lab image (bookworm, minbase).
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

const DPKG_LOG = readFileSync(new URL('../../fixtures/debootstrap/debootstrap-log.txt', import.meta.url), 'utf8').split('\n');

test('while a stage prints nothing on stdout, the lines dpkg writes to debootstrap.log keep the line moving', (t) => {
  const progress = new DebootstrapProgress();
  progress.feed('I: Installing core packages...');
  const shown = new Set<string>();
  for (const line of DPKG_LOG) if (progress.feedLog(line)) shown.add(progress.text());
  // named, not counted: the core packages' count belongs to the stages after it
  t.true(shown.size > 20, [...shown].join('\n'));
  t.true([...shown].every((s) => /^debootstrap: installing core packages \([a-z0-9.+-]+\)$/.test(s)));
  t.false(progress.feedLog('Preparing to unpack .../libssl3_3.0.20-1~deb12u2_amd64.deb ...'));
});

test('in the base system stages, the lines of dpkg count the packages', (t) => {
  const progress = new DebootstrapProgress();
  progress.feed('I: Unpacking the base system...');
  t.true(progress.feedLog('Unpacking libssl3:amd64 (3.0.20-1~deb12u2) ...'));
  t.is(progress.text(), 'debootstrap: unpacking the base system, package 1 (libssl3)');
  progress.feedLog('Setting up libssl3:amd64 (3.0.20-1~deb12u2) ...');
  t.is(progress.text(), 'debootstrap: unpacking the base system, package 1 (libssl3)');
  progress.feed('I: Configuring the base system...');
  progress.feedLog('Setting up openssh-server (1:9.2p1-2+deb12u3) ...');
  progress.feedLog('Setting up systemd (252.26-1~deb12u2) ...');
  t.is(progress.text(), 'debootstrap: configuring the base system, package 2 (systemd)');
});

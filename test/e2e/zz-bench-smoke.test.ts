/**
 * `npm run bench` works and prints a well-formed table. Timing is not
 * tested (the benchmark is not a test): the smallest run there is, scenario
 * d and its memory row on two lab machines, one counted run per tool. Named
 * to run after the other end-to-end files and before zz-lab-down.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testLabName } from '../helpers/lab.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** a lab of its own, so no other test's machines are touched */
const BENCH_LAB = testLabName('benchsmk');

function cells(row: string): string[] {
  return row.replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
}

test('npm run bench -- --quick --only d,e on two machines writes and prints a results table', async (t) => {
  t.timeout(420_000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-bench-smoke-'));
  const out = path.join(dir, 'latest.md');
  const args = ['run', '--silent', 'bench', '--', '--quick', '--only', 'd,e', '--generic-hosts', '2', '--runs', '1',
    '--lab', BENCH_LAB, '--out', out];
  const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile('npm', args, { cwd: ROOT, timeout: 400_000, maxBuffer: 16 * 2 ** 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
  t.is(run.code, 0, run.stderr.slice(-3000));
  const report = readFileSync(out, 'utf8');
  t.true(run.stdout.includes(report.trim()), 'the table printed is the table written');
  t.regex(report, /\d+ CPUs .*GiB memory, Linux .*Node v\d+.*ansible-playbook \[core [\d.]+\]/);

  const rows = report.split('\n').filter((l) => l.startsWith('|'));
  const header = cells(rows[0] ?? '');
  t.deepEqual(header, ['scenario', 'runs', 'ezplay', 'Ansible', 'Ansible/ezplay', 'target', 'met']);
  t.true(cells(rows[1] ?? '').every((c) => /^-+$/.test(c)), 'a separator row follows the header');
  const d = cells(rows.find((r) => r.startsWith('| d)')) ?? '');
  t.is(d.length, header.length);
  t.is(d[1], '1');
  t.regex(d[2] ?? '', /^\d+\.\d\d s \(\d+\.\d\d s–\d+\.\d\d s\)$/);
  t.regex(d[3] ?? '', /^\d+\.\d\d s \(\d+\.\d\d s–\d+\.\d\d s\)$/);
  t.regex(d[4] ?? '', /^\d+\.\dx$/);
  t.regex(d[6] ?? '', /^(yes|no)$/);
  const e = cells(rows.find((r) => r.startsWith('| e)')) ?? '');
  t.is(e.length, header.length);
  t.regex(e[2] ?? '', /^\d+ MB \(\d+ MB–\d+ MB\)$/);
  rmSync(dir, { recursive: true, force: true });
});

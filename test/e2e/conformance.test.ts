/**
 * The conformance suite: each folder of test/conformance is a small
 * playbook whose `assert` tasks state what Ansible does, run by `ezplay run`
 * on the local connection. Its ansible-2.14.txt holds what ansible-playbook
 * 2.14 did with the same folder (exit code and PLAY RECAP, captured once by
 * capture.sh); ezplay must end with the same exit code and recap counts.
 */
import test from 'ava';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ezplay, ROOT } from '../helpers/cli.js';

const SUITE = path.join(ROOT, 'test', 'conformance');

interface Expected {
  rc: number;
  recap: string[];
}

function expected(folder: string): Expected {
  const lines = readFileSync(path.join(folder, 'ansible-2.14.txt'), 'utf8').split('\n');
  const rc = Number(lines.find((l) => l.startsWith('rc: '))?.slice(4));
  return { rc, recap: recapLines(lines.join('\n')) };
}

/** `host : ok=1 changed=0 ...` lines, with runs of spaces folded. */
function recapLines(output: string): string[] {
  return output
    .split('\n')
    .filter((l) => /^\S+\s+:\s+ok=\d+/.test(l))
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .sort();
}

const folders = readdirSync(SUITE).filter((name) => statSync(path.join(SUITE, name)).isDirectory()).sort();

test('every folder has its captured Ansible behaviour', (t) => {
  t.true(folders.length >= 6);
  for (const name of folders) t.true(existsSync(path.join(SUITE, name, 'ansible-2.14.txt')), name);
});

for (const name of folders) {
  test.serial(`conformance: ${name}`, async (t) => {
    const source = path.join(SUITE, name);
    const want = expected(source);
    const work = mkdtempSync(path.join(os.tmpdir(), `ezplay-conformance-${name}-`));
    cpSync(source, work, { recursive: true });
    const argsFile = path.join(source, 'args.json');
    const args = existsSync(argsFile) ? (JSON.parse(readFileSync(argsFile, 'utf8')) as string[]) : [];
    const run = await ezplay(work, ['run', '-i', 'hosts', 'play.yml', ...args]);
    const shown = `${run.stdout}\n${run.stderr}`;
    t.is(run.code, want.rc, shown);
    t.deepEqual(recapLines(run.stdout), want.recap, shown);
    // a refused playbook names its file and line
    if (want.rc === 4) t.regex(run.stderr, /play\.yml:\d+/);
  });
}

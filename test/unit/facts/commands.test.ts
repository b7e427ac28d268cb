import { spawnSync } from 'node:child_process';
import test from 'ava';
import { commandsFact } from '../../../src/facts/commands.js';

const cases: Array<{ title: string; stdout: string; expected: Record<string, boolean> }> = [
  { title: 'both', stdout: 'have curl\nhave wget\n', expected: { curl: true, wget: true } },
  { title: 'wget only', stdout: 'have wget\n', expected: { curl: false, wget: true } },
  { title: 'neither', stdout: '', expected: { curl: false, wget: false } },
];

for (const c of cases) {
  test(`commands fact: ${c.title}`, (t) => {
    t.deepEqual(commandsFact.parse({ stdout: c.stdout, stderr: '', rc: 0 }, ['curl', 'wget']), c.expected);
  });
}

test('commands fact: the command run by sh finds sh and not a program that does not exist', (t) => {
  const names = ['sh', 'no-such-program-ezplay'];
  const out = spawnSync('sh', ['-c', commandsFact.command(names)], { encoding: 'utf8' });
  t.is(out.status, 0);
  t.deepEqual(commandsFact.parse({ stdout: out.stdout, stderr: out.stderr, rc: out.status ?? 0 }, names), { sh: true, 'no-such-program-ezplay': false });
});

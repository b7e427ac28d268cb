import test from 'ava';
import { execFileSync } from 'node:child_process';
import {
  commandScript,
  plainStatement,
  scrub,
  sudoStatement,
  sudoWords,
  unwrapSudoStderr,
} from '../../../src/connection/become.js';
import { ConnectionError } from '../../../src/errors.js';

/** Runs a statement the way the persistent shell does: as text on sh's stdin. */
const runSh = (statement: string): string => execFileSync('/bin/sh', [], { input: `${statement}\necho "rc=$?"\n` }).toString();

test('a plain statement runs in a subshell with cwd, env and binary stdin', (t) => {
  const statement = plainStatement(
    { command: 'pwd; printf "%s|" "$A"; od -An -tx1 | tr -d " \\n"; exit 3', cwd: '/tmp', env: { A: "x'; $(y)" } },
    { kind: 'bytes', data: Buffer.from([0, 10, 255]) },
  );
  t.is(runSh(statement), "/tmp\nx'; $(y)|000affrc=3\n");
});

test('without stdin a command reads /dev/null, not the shell input', (t) => {
  t.is(runSh(`${plainStatement({ command: 'cat' }, { kind: 'none' })}\necho after`), 'after\nrc=0\n');
});

test('a command with a syntax error fails alone', (t) => {
  t.regex(runSh(plainStatement({ command: 'if then' }, { kind: 'none' })), /rc=2\n$/);
});

test('environment names are checked', (t) => {
  t.throws(() => commandScript({ command: 'true', env: { 'A;B': '1' } }), { instanceOf: ConnectionError });
});

test('sudo statements quote the user and carry the start token', (t) => {
  const words = sudoWords();
  const s = sudoStatement({ command: 'id' }, { kind: 'none' }, "o'brien", words);
  t.true(s.startsWith(`sudo -H -S -n -u 'o'\\''brien' -- sh -c `));
  t.true(s.includes(words.startToken));
  const fed = sudoStatement({ command: 'id' }, { kind: 'none' }, 'root', words, 'pw');
  t.true(fed.includes('sudo -H -k -S -p'));
});

test('sudo stderr: prompt and start token cut out', (t) => {
  const words = sudoWords();
  t.deepEqual(unwrapSudoStderr(`${words.prompt}${words.startToken}\nreal error\n`, words), { started: true, stderr: 'real error\n' });
  t.deepEqual(unwrapSudoStderr('sudo: a password is required\n', words), { started: false, stderr: 'sudo: a password is required\n' });
});

test('scrub hides every occurrence', (t) => {
  t.is(scrub('pw=hunter2 again hunter2', 'hunter2'), 'pw=******** again ********');
  t.is(scrub('text', undefined), 'text');
});

import { spawnSync } from 'node:child_process';
import test from 'ava';
import { FACTS_SCRIPT, parseFacts } from '../../../src/facts/host.js';

test('host facts: the probe line of the host\'s Python becomes ansible_python and ansible_python_version', (t) => {
  const facts = parseFacts('hostname=n1\npython=/usr/bin/python3|3|11|2|final|0|cpython\n');
  t.deepEqual(facts.python, {
    executable: '/usr/bin/python3',
    type: 'cpython',
    version: { major: 3, minor: 11, micro: 2, releaselevel: 'final', serial: 0 },
    version_info: [3, 11, 2, 'final', 0],
  });
  t.is(facts.python_version, '3.11.2');
});

test('host facts: a host without Python has no python facts', (t) => {
  const facts = parseFacts('hostname=n1\n');
  t.false('python' in facts);
  t.false('python_version' in facts);
});

test("host facts: the script run by sh reports this machine's python3 as Python itself does", (t) => {
  const out = spawnSync('sh', ['-c', FACTS_SCRIPT], { encoding: 'utf8' });
  t.is(out.status, 0, out.stderr);
  const python = parseFacts(out.stdout).python as { executable: string; version: { major: number } };
  const own = spawnSync('python3', ['-c', 'import sys; print(sys.executable, sys.version_info[0])'], { encoding: 'utf8' }).stdout.trim();
  t.is(`${python.executable} ${python.version.major}`, own);
});

test('host facts: ansible_fips is the kernel\'s FIPS mode, false when the kernel does not say', (t) => {
  t.true(parseFacts('fips=1\n').fips);
  t.false(parseFacts('fips=0\n').fips);
  t.false(parseFacts('fips=\n').fips);
});

import test from 'ava';
import { checkLabName } from '../../../src/lab/paths.js';

// testLabName reads EZPLAY_LAB once, when the helper is loaded
process.env.EZPLAY_LAB = 'member';
const { testLabName } = await import('../../helpers/lab.js');

test('a test run started with EZPLAY_LAB=X gets labs derived from X, one per test group, all valid names', (t) => {
  const groups = ['default', 'etcd', 'mods', 'twina', 'twinb', 'benchsmk'];
  const names = groups.map(testLabName);
  t.deepEqual(names, ['member', 'memberd', 'members', 'membera', 'memberb', 'memberk']);
  t.is(new Set(names).size, names.length);
  for (const name of names) t.is(checkLabName(name), name);
});

import test from 'ava';
import { applySymbolicMode, checkSymbolicMode } from '../../../src/shell/mode.js';

const cases: [spec: string, current: number, dir: boolean, expected: number][] = [
  ['u+x', 0o644, false, 0o744],
  ['u=rwx,g=rwx,o=rwx', 0o644, false, 0o777],
  ['g=rw', 0o750, false, 0o760],
  ['a-x', 0o755, true, 0o644],
  ['o=rwXt', 0o700, true, 0o1707],
  ['o=rwXt', 0o600, false, 0o1606],
  ['u+X', 0o644, false, 0o644],
  ['u+X', 0o654, false, 0o754],
  ['g=u', 0o740, false, 0o770],
  ['u+s,g+s', 0o755, false, 0o6755],
  ['+x', 0o644, false, 0o755],
  ['u=rw-x+X', 0o755, true, 0o755],
];

for (const [spec, current, dir, expected] of cases) {
  test(`symbolic mode ${spec} on ${current.toString(8)}${dir ? ' (a folder)' : ''}`, (t) => {
    t.is(applySymbolicMode(spec, current, dir).toString(8), expected.toString(8));
  });
}

test('symbolic mode: a clause without an operator or with unknown letters is refused', (t) => {
  t.throws(() => checkSymbolicMode('u'), { message: 'bad symbolic permission for mode: u' });
  t.throws(() => checkSymbolicMode('u+x,z+r'), { message: 'bad symbolic permission for mode: z+r' });
  t.throws(() => checkSymbolicMode('u+q'), { message: 'bad symbolic permission for mode: u+q' });
  t.notThrows(() => checkSymbolicMode('ug=rwX,o-w'));
});

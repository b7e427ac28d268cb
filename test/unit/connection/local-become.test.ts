import test from 'ava';
import os from 'node:os';
import { LocalConnection, wrapBecome } from '../../../src/connection/local.js';
import { needsSudo } from '../../../src/connection/types.js';
import { sudoCommand, sudoStatement, sudoValidateCommand, sudoValidateStatement, sudoWords } from '../../../src/connection/become.js';

const me = os.userInfo().username;

test('become to the login user is a no-op unless sameUser (ANSIBLE_BECOME_ALLOW_SAME_USER) says to sudo anyway', (t) => {
  t.false(needsSudo(undefined, 'root'));
  t.false(needsSudo({ user: 'root' }, 'root'));
  t.false(needsSudo({}, 'root'));
  t.true(needsSudo({ user: 'root', sameUser: true }, 'root'));
  t.true(needsSudo({ user: 'app' }, 'root'));
  t.is(wrapBecome('whoami', { user: 'root' }, 'root'), 'whoami');
  t.is(wrapBecome('whoami', { user: 'root', sameUser: true }, 'root'), "sudo -H -S -n -u root -- /bin/sh -c whoami");
});

test('local sudo: -S -n without a password, -S with an empty prompt with one; the password is never on the line', (t) => {
  t.is(wrapBecome('id -u', { user: 'app' }, 'root'), "sudo -H -S -n -u app -- /bin/sh -c 'id -u'");
  const line = wrapBecome('id -u', { user: 'app', password: 'hunter2' }, 'root');
  t.is(line, `sudo -H -S -p "" -u app -- /bin/sh -c 'id -u'`);
  t.false(line.includes('hunter2'));
});

test('ssh sudo: the line -vvv shows is the statement without its input, so without the password', (t) => {
  const words = sudoWords();
  const shape = { command: 'id -u' };
  const fed = sudoStatement(shape, { kind: 'bytes', data: Buffer.from('in') }, 'root', words, 'hunter2');
  const shown = sudoCommand(shape, 'root', words, true);
  t.true(fed.includes(shown));
  t.true(fed.includes('hunter2'));
  t.false(shown.includes('hunter2'));
  t.true(sudoCommand(shape, 'root', words, false).startsWith('sudo -H -S -n -u root -- sh -c '));
  t.false(sudoValidateCommand('root', words).includes('hunter2'));
  t.true(sudoValidateStatement('root', words, 'hunter2').endsWith(sudoValidateCommand('root', words)));
});

test('the local connection traces the line it runs, and feeds no password to a command sudo does not wrap', async (t) => {
  const conn = new LocalConnection('localhost');
  const lines: string[] = [];
  const res = await conn.exec('cat', { stdin: 'data', become: { user: me, password: 'hunter2' }, trace: (l) => lines.push(l) });
  t.is(res.stdout, 'data');
  t.deepEqual(lines, ["EXEC /bin/sh -c cat"]);
});

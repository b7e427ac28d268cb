import test from 'ava';
import os from 'node:os';
import { LocalConnection } from '../../../src/connection/local.js';
import { tracedConnection } from '../../../src/engine/traced-connection.js';
import { becomeAllowSameUser } from '../../../src/engine/runtime.js';

test('-vvv lines: ESTABLISH once, then each command as the connection runs it, named by address', async (t) => {
  const lines: string[] = [];
  const conn = tracedConnection(new LocalConnection('localhost'), { address: '127.0.0.1', log: (l) => lines.push(l) });
  t.is(conn.transport, 'local');
  await conn.exec('echo one');
  await conn.exec('echo two', { become: { user: os.userInfo().username, sameUser: true, password: 'hunter2' } });
  t.is(lines[0], `<127.0.0.1> ESTABLISH LOCAL CONNECTION FOR USER: ${os.userInfo().username}`);
  t.is(lines[1], `<127.0.0.1> EXEC /bin/sh -c 'echo one'`);
  t.regex(lines[2]!, /^<127\.0\.0\.1> EXEC \/bin\/sh -c 'sudo -H -S -p "" -u \S+ -- \/bin\/sh -c/);
  t.false(lines.join('\n').includes('hunter2'));
  t.is(lines.length, 3);
});

test('ANSIBLE_BECOME_ALLOW_SAME_USER: true values only, as Ansible reads a boolean setting', (t) => {
  t.false(becomeAllowSameUser({}));
  t.true(becomeAllowSameUser({ ANSIBLE_BECOME_ALLOW_SAME_USER: 'true' }));
  t.true(becomeAllowSameUser({ ANSIBLE_BECOME_ALLOW_SAME_USER: 'yes' }));
  t.false(becomeAllowSameUser({ ANSIBLE_BECOME_ALLOW_SAME_USER: 'false' }));
  t.false(becomeAllowSameUser({ ANSIBLE_BECOME_ALLOW_SAME_USER: 'whatever' }));
});

test("-vvv lines never show the task's secret arguments", async (t) => {
  const lines: string[] = [];
  const conn = tracedConnection(new LocalConnection('localhost'), { address: 'h', secrets: ['s3cret'], log: (l) => lines.push(l) });
  await conn.exec('echo s3cret >/dev/null');
  t.is(lines[1], "<h> EXEC /bin/sh -c 'echo ******** >/dev/null'");
});

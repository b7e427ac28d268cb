import { chownSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { LocalConnection } from '../../../src/connection/local.js';

const root = process.getuid?.() === 0;

test('local put: a replaced file keeps its owner and group when none is asked for, as Ansible\'s atomic move does', async (t) => {
  // the tests run as root (npm test installs Debian packages and boots the lab); without it this cannot be checked
  if (!root) {
    t.fail('needs root to hand a file to another user');
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-put-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'f');
  writeFileSync(file, 'old');
  chownSync(file, 65534, 65534);
  await new LocalConnection('localhost').put(file, 'new', { mode: 0o640 });
  t.is(statSync(file).uid, 65534);
  t.is(statSync(file).gid, 65534);
  await new LocalConnection('localhost').put(file, 'newer', { owner: 'root' });
  t.is(statSync(file).uid, 0);
});

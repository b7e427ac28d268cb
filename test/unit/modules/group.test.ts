import test from 'ava';
import { group, parseGroupEntry } from '../../../src/modules/group.js';
import { moduleTable } from '../../helpers/module-table.js';

test('parses captured getent group output', (t) => {
  t.deepEqual(parseGroupEntry('sudo:x:27:ops\n'), { name: 'sudo', gid: 27, members: ['ops'] });
  t.deepEqual(parseGroupEntry('etcd:x:997:\n'), { name: 'etcd', gid: 997, members: [] });
  t.is(parseGroupEntry(''), undefined);
});

const entry = (stdout: string) => ({ 'getent group': stdout });
const READ = ['getent group -- etcd || true'];

moduleTable([
  {
    name: 'creates a system group; undo removes it',
    module: group,
    args: { name: 'etcd', system: true },
    facts: entry(''),
    expect: { changed: true, readCommands: READ, diff: ['group etcd: absent -> present (system)'], steps: ['groupadd -r -- etcd'], undo: ['groupdel -- etcd'] },
    after: entry('etcd:x:997:\n'),
  },
  {
    name: 'creates a group with a gid',
    module: group,
    args: { name: 'etcd', gid: 1234 },
    facts: entry(''),
    expect: { changed: true, readCommands: READ, steps: ['groupadd -g 1234 -- etcd'], undo: ['groupdel -- etcd'] },
    after: entry('etcd:x:1234:\n'),
  },
  {
    name: 'changes the gid; undo sets it back',
    module: group,
    args: { name: 'etcd', gid: 1234 },
    facts: entry('etcd:x:997:\n'),
    expect: { changed: true, readCommands: READ, diff: ['group etcd gid: 997 -> 1234'], steps: ['groupmod -g 1234 -- etcd'], undo: ['groupmod -g 997 -- etcd'] },
    after: entry('etcd:x:1234:\n'),
  },
  {
    name: 'removes a group; undo recreates it with its members',
    module: group,
    args: { name: 'etcd', state: 'absent' },
    facts: entry('etcd:x:997:alice,bob\n'),
    expect: {
      changed: true,
      readCommands: READ,
      diff: ['group etcd: present (gid 997) -> absent'],
      steps: ['groupdel -- etcd'],
      undo: ['groupadd -g 997 -- etcd', 'gpasswd -M alice,bob -- etcd'],
    },
    after: entry(''),
  },
  { name: 'no-op: the group exists', module: group, args: { name: 'etcd', system: true }, facts: entry('etcd:x:997:\n'), expect: { changed: false, readCommands: READ } },
  { name: 'idempotent: the gid is already right', module: group, args: { name: 'etcd', gid: 1234 }, facts: entry('etcd:x:1234:\n'), expect: { changed: false, readCommands: READ } },
  { name: 'no-op: absent group, state absent', module: group, args: { name: 'etcd', state: 'absent' }, facts: entry(''), expect: { changed: false, readCommands: READ } },
]);

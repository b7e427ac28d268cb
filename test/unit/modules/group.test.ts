import test from 'ava';
import { parseGroupEntry } from '../../../src/modules/group.js';
import { moduleTable } from '../../helpers/module-table.js';
import { loadModuleCases } from '../../helpers/module-case-file.js';

test('parses captured getent group output', (t) => {
  t.deepEqual(parseGroupEntry('sudo:x:27:ops\n'), { name: 'sudo', gid: 27, members: ['ops'] });
  t.deepEqual(parseGroupEntry('etcd:x:997:\n'), { name: 'etcd', gid: 997, members: [] });
  t.is(parseGroupEntry(''), undefined);
});

moduleTable(loadModuleCases(new URL('cases/group.yaml', import.meta.url)));

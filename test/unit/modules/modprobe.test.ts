import test from 'ava';
import { parseModules } from '../../../src/modules/modprobe.js';
import { moduleTable } from '../../helpers/module-table.js';
import { loadModuleCases } from '../../helpers/module-case-file.js';

const PROBE = 'br_netfilter 32768 0 - Live 0x0\nip_tables 32768 1 - Live 0x0\n@@builtin\nkernel/drivers/block/loop.ko\nkernel/net/ipv4/tcp-bbr.ko.xz\n';

test('modules: loaded and built-in names, dashes as underscores', (t) => {
  const { loaded, builtin } = parseModules(PROBE);
  t.deepEqual([...loaded], ['br_netfilter', 'ip_tables']);
  t.deepEqual([...builtin], ['loop', 'tcp_bbr']);
});

moduleTable(loadModuleCases(new URL('cases/modprobe.yaml', import.meta.url)));

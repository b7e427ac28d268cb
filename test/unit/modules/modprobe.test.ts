import test from 'ava';
import { modprobeModule, parseModules } from '../../../src/modules/modprobe.js';
import { moduleTable } from '../../helpers/module-table.js';

const PROBE = 'br_netfilter 32768 0 - Live 0x0\nip_tables 32768 1 - Live 0x0\n@@builtin\nkernel/drivers/block/loop.ko\nkernel/net/ipv4/tcp-bbr.ko.xz\n';

test('modules: loaded and built-in names, dashes as underscores', (t) => {
  const { loaded, builtin } = parseModules(PROBE);
  t.deepEqual([...loaded], ['br_netfilter', 'ip_tables']);
  t.deepEqual([...builtin], ['loop', 'tcp_bbr']);
});

const PROBED = { 'proc/modules': PROBE };
const LOADED = (name: string) => ({ 'proc/modules': `${name} 16384 0 - Live 0x0\n${PROBE}` });
const UNLOADED = (name: string) => ({ 'proc/modules': PROBE.split('\n').filter((l) => !l.startsWith(`${name} `)).join('\n') });

moduleTable([
  { name: 'loaded: nothing to do', module: modprobeModule, args: { name: 'br_netfilter' }, facts: PROBED, expect: { changed: false } },
  { name: 'a dash names the same module', module: modprobeModule, args: { name: 'br-netfilter' }, facts: PROBED, expect: { changed: false } },
  { name: 'built in: nothing to do', module: modprobeModule, args: { name: 'loop' }, facts: PROBED, expect: { changed: false } },
  {
    name: 'loads a module; undo unloads it',
    module: modprobeModule,
    args: { name: 'overlay' },
    facts: PROBED,
    expect: { changed: true, steps: ['modprobe overlay'], undo: ['modprobe -r overlay'] },
    after: LOADED('overlay'),
  },
  {
    name: 'parameters are quoted word by word',
    module: modprobeModule,
    args: { name: 'dummy', params: 'numdummies=2 x="a b"' },
    facts: PROBED,
    expect: { changed: true, steps: ["modprobe dummy numdummies=2 'x=a b'"], undo: ['modprobe -r dummy'] },
    after: LOADED('dummy'),
  },
  {
    name: 'absent unloads; undo loads it again',
    module: modprobeModule,
    args: { name: 'ip_tables', state: 'absent' },
    facts: PROBED,
    expect: { changed: true, steps: ['modprobe -r ip_tables'], undo: ['modprobe ip_tables'] },
    after: UNLOADED('ip_tables'),
  },
  { name: 'absent and not loaded: nothing to do', module: modprobeModule, args: { name: 'overlay', state: 'absent' }, facts: PROBED, expect: { changed: false } },
  { name: 'a built-in module cannot be unloaded', module: modprobeModule, args: { name: 'loop', state: 'absent' }, facts: PROBED, expect: { error: /built into the kernel/ } },
  { name: 'a name with shell in it is refused', module: modprobeModule, args: { name: 'x; reboot' }, facts: PROBED, expect: { error: /is not a module name/ } },
  { name: 'persistent takes its choices', module: modprobeModule, args: { name: 'x', persistent: 'present' }, facts: PROBED, expect: { error: /must be one of disabled/ } },
]);

import test from 'ava';
import { yields } from './helpers.js';

// Answers of ansible.utils' ipaddr/ipwrap as its documentation gives them.
const cases: Array<[string, unknown]> = [
  ["{{ '192.168.0.1' | ipaddr }}", '192.168.0.1'],
  ["{{ 'not-an-ip' | ipaddr }}", false],
  ["{{ '192.168.0.1/24' | ipaddr('address') }}", '192.168.0.1'],
  ["{{ '192.168.0.1/24' | ipaddr('network') }}", '192.168.0.0'],
  ["{{ '192.168.0.0/24' | ipaddr('net') }}", '192.168.0.0/24'],
  ["{{ '192.168.0.1/24' | ipaddr('net') }}", false],
  ["{{ '192.168.0.1/24' | ipaddr('netmask') }}", '255.255.255.0'],
  ["{{ '192.168.0.1/24' | ipaddr('prefix') }}", 24],
  ["{{ '192.168.0.1/24' | ipaddr('broadcast') }}", '192.168.0.255'],
  ["{{ '192.168.0.1/24' | ipaddr('size') }}", 256],
  ["{{ '192.168.0.1/24' | ipaddr('host') }}", '192.168.0.1/24'],
  ["{{ '10.0.0.0/24' | ipaddr(1) }}", '10.0.0.1/24'],
  ["{{ '10.0.0.0/24' | ipaddr(-1) }}", '10.0.0.255/24'],
  ["{{ '10.233.0.0/18' | ansible.utils.ipaddr('net') | ansible.utils.ipaddr(1) | ansible.utils.ipaddr('address') }}", '10.233.0.1'],
  ["{{ '10.1.2.3' | ipaddr('private') }}", true],
  ["{{ '8.8.8.8' | ipaddr('public') }}", true],
  ["{{ ['10.0.0.1', 'x', 'fe80::1'] | ipaddr }}", ['10.0.0.1', 'fe80::1']],
  ["{{ ['10.0.0.1', 'fe80::1'] | ipv4 }}", ['10.0.0.1']],
  ["{{ 'fe80::1' | ipwrap }}", '[fe80::1]'],
  ["{{ '10.0.0.1' | ansible.utils.ipwrap }}", '10.0.0.1'],
  ["{{ ['::1', 'example.com'] | ipwrap }}", ['[::1]', 'example.com']],
  ["{{ {'a': 1} | ansible.builtin.to_json }}", '{"a": 1}'],
];

test('ipaddr, ipv4, ipwrap and collection-qualified filter names', (t) => {
  for (const [template, expected] of cases) yields(t, template, expected);
});

import test from 'ava';
import { expandHostSpec } from '../../../src/inventory/index.js';

test('numeric ranges keep zero padding', (t) => {
  t.deepEqual(expandHostSpec('node[01:03].example.com'), { names: ['node01.example.com', 'node02.example.com', 'node03.example.com'] });
  t.deepEqual(expandHostSpec('n[1:10:4]').names, ['n1', 'n5', 'n9']);
});

test('letter ranges and several ranges', (t) => {
  t.deepEqual(expandHostSpec('db-[a:c]').names, ['db-a', 'db-b', 'db-c']);
  t.deepEqual(expandHostSpec('r[1:2]n[1:2]').names, ['r1n1', 'r1n2', 'r2n1', 'r2n2']);
});

test('a port after a colon, IPv6 stays whole', (t) => {
  t.deepEqual(expandHostSpec('db1:2222'), { names: ['db1'], port: 2222 });
  t.deepEqual(expandHostSpec('node[1:2]:2200'), { names: ['node1', 'node2'], port: 2200 });
  t.deepEqual(expandHostSpec('192.168.1.1'), { names: ['192.168.1.1'] });
  t.deepEqual(expandHostSpec('2001:db8::1'), { names: ['2001:db8::1'] });
  t.deepEqual(expandHostSpec('[2001:db8::1]:22'), { names: ['2001:db8::1'], port: 22 });
});

test('bad ranges are refused', (t) => {
  t.throws(() => expandHostSpec('n[3:1]'), { message: /end before it begins/ });
  t.throws(() => expandHostSpec('n[01:100]'), { message: /equal width/ });
  t.throws(() => expandHostSpec('n[1:]'), { message: /must have an end/ });
  t.throws(() => expandHostSpec('db1:'), { message: /trailing ':'/ });
});

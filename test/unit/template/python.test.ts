import test from 'ava';
import { renders, templar, VARS, yields } from './helpers.js';
import { pythonExceptionOf } from '../../../src/template/undefined.js';

const strMethods: Array<[string, unknown]> = [
  ["{{ 'a,b,,'.rstrip(',') }}", 'a,b'],
  ["{{ '  x  '.strip() }}", 'x'],
  ["{{ 'xxaxx'.strip('x') }}", 'a'],
  ["{{ '--a'.lstrip('-') }}", 'a'],
  ["{{ ' a '.lstrip() }}", 'a '],
  ["{{ 'a.b.c'.split('.') }}", ['a', 'b', 'c']],
  ["{{ 'a.b.c'.split('.', 1) }}", ['a', 'b.c']],
  ["{{ '  a  b \n c '.split() }}", ['a', 'b', 'c']],
  ["{{ 'a.b.c'.rsplit('.', 1) }}", ['a.b', 'c']],
  ["{{ 'etcd1.example.com'.split('.')[0] }}", 'etcd1'],
  ["{{ 'v3.5'.startswith('v') }}", true],
  ["{{ 'v3.5'.startswith(('x', 'v')) }}", true],
  ["{{ 'file.pem'.endswith('.key') }}", false],
  ["{{ 'aaa'.replace('a', 'b') }}", 'bbb'],
  ["{{ 'aaa'.replace('a', 'b', 2) }}", 'bba'],
  ["{{ 'Ab'.lower() }}{{ 'Ab'.upper() }}", 'abAB'],
  ["{{ ','.join(['a', 'b']) }}", 'a,b'],
  ["{{ ','.join(groups.etcd) }}", 'etcd1,etcd2,etcd3'],
  ["{{ '{}-{}'.format('a', 1) }}", 'a-1'],
  ["{{ '{0}/{1}/{0}'.format('x', 'y') }}", 'x/y/x'],
  ["{{ '{name}:{port}'.format(name='h', port=2379) }}", 'h:2379'],
  ["{{ '{:>5}|{:<4}|{:^5}|{:05d}|{:.2f}'.format('a', 'b', 'c', 42, 3.14159) }}", '    a|b   |  c  |00042|3.14'],
  ["{{ '{{}} {}'.format(1) }}", '{} 1'],
  ["{{ 'abcabc'.find('c') }} {{ 'abc'.find('z') }} {{ 'abcabc'.rfind('c') }}", '2 -1 5'],
  ["{{ 'abcabc'.count('b') }}", 2],
  ["{{ '123'.isdigit() }} {{ '12a'.isdigit() }} {{ 'abc'.isalpha() }}", 'True False True'],
  ["{{ 'a\nb\n'.splitlines() }}", ['a', 'b']],
  ["{{ 'hello world'.title() }} {{ 'hELLO'.capitalize() }}", 'Hello World Hello'],
  ["{{ '7'.zfill(3) }} {{ 'ab'.center(6, '*') }}", '007 **ab**'],
  ["{{ name[0] }}{{ name[-1] }}{{ name[1:3] }}{{ name[::-1] }}", 'edtcdcte'],
];

test('Python string methods', (t) => {
  for (const [template, expected] of strMethods) yields(t, template, expected);
});

test('Python dict methods', (t) => {
  yields(t, '{{ conf.tls.keys() }}', ['enabled', 'ca']);
  yields(t, '{{ conf.tls.values() }}', [true, '/etc/ca.pem']);
  yields(t, '{{ conf.tls.items() }}', [['enabled', true], ['ca', '/etc/ca.pem']]);
  yields(t, "{{ conf.get('listen') }}", '0.0.0.0');
  yields(t, "{{ conf.get('nope', 'fallback') }}", 'fallback');
  yields(t, "{{ conf.get('nope') }}", null);
  yields(t, "{{ hostvars.etcd3.get('ansible_host', 'etcd3') }}", 'etcd3');
  renders(t, "{% set d = {} %}{% set _ = d.update({'a': 1}) %}{{ d }}", "{'a': 1}");
  t.deepEqual(VARS.conf, { listen: '0.0.0.0', tls: { enabled: true, ca: '/etc/ca.pem' } });
});

test('Python list methods', (t) => {
  yields(t, "{{ groups.etcd.index('etcd2') }}", 1);
  yields(t, "{{ words.count('a') }}", 2);
  renders(t, '{% set acc = [] %}{% for n in numbers %}{% set _ = acc.append(n * 2) %}{% endfor %}{{ acc }}', '[6, 2, 4]');
  renders(t, '{% set acc = [1] %}{% set _ = acc.extend([2, 3]) %}{{ acc }}', '[1, 2, 3]');
  t.throws(() => templar.render("{{ groups.etcd.index('nope') }}", VARS), { message: /'nope' is not in list|nope is not in list/ });
});

const operators: Array<[string, unknown]> = [
  ["{{ 'etcd1' in groups['etcd'] }}", true],
  ["{{ 'lb' not in groups['etcd'] }}", true],
  ["{{ 'cd' in 'etcd' }}", true],
  ["{{ 'tls' in conf }}", true],
  ["{{ 'nope' in conf }}", false],
  ["{{ name ~ '-' ~ port }}", 'etcd-2379'],
  ['{{ 7 // 2 }}', 3],
  ['{{ -7 // 2 }}', -4],
  ['{{ 2 ** 10 }}', 1024],
  ['{{ 7 % 3 }}', 1],
  ['{{ -7 % 3 }}', 2],
  ['{{ 7 / 2 }}', 3.5],
  ['{{ [1] + [2, 3] }}', [1, 2, 3]],
  ["{{ 'ab' + 'cd' }}", 'abcd'],
  ["{{ '-' * 3 }}", '---'],
  ['{{ [0] * 3 }}', [0, 0, 0]],
  ['{{ true + 1 }}', 2],
  ["{{ 'yes' if enabled else 'no' }}", 'yes'],
  ["{{ 'yes' if empty_list else 'no' }}", 'no'],
  ['{{ empty_list or numbers }}', [3, 1, 2]],
  ["{{ numbers and 'both' }}", 'both'],
  ['{{ empty_dict and 1 }}', {}],
  ['{{ not empty_list }}', true],
  ['{{ 1 < 2 < 3 }}', true],
  ['{{ 3 > 2 > 2 }}', false],
  ["{{ 1 == '1' }}", false],
  ['{{ 1 == 1.0 }}', true],
  ['{{ true == 1 }}', true],
  ['{{ [1, [2]] == [1, [2]] }}', true],
  ["{{ {'a': 1} == {'a': 1} }}", true],
  ["{{ 'abc' < 'abd' }}", true],
  ['{{ [1, 2] < [1, 3] }}', true],
  ['{{ nothing == none }}', true],
  ['{{ nothing is none }}', true],
  ['{{ (1, 2) }}', [1, 2]],
  ['{{ (1 + 2) * 3 }}', 9],
  ["{{ {'k': port} }}", { k: 2379 }],
  ["{% set key = 'dyn' %}{{ {key: 1} }}", "{'dyn': 1}"],
];

test('operators follow Python', (t) => {
  for (const [template, expected] of operators) yields(t, template, expected);
});

test('comparing unlike types fails as Python does', (t) => {
  t.throws(() => templar.render("{{ 1 < 'a' }}", VARS), { message: /'<' not supported between instances of 'int' and 'str'/ });
  t.throws(() => templar.render("{{ 1 in 'abc' }}", VARS), { message: /requires string as left operand/ });
});

const percent: Array<[string, string]> = [
  ["{{ '%s-%d' % ('a', 3) }}", 'a-3'],
  ["{{ '%s' % name }}", 'etcd'],
  ["{{ '%s' % [1, 2] }}", '[1, 2]'],
  ["{{ '%05.1f|%x|%o|%5s|%-5s|' % (3.14159, 255, 8, 'ab', 'cd') }}", '003.1|ff|10|   ab|cd   |'],
  ["{{ '%(host)s:%(port)d' % {'host': 'h', 'port': 1} }}", 'h:1'],
  ["{{ '100%%' % () }}", '100%'],
  ["{{ '%r' % 'x' }}", "'x'"],
  ["{{ '%.2e' % 12345.678 }}", '1.23e+04'],
];

test('percent formatting', (t) => {
  for (const [template, expected] of percent) renders(t, template, expected);
  t.throws(() => templar.render("{{ '%s %s' % ('a',) }}", VARS), { message: /not enough arguments/ });
  t.throws(() => templar.render("{{ '%d' % 'x' }}", VARS), { message: /%d format: a real number is required, not str/ });
});

test('trailing commas, one-item tuples', (t) => {
  renders(t, "{{ '%s!' % (name,) }}", 'etcd!');
  yields(t, '{{ [1, 2,] }}', [1, 2]);
  yields(t, "{{ {'a': 1,} }}", { a: 1 });
  yields(t, '{{ (1) }}', 1);
});

test('nested dict literals may close with }}, as Jinja counts braces', (t) => {
  yields(t, "{{ {'a': {'b': 1}} }}", { a: { b: 1 } });
  renders(t, "{% set d = {'a': {'b': 2}} %}{{ d.a.b }}", '2');
  renders(t, "{{ {'a': {'b': {'c': 3}}}.a.b.c }}", '3');
});

test("Python exceptions keep their class, for Ansible's wording of a task's failure", (t) => {
  const classOf = (text: string) => {
    try {
      templar.render(text, VARS);
    } catch (error) {
      const raised = pythonExceptionOf(error);
      return raised ? `${raised.pythonType}: ${raised.message}` : `not Python: ${(error as Error).message}`;
    }
    return 'no error';
  };
  t.is(classOf("{{ [1, 2].index(5) }}"), 'ValueError: 5 is not in list');
  t.is(classOf("{{ [1].index('a') }}"), "ValueError: 'a' is not in list");
  t.is(classOf("{{ 'abc'.index('z') }}"), 'ValueError: substring not found');
  t.is(classOf("{{ 'a,b'.split('') }}"), 'ValueError: empty separator');
  t.is(classOf("{{ ''.join(['a', 1]) }}"), 'TypeError: sequence item 1: expected str instance, int found');
  t.is(classOf("{{ 1 + 'a' }}"), "TypeError: unsupported operand type(s) for +: 'int' and 'str'");
  t.is(classOf('{{ [].pop() }}'), 'IndexError: pop from empty list');
  t.regex(classOf('{{ nope }}'), /^not Python: /);
});

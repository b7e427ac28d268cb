import test from 'ava';
import YAML from 'yaml';
import { renders, templar, VARS, yields } from './helpers.js';

const lists: Array<[string, unknown]> = [
  ["{{ groups.etcd | join(',') }}", 'etcd1,etcd2,etcd3'],
  ['{{ numbers | join }}', '312'],
  ["{{ users | join(', ', attribute='name') }}", 'alice, bob, carol'],
  ['{{ numbers | first }} {{ numbers | last }} {{ "abc" | first }}', '3 2 a'],
  ['{{ numbers | min }} {{ numbers | max }}', '1 3'],
  ["{{ (users | min(attribute='uid')).name }}", 'bob'],
  ["{{ (users | max(attribute='uid')).name }}", 'carol'],
  ['{{ numbers | sort }}', [1, 2, 3]],
  ['{{ numbers | sort(reverse=true) }}', [3, 2, 1]],
  ['{{ words | sort }}', ['a', 'a', 'b', 'C']],
  ['{{ words | sort(case_sensitive=true) }}', ['C', 'a', 'a', 'b']],
  ["{{ users | sort(attribute='uid') | map(attribute='name') | list }}", ['bob', 'alice', 'carol']],
  ['{{ words | unique }}', ['b', 'a', 'C']],
  ["{{ ['a', 'A', 'b'] | unique }}", ['a', 'b']],
  ["{{ ['a', 'A', 'b'] | unique(case_sensitive=true) }}", ['a', 'A', 'b']],
  ['{{ [1, 2, 2] | union([2, 3, 3]) }}', [1, 2, 3]],
  ['{{ [1, 2, 3, 2] | intersect([2, 3, 4]) }}', [2, 3]],
  ['{{ [1, 2, 3, 1] | difference([2]) }}', [1, 3]],
  ['{{ [1, 2, 3] | symmetric_difference([2, 3, 4]) }}', [1, 4]],
  ["{{ ['a', 'A'] | union(['a']) }}", ['a', 'A']],
  ['{{ numbers | reverse | list }}', [2, 1, 3]],
  ["{{ 'abc' | reverse }}", 'cba'],
  ['{{ [1, [2, [3, [4]]]] | flatten }}', [1, 2, 3, 4]],
  ['{{ [1, [2, [3, [4]]]] | flatten(1) }}', [1, 2, [3, [4]]]],
  ["{{ [1, none, 'None', [2, none]] | flatten }}", [1, 2]],
  ["{{ [1, none] | flatten(skip_nulls=false) }}", [1, null]],
  ["{{ ['a', 'b', 'c'] | zip([1, 2]) | list }}", [['a', 1], ['b', 2]]],
  ["{{ ['a', 'b'] | zip_longest([1], fillvalue='-') | list }}", [['a', 1], ['b', '-']]],
  ["{{ ['a', 'b'] | product([1, 2]) | list }}", [['a', 1], ['a', 2], ['b', 1], ['b', 2]]],
  ['{{ numbers | sum }}', 6],
  ["{{ users | sum(attribute='uid') }}", 3003],
  ['{{ [[1], [2, 3]] | sum(start=[]) }}', [1, 2, 3]],
  ['{{ numbers | batch(2) | list }}', [[3, 1], [2]]],
  ["{{ conf.tls | dictsort }}", [['ca', '/etc/ca.pem'], ['enabled', true]]],
  ['{{ numbers | length }} {{ numbers | count }}', '3 3'],
  ["{{ 'ab' | list }}", ['a', 'b']],
  ['{{ conf | list }}', ['listen', 'tls']],
  // map, select, reject and friends
  ["{{ users | map(attribute='name') | list }}", ['alice', 'bob', 'carol']],
  ["{{ users | map(attribute='shell', default='/bin/false') | list }}", ['/bin/bash', '/bin/sh', '/bin/false']],
  ["{{ users | map(attribute='groups.0') | select('defined') | list }}", ['wheel']],
  ["{{ words | map('upper') | list }}", ['B', 'A', 'C', 'A']],
  ["{{ groups.etcd | map('regex_replace', '^etcd', 'node') | list }}", ['node1', 'node2', 'node3']],
  ["{{ groups.etcd | map('extract', hostvars, 'ansible_host') | select('defined') | list }}", ['10.0.0.1', '10.0.0.2']],
  ["{{ groups.etcd | map('extract', hostvars) | map(attribute='ansible_host', default='-') | list }}", ['10.0.0.1', '10.0.0.2', '-']],
  ['{{ numbers | select("odd") | list }}', [3, 1]],
  ['{{ numbers | reject("odd") | list }}', [2]],
  ["{{ [0, 1, '', 'a', none] | select | list }}", [1, 'a']],
  ["{{ numbers | select('>', 1) | list }}", [3, 2]],
  ["{{ numbers | select('equalto', 2) | list }}", [2]],
  ["{{ groups.all | select('in', groups.etcd) | list }}", ['etcd1', 'etcd2', 'etcd3']],
  ["{{ groups.all | reject('in', groups.etcd) | list }}", ['lb']],
  ["{{ groups.all | select('match', 'etcd[12]') | list }}", ['etcd1', 'etcd2']],
  ["{{ users | selectattr('shell', 'defined') | map(attribute='name') | list }}", ['alice', 'bob']],
  ["{{ users | rejectattr('shell', 'defined') | map(attribute='name') | list }}", ['carol']],
  ["{{ users | selectattr('uid', '==', 1000) | map(attribute='name') | list }}", ['bob']],
  ["{{ users | selectattr('uid', 'equalto', 1001) | map(attribute='name') | first }}", 'alice'],
  ["{{ users | selectattr('name', 'match', '^c') | map(attribute='name') | list }}", ['carol']],
  ["{{ users | selectattr('name', 'in', ['bob', 'carol']) | map(attribute='uid') | list }}", [1000, 1002]],
  ["{{ users[:2] | selectattr('groups') | map(attribute='name') | list }}", ['alice']],
];

test('list filters and higher-order filters', (t) => {
  for (const [template, expected] of lists) yields(t, template, expected);
});

test('first/last/min of an empty list are undefined and fail when printed', (t) => {
  t.throws(() => templar.render('{{ empty_list | first }}', VARS), { message: /No first item, sequence was empty/ });
  renders(t, "{{ empty_list | first | default('none') }}", 'none');
  t.throws(() => templar.render('{{ empty_list | max }}', VARS), { message: /sequence was empty/ });
});

test('selectattr with a comparison on a missing attribute fails like Ansible', (t) => {
  t.throws(() => templar.render("{{ users | selectattr('groups') | list }}", VARS), { message: /has no attribute 'groups'/ });
  t.throws(() => templar.render("{{ users | selectattr('shell', 'equalto', '/bin/sh') | list }}", VARS), { message: /has no attribute 'shell'/ });
});

const dicts: Array<[string, unknown]> = [
  ["{{ {'a': 1, 'b': {'x': 1}} | combine({'b': {'y': 2}, 'c': 3}) }}", { a: 1, b: { y: 2 }, c: 3 }],
  ["{{ {'a': 1, 'b': {'x': 1}} | combine({'b': {'y': 2}}, recursive=true) }}", { a: 1, b: { x: 1, y: 2 } }],
  ["{{ {'a': 1} | combine({'a': 2}, {'a': 3}) }}", { a: 3 }],
  ["{{ [{'a': 1}, {'b': 2}] | combine }}", { a: 1, b: 2 }],
  ["{{ {'l': [1, 2]} | combine({'l': [2, 3]}, list_merge='append') }}", { l: [1, 2, 2, 3] }],
  ["{{ {'l': [1, 2]} | combine({'l': [2, 3]}, list_merge='prepend') }}", { l: [2, 3, 1, 2] }],
  ["{{ {'l': [1, 2]} | combine({'l': [2, 3]}, list_merge='append_rp') }}", { l: [1, 2, 3] }],
  ["{{ {'l': [1, 2]} | combine({'l': [2, 3]}, list_merge='keep') }}", { l: [1, 2] }],
  ["{{ {'d': {'l': [1]}} | combine({'d': {'l': [2]}}, recursive=true, list_merge='append') }}", { d: { l: [1, 2] } }],
  ['{{ conf.tls | dict2items }}', [{ key: 'enabled', value: true }, { key: 'ca', value: '/etc/ca.pem' }]],
  ["{{ {'a': 1} | dict2items(key_name='k', value_name='v') }}", [{ k: 'a', v: 1 }]],
  ["{{ [{'key': 'a', 'value': 1}, {'key': 'b', 'value': 2}] | items2dict }}", { a: 1, b: 2 }],
  ["{{ [{'n': 'a', 'v': 1}] | items2dict(key_name='n', value_name='v') }}", { a: 1 }],
  ["{{ conf.tls | dict2items | items2dict }}", { enabled: true, ca: '/etc/ca.pem' }],
];

test('dict filters', (t) => {
  for (const [template, expected] of dicts) yields(t, template, expected);
});

test('combine copies and never changes its inputs', (t) => {
  const vars = { a: { x: { deep: 1 } }, b: { x: { other: 2 } } };
  const before = structuredClone(vars);
  yields(t, '{{ a | combine(b, recursive=true) }}', { x: { deep: 1, other: 2 } }, vars);
  t.deepEqual(vars, before);
});

test('JSON filters format as Python json.dumps does', (t) => {
  const data = { b: [1, 'é'], a: {}, n: null, t: true };
  // expected texts taken from Python's json.dumps with Ansible's arguments
  renders(t, '{{ data | to_json }}', '{"b": [1, "\\u00e9"], "a": {}, "n": null, "t": true}', { data });
  renders(t, '{{ data | to_json(sort_keys=true) }}', '{"a": {}, "b": [1, "\\u00e9"], "n": null, "t": true}', { data });
  renders(t, '{{ data | to_nice_json }}', '{\n    "a": {},\n    "b": [\n        1,\n        "\\u00e9"\n    ],\n    "n": null,\n    "t": true\n}', { data });
  renders(t, '{{ [1] | to_nice_json(indent=2) }}', '[\n  1\n]');
  yields(t, '{{ \'{"a": [1, 2], "b": null}\' | from_json }}', { a: [1, 2], b: null });
  yields(t, '{{ conf | to_json | from_json }}', VARS.conf);
  t.throws(() => templar.render("{{ '{bad' | from_json }}", VARS), { message: /from_json/ });
});

test('YAML filters', (t) => {
  const data = { name: 'etcd', ports: [2379, 2380], tls: { enabled: true, ca: '/etc/ca.pem' }, flag: 'yes', members: [{ ip: '10.0.0.1' }] };
  // as PyYAML's default_flow_style=None writes it: keys sorted, leaf collections inline
  renders(t, '{{ data | to_yaml }}', "flag: 'yes'\nmembers:\n- {ip: 10.0.0.1}\nname: etcd\nports: [2379, 2380]\ntls: {ca: /etc/ca.pem, enabled: true}\n", { data });
  const nice = templar.render('{{ data | to_nice_yaml }}', { data });
  t.true(nice.includes('tls:\n    ca: /etc/ca.pem\n    enabled: true\n'), nice);
  t.deepEqual(YAML.parse(nice), data);
  yields(t, '{{ "a: yes\nb: [1, 2]\nc: text" | from_yaml }}', { a: true, b: [1, 2], c: 'text' });
  yields(t, '{{ "a: 1\n---\nb: 2" | from_yaml_all }}', [{ a: 1 }, { b: 2 }]);
  yields(t, '{{ conf | to_yaml | from_yaml }}', VARS.conf);
});

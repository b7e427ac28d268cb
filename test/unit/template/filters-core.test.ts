/** extract and undefined, b64 encodings, ternary, combine, bool, random, shuffle, mandatory, undef: as ansible-core 2.14 gives them. */
import test from 'ava';
import { templar, VARS, yields } from './helpers.js';

const V = { ...VARS, container: { key: { subkey: 'value' } } };

test('extract on an undefined container or a missing key yields an Undefined that default catches', (t) => {
  for (const template of [
    "{{ 'key' | extract(badcontainer) | default('a') }}",
    "{{ 'key' | extract(badcontainer, 'subkey') | default('a') }}",
    "{{ ('key' | extract(badcontainer)).subkey | default('a') }}",
    "{{ 'badkey' | extract(container, 'subkey') | default('a') }}",
    "{{ 'key' | extract(container, ['badsubkey', 'subsubkey']) | default('a') }}",
    "{{ 'etcd9' | extract(hostvars, 'ansible_host') | default('a') }}",
  ]) yields(t, template, 'a', V);
  yields(t, "{{ 'key' | extract(container, 'subkey') }}", 'value', V);
  t.throws(() => templar.render("{{ 'key' | extract(badcontainer) }}", V), { message: /'badcontainer' is undefined/ });
});

test('b64encode and b64decode take an encoding', (t) => {
  yields(t, "{{ 'Ansible - くらとみ' | b64encode(encoding='utf-16-le') }}", 'QQBuAHMAaQBiAGwAZQAgAC0AIABPMIkwaDB/MA==');
  yields(t, "{{ 'QQBuAHMAaQBiAGwAZQAgAC0AIABPMIkwaDB/MA==' | b64decode(encoding='utf-16-le') }}", 'Ansible - くらとみ');
  yields(t, "{{ 'é' | b64encode('utf-16') }}", '//7pAA==');
  yields(t, "{{ '//7pAA==' | b64decode('utf-16') }}", 'é');
  yields(t, "{{ 'é' | b64encode }}", 'w6k=');
  t.throws(() => templar.render("{{ 'x' | b64encode('nope') }}", V), { message: /unknown encoding: nope/ });
});

test('combine flattens its terms one level, drops nulls, and merges from the last', (t) => {
  yields(t, '{{ None | combine }}', {});
  yields(t, '{{ [1] | combine }}', 1);
  yields(t, "{{ [None, 'null', {'a': 1}] | combine }}", { a: 1 });
  yields(t, "{{ [{'a': 1}, {'b': 2}] | combine({'a': 3}) }}", { a: 3, b: 2 });
  yields(t, "{{ {'a': {'x': [1, 2]}} | combine({'a': {'x': [2, 3], 'y': 1}}, recursive=True, list_merge='append_rp') }}", { a: { x: [1, 2, 3], y: 1 } });
  t.throws(() => templar.render("{{ [{}, [{}]] | combine({}) }}", V), { message: "failed to combine variables, expected dicts but got a 'list' and a 'dict': \n[{}]\n{}" });
  t.throws(() => templar.render("{{ {} | combine(foo='bar') }}", V), { message: "'recursive' and 'list_merge' are the only valid keyword arguments" });
  t.throws(() => templar.render("{{ {} | combine({'k': [nope]}) }}", V), { message: /'nope' is undefined/ });
});

test('bool gives None back and reads yes/on/1/true in any case', (t) => {
  yields(t, '{{ None | bool }}', null);
  yields(t, "{{ 'TrUe' | bool }} {{ 'FalSe' | bool }} {{ 7 | bool }} {{ 1 | bool }}", 'True False False True');
});

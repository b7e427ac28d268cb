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

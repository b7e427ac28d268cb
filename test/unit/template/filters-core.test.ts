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

test('to_datetime gives a datetime that compares, subtracts to a timedelta and prints as Python does', (t) => {
  yields(t, '{{ "1993-03-26 01:23:45" | to_datetime < "1994-03-26 01:23:45" | to_datetime }}', true);
  const delta = '(("2016-08-14 20:00:12" | to_datetime) - ("2016-08-01" | to_datetime("%Y-%m-%d")))';
  yields(t, `{{ ${delta}.days }}`, 13);
  yields(t, `{{ ${delta}.seconds }}`, 72012);
  t.is(templar.render(`{{ ${delta}.total_seconds() }}`, V), '1195212.0');
  t.is(templar.render(`{{ ${delta} }}`, V), '13 days, 20:00:12');
  t.is(templar.render('{{ ("2016-08-01" | to_datetime("%Y-%m-%d")) - ("2016-08-14 20:00:12" | to_datetime) }}', V), '-14 days, 3:59:48');
  yields(t, '{{ "2016-08-14 20:00:12" | to_datetime }}', '2016-08-14 20:00:12');
  yields(t, '{{ ("14/Aug/2016 08PM" | to_datetime("%d/%b/%Y %I%p")).hour }}', 20);
  t.throws(() => templar.render('{{ "x" | to_datetime }}', V), { message: "time data 'x' does not match format '%Y-%m-%d %H:%M:%S'" });
});

test('random and shuffle draw as Python does with a seed, and refuse what Ansible refuses', (t) => {
  // values from CPython's random.Random(seed)
  yields(t, '{{ 100 | random(seed=1337) }}', 79);
  yields(t, "{{ 100 | random(start=10, step=7, seed='x') }}", 80);
  yields(t, "{{ ['a', 'b', 'c'] | random(seed='ab') }}", 'c');
  yields(t, '{{ [1, 2, 3, 4, 5, 6, 7, 8, 9] | shuffle(seed=1337) }}', [1, 4, 8, 3, 2, 7, 5, 6, 9]);
  yields(t, '{{ 22 | shuffle }}', 22);
  yields(t, '{{ 20 | random(start=10, step=2) % 2 }}', 0);
  t.throws(() => templar.render('{{ None | random }}', V), { message: 'random can only be used on sequences and integers' });
  t.throws(() => templar.render('{{ [1, 2] | random(start=1) }}', V), { message: 'start and step can only be used with integer values' });
});

test('ternary gives back the branch it takes, undefined or not; undef() is an Undefined with a hint', (t) => {
  t.is(templar.render("{{ true | ternary(1, nope) }} {{ false | ternary(nope, 2) }} {{ None | ternary(1, 2, nope) | default(4) }} {{ true | ternary(nope, 2) | default(5) }}", V), '1 2 4 5');
  t.throws(() => templar.render('{{ nope | ternary(1, 2) }}', V), { message: /'nope' is undefined/ });
  t.is(templar.render("{{ undef(hint='x') is defined }} {{ undef() | default(3) }}", V), 'False 3');
  t.throws(() => templar.render("{{ undef('Expected failure') }}", V), { message: 'Expected failure' });
  t.throws(() => templar.render('{{ undef() }}', V), { message: 'Mandatory variable has not been overridden' });
});

test('mandatory fails with the name or the msg given, as the whole message', (t) => {
  t.throws(() => templar.render('{{ hey | mandatory }}', V), { message: "Mandatory variable 'hey'  not defined." });
  t.throws(() => templar.render("{{ hey | mandatory('a sad wolf') }}", V), { message: 'a sad wolf' });
  yields(t, '{{ 123 | mandatory }}', 123);
});

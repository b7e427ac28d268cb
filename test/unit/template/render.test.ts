import test from 'ava';
import { Templar } from '../../../src/template/index.js';
import { renders, templar, VARS } from './helpers.js';

test('isTemplate finds expressions, statements and comments', (t) => {
  t.true(Templar.isTemplate('a {{ b }}'));
  t.true(Templar.isTemplate('{% if x %}{% endif %}'));
  t.true(Templar.isTemplate('{# note #}'));
  t.false(Templar.isTemplate('plain { text } with $vars'));
});

test('text without template markup is returned as it is', (t) => {
  t.is(templar.render('no markup here', VARS), 'no markup here');
});

const pythonRendering: Array<[string, string]> = [
  ['{{ enabled }}', 'True'],
  ['{{ disabled }}', 'False'],
  ['{{ port }}', '2379'],
  ['{{ ratio }}', '2.5'],
  ['{{ words }}', "['b', 'a', 'C', 'a']"],
  ['{{ numbers }}', '[3, 1, 2]'],
  ['{{ conf.tls }}', "{'enabled': True, 'ca': '/etc/ca.pem'}"],
  ['{{ ["it\'s", "x"] }}', `["it's", 'x']`],
  ['{{ [none, true, 1.5] }}', '[None, True, 1.5]'],
  ['{{ empty_list }}{{ empty_dict }}', '[]{}'],
  ['{{ "a\\nb" | list }}', "['a', '\\\\', 'n', 'b']"],
  ['{{ True }} {{ False }} {{ None }}', 'True False '],
];

test('values print as Python prints them', (t) => {
  for (const [template, expected] of pythonRendering) renders(t, template, expected);
});

test('None prints as an empty string in text, as "None" inside ~ and | string', (t) => {
  renders(t, '[{{ nothing }}]', '[]');
  renders(t, "{{ 'x' ~ nothing }}", 'xNone');
  renders(t, '{{ nothing | string }}', 'None');
});

test('trim_blocks is on, lstrip_blocks is off, whitespace control works', (t) => {
  renders(t, '{% if enabled %}\nyes\n{% endif %}\n', 'yes\n');
  // the newline eaten after endif comes back: Ansible keeps the template's trailing newlines
  renders(t, '  {% if enabled %}\nyes\n  {% endif %}\n', '  yes\n  \n');
  renders(t, 'a   {%- if enabled -%}   b   {%- endif -%}   c', 'abc');
  renders(t, 'a  {{- name -}}  b', 'aetcdb');
  renders(t, 'a{# comment #}b', 'ab');
});

test('trailing newlines of the template are kept, as Ansible does', (t) => {
  renders(t, '{{ name }}\n', 'etcd\n');
  renders(t, 'x\n{% if enabled %}\ny\n{% endif %}', 'x\ny\n');
  renders(t, 'x\n{% if disabled %}\ny\n{% endif %}\n', 'x\n');
});

test('autoescape is off', (t) => {
  renders(t, '{{ "<a href=\'x\'>&</a>" }}', "<a href='x'>&</a>");
});

test('kubeasz-style expressions', (t) => {
  renders(t, "{{ TMP_NODES.rstrip(',') }}", 'etcd1=https://10.0.0.1:2380,etcd2=https://10.0.0.2:2380');
  renders(t, "{{ groups['etcd']|length }}", '3');
  renders(
    t,
    "{% for host in groups['etcd'] %}{{ hostvars[host]['ansible_host'] | default(host) }}{% if not loop.last %},{% endif %}{% endfor %}",
    '10.0.0.1,10.0.0.2,etcd3',
  );
  renders(t, '{{ inventory_hostname }}', 'etcd1');
  renders(t, "{{ hostvars[inventory_hostname]['NODE_NAME'] }}", 'etcd-1');
  renders(t, "{% if inventory_hostname == groups['etcd'][0] %}first{% else %}other{% endif %}", 'first');
  renders(t, "{{ ETCD_VER.lstrip('v') }}", '3.5.9');
  renders(
    t,
    "{% set nodes = [] %}{% for h in groups['etcd'] %}{% set _ = nodes.append(h ~ '=https://' ~ hostvars[h].ansible_host | default(h) ~ ':2380') %}{% endfor %}{{ nodes | join(',') }}",
    'etcd1=https://10.0.0.1:2380,etcd2=https://10.0.0.2:2380,etcd3=https://etcd3:2380',
  );
});

test('loops: loop variables, else, dicts, key/value pairs, filtered loops', (t) => {
  renders(t, '{% for n in numbers %}{{ loop.index }}:{{ n }} {% endfor %}', '1:3 2:1 3:2 ');
  renders(t, '{% for n in numbers %}{{ loop.first }}{{ loop.last }} {% endfor %}', 'TrueFalse FalseFalse FalseTrue ');
  renders(t, '{% for n in empty_list %}x{% else %}none{% endfor %}', 'none');
  renders(t, '{% for k in conf %}{{ k }} {% endfor %}', 'listen tls ');
  renders(t, '{% for k, v in conf.tls.items() %}{{ k }}={{ v }} {% endfor %}', 'enabled=True ca=/etc/ca.pem ');
  renders(t, '{% for k, v in conf.tls %}{{ k }}={{ v }} {% endfor %}', 'enabled=True ca=/etc/ca.pem ');
  renders(t, '{% for n in numbers if n > 1 %}{{ n }}{% endfor %}', '32');
  renders(t, '{% for c in "abc" %}{{ c }}-{% endfor %}', 'a-b-c-');
  renders(t, '{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }} {% endfor %}', '3 7 ');
});

test('set, macros, filter blocks and raw', (t) => {
  renders(t, '{% set x = port + 1 %}{{ x }}', '2380');
  renders(t, '{% set block %}in {{ name }}{% endset %}[{{ block }}]', '[in etcd]');
  renders(t, '{% macro url(h, p=2379) %}https://{{ h }}:{{ p }}{% endmacro %}{{ url("a") }} {{ url("b", 2380) }}', 'https://a:2379 https://b:2380');
  renders(t, '{% filter upper %}{{ name }}{% endfilter %}', 'ETCD');
  renders(t, '{% raw %}{{ not rendered }}{% endraw %}', '{{ not rendered }}');
});

test('set does not write into the caller variables', (t) => {
  const vars: Record<string, unknown> = { a: 1 };
  t.is(templar.render('{% set a = 2 %}{% set b = 3 %}{{ a }}{{ b }}', vars), '23');
  t.deepEqual(vars, { a: 1 });
});

test('variables are read lazily from a Proxy, never enumerated', (t) => {
  const asked: string[] = [];
  const vars = new Proxy({} as Record<string, unknown>, {
    get(_target, key) {
      if (typeof key === 'string') asked.push(key);
      return key === 'name' ? 'etcd' : undefined;
    },
    ownKeys() {
      throw new Error('enumerated');
    },
  });
  t.is(templar.render('{{ name }}-{{ missing | default("d") }}', vars), 'etcd-d');
  t.true(asked.includes('name'));
});

test('include and import read templates from the search paths', async (t) => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'ezplay-template-'));
  writeFileSync(join(dir, 'part.j2'), 'part of {{ name }}');
  writeFileSync(join(dir, 'macros.j2'), '{% macro hello(who) %}hello {{ who }}{% endmacro %}');
  writeFileSync(join(dir, 'broken.j2'), 'line one\n{{ nope }}\n');
  writeFileSync(join(dir, 'base.j2'), '[{% block body %}base{% endblock %}]');
  const withPaths = new Templar({ searchPaths: [dir] });
  t.is(withPaths.render('[{% include "part.j2" %}]', VARS), '[part of etcd]');
  t.is(withPaths.render('{% import "macros.j2" as m %}{{ m.hello(name) }}', VARS), 'hello etcd');
  t.is(withPaths.render('{% from "macros.j2" import hello %}{{ hello("x") }}', VARS), 'hello x');
  t.is(withPaths.render('{% extends "base.j2" %}{% block body %}{{ name }}+{{ super() }}{% endblock %}', VARS), '[etcd+base]');
  const err = t.throws(() => withPaths.render('a\n{% include "broken.j2" %}', VARS, { file: 'main.j2' }));
  t.regex(err!.message, /broken\.j2:2: 'nope' is undefined/);
  t.throws(() => withPaths.render('{% include "missing.j2" %}', VARS), { message: /template not found: missing\.j2/ });
});

test('a template file includes from its own folder, then the role\'s and the playbook\'s templates/, and an included file loses its last line break', async (t) => {
  const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const play = mkdtempSync(join(tmpdir(), 'ezplay-include-'));
  const role = join(play, 'roles', 'r');
  for (const d of [join(play, 'templates'), join(role, 'templates', 'sub')]) mkdirSync(d, { recursive: true });
  writeFileSync(join(role, 'templates', 'sub', 'sibling.j2'), 'S\n');
  writeFileSync(join(role, 'templates', 'from-role.j2'), 'R\n');
  writeFileSync(join(play, 'templates', 'from-play.j2'), 'P\n');
  const templar = new Templar();
  const main = join(role, 'templates', 'sub', 'main.j2');
  const vars = { ...VARS, role_path: role, playbook_dir: play };
  const text = '{% include "sibling.j2" %}|{% include "from-role.j2" %}|{% include "from-play.j2" %}\n';
  t.is(templar.renderFile(text, vars, { file: main, line: 1 }), 'S|R|P\n');
  // outside a file, nothing but the Templar's own search paths
  t.throws(() => templar.render('{% include "sibling.j2" %}', vars), { message: /template not found: sibling\.j2/ });
});

// Captured from ansible-playbook 2.14: inside a text with `{{`, string
// literals keep their backslashes; a bare condition and a template file get
// Python's escapes.
const backslashes: Array<[string, 'text' | 'condition' | 'file', unknown]> = [
  ["{{ 'a1b22' | regex_findall('\\d+') }}", 'text', ['1', '22']],
  ["{{ 'a1b22' | regex_findall('\\\\d+') }}", 'text', []],
  ['{{ "etcd-v3.5.9" | regex_replace("^etcd-v(\\d+)\\.(\\d+).*$", "\\1.\\2") }}', 'text', '3.5'],
  ['{{ "a\\tb" }} {{ "x\\\\y" }}', 'text', 'a\\tb x\\\\y'],
  ['"a1" is search("\\\\d")', 'condition', true],
  ['"a\\\\1" is search("\\\\\\\\")', 'condition', true],
  ["'a\\tb' | length", 'condition', 3],
  ["'\\d' | length", 'condition', 2],
  ['{{ "a\\tb" }}', 'file', 'a\tb'],
];

test('backslashes in string literals as Ansible reads them', (t) => {
  for (const [text, where, expected] of backslashes) {
    const got = where === 'text' ? templar.renderValue(text, VARS) : where === 'condition' ? templar.evaluate(text, VARS) : templar.render(text, VARS, undefined, true);
    t.deepEqual(got, expected, `${where}: ${text}`);
  }
});

test('calls take Python\'s *list and **mapping, before or after keyword arguments', (t) => {
  const vars = { ...VARS, phrases: ['Hello World', 'Olá Mundo'], opts: { wantlist: true } };
  t.deepEqual(templar.renderValue('{{ lookup("list", wantlist=True, *phrases) }}', vars), ['Hello World', 'Olá Mundo']);
  t.deepEqual(templar.renderValue('{{ q("list", *phrases) }}', vars), ['Hello World', 'Olá Mundo']);
  t.deepEqual(templar.renderValue('{{ lookup("list", "a", *phrases, **opts) }}', vars), ['a', 'Hello World', 'Olá Mundo']);
  t.deepEqual(templar.renderValue('{{ dict(**conf, port=1) }}', vars), { ...(VARS.conf as object), port: 1 });
  t.deepEqual(templar.renderValue("{{ range(*[1, 4]) | list }}", vars), [1, 2, 3]);
  t.deepEqual(templar.renderValue("{{ words | join(*['-']) }}", vars), 'b-a-C-a');
  t.true(templar.renderValue("{{ '3.5.9' is version(*['3.5', '>=']) }}", vars) as boolean);
  renders(t, '{{ "{}-{}".format(*numbers[:2]) }}', '3-1', vars);
});

test('a ** that is not a mapping, or a keyword given twice, fails as in Python', (t) => {
  t.throws(() => templar.renderValue('{{ dict(**words) }}', VARS), { message: /argument after \*\* must be a mapping, not list/ });
  t.throws(() => templar.renderValue('{{ dict(a=1, **{"a": 2}) }}', VARS), { message: /multiple values for keyword argument 'a'/ });
  t.throws(() => templar.renderValue('{{ q("list", *missing) }}', VARS), { message: /'missing' is undefined/ });
});

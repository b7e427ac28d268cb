import test from 'ava';
import { OMIT, Templar } from '../../../src/template/index.js';
import { templar, VARS, yields } from './helpers.js';

test('a lone {{ expr }} keeps its native type', (t) => {
  yields(t, "{{ groups['etcd'] }}", ['etcd1', 'etcd2', 'etcd3']);
  yields(t, '{{ conf }}', VARS.conf);
  yields(t, '{{ port }}', 2379);
  yields(t, '{{ port + 1 }}', 2380);
  yields(t, '{{ enabled }}', true);
  yields(t, '{{ nothing }}', null);
  yields(t, '  {{ numbers | sort }}  ', [1, 2, 3]);
  yields(t, "{{ {'a': [1, 2]} }}", { a: [1, 2] });
  yields(t, '{{ name }}', 'etcd');
  yields(t, '{{ "2379" }}', '2379');
  yields(t, '{# note #}{{ port }}', 2379);
});

test('anything more than one expression renders to a string', (t) => {
  yields(t, '{{ port }}/tcp', '2379/tcp');
  yields(t, '{{ port }}{{ port }}', '23792379');
  yields(t, '{% if enabled %}{{ port }}{% endif %}', '2379');
  yields(t, 'plain', 'plain');
});

test('renderValue walks lists and dicts and leaves the input alone', (t) => {
  const input = {
    name: '{{ name }}-server',
    ports: ['{{ port }}', '{{ port + 1 }}', 7],
    nested: { members: "{{ groups['etcd'] }}", flag: '{{ enabled }}' },
    untouched: true,
  };
  const copy = structuredClone(input);
  t.deepEqual(templar.renderValue(input, VARS), {
    name: 'etcd-server',
    ports: [2379, 2380, 7],
    nested: { members: ['etcd1', 'etcd2', 'etcd3'], flag: true },
    untouched: true,
  });
  t.deepEqual(input, copy);
});

test('evaluate takes bare expressions, booleans, numbers and {{ }} text', (t) => {
  t.is(templar.evaluate("result_ok.rc == 0 and 'etcd1' in groups['etcd']", VARS), true);
  t.is(templar.evaluate('result_failed.rc == 0', VARS), false);
  t.is(templar.evaluate(true, VARS), true);
  t.is(templar.evaluate(0, VARS), 0);
  t.is(templar.evaluate('{{ port > 1000 }}', VARS), true);
  t.deepEqual(templar.evaluate('numbers | select("gt", 1) | list', VARS), [3, 2]);
  t.is(templar.evaluate("ETCD_VER is version('3.5', '>=')", VARS), true);
  t.is(templar.evaluate('result_ok.stdout_lines | length > 0\n', VARS), true);
  t.is(templar.evaluate('"}}" in "a}}b"', VARS), true);
  t.is(templar.evaluate('{{ port }} == 2379', VARS), true);
});

test('truthy applies Jinja truthiness', (t) => {
  const cases: Array<[string | boolean | number, boolean]> = [
    ['empty_list', false], ['empty_dict', false], ['empty_string', false], ['nothing', false], ['0', false],
    ['numbers', true], ['conf', true], ['"no"', true], ['disabled', false], ['enabled', true], [false, false], [1, true],
    ['result_changed is changed', true], ['result_ok is changed', false], ['nope is not defined', true],
    ['"false" | bool', false], ['"yes" | bool', true],
  ];
  for (const [expression, expected] of cases) t.is(templar.truthy(expression, VARS), expected, String(expression));
});

test('when-style conditions fail on undefined variables with the position', (t) => {
  const err = t.throws(() => templar.truthy('nope == 1', VARS, { file: 'tasks/main.yml', line: 12 }));
  t.is(err!.message, "'nope' is undefined");
  t.deepEqual((err as unknown as { pos: unknown }).pos, { file: 'tasks/main.yml', line: 12 });
});

test('omit is a unique placeholder string', (t) => {
  t.regex(OMIT, /^__omit_place_holder__[0-9a-f]+$/);
  t.is(templar.renderValue('{{ omit }}', VARS), OMIT);
  t.is(templar.renderValue('{{ nope | default(omit) }}', VARS), OMIT);
});

test('lookup and query', async (t) => {
  process.env.EZPLAY_TEMPLATE_TEST = 'from-env';
  t.is(templar.renderValue("{{ lookup('env', 'EZPLAY_TEMPLATE_TEST') }}", VARS), 'from-env');
  t.is(templar.renderValue("{{ lookup('env', 'EZPLAY_UNSET_VARIABLE') }}", VARS), '');
  t.deepEqual(templar.renderValue("{{ query('env', 'EZPLAY_TEMPLATE_TEST') }}", VARS), ['from-env']);
  t.deepEqual(templar.renderValue("{{ q('items', [1, 2], 3) }}", VARS), [1, 2, 3]);
  t.is(templar.renderValue("{{ lookup('vars', 'name') }}", VARS), 'etcd');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'ezplay-lookup-'));
  writeFileSync(join(dir, 'token.txt'), 'secret\n\n');
  const withPaths = new Templar({ searchPaths: [dir] });
  t.is(withPaths.renderValue("{{ lookup('file', 'token.txt') }}", VARS), 'secret');
  t.is(withPaths.renderValue(`{{ lookup('file', '${join(dir, 'token.txt')}') }}`, VARS), 'secret');
  t.throws(() => withPaths.render("{{ lookup('file', 'missing.txt') }}", VARS), { message: /could not locate file in lookup: missing\.txt/ });
  t.throws(() => withPaths.render("{{ lookup('nosuch', 'x') }}", VARS), { message: /lookup plugin \(nosuch\) not found/ });
});

test('globals: range and dict', (t) => {
  yields(t, '{{ range(3) }}', [0, 1, 2]);
  yields(t, '{{ range(1, 10, 3) }}', [1, 4, 7]);
  yields(t, '{{ range(3, 0, -1) }}', [3, 2, 1]);
  yields(t, '{{ dict(a=1, b=2) }}', { a: 1, b: 2 });
  yields(t, "{{ dict(['a', 'b'] | zip([1, 2])) }}", { a: 1, b: 2 });
});

test('each distinct template is compiled once and rendering is fast', (t) => {
  const fresh = new Templar();
  const vars = { a: 'x' };
  for (let i = 0; i < 1000; i++) fresh.render('{{ a }}', vars);
  const started = process.hrtime.bigint();
  for (let i = 0; i < 10000; i++) fresh.render('{{ a }}', vars);
  const microseconds = Number(process.hrtime.bigint() - started) / 1000 / 10000;
  // measured at well under 1 µs; the bound only catches recompiling on every call
  t.true(microseconds < 50, `${microseconds} µs per render`);
});

test('evaluate accepts a literal {{ inside a string', (t) => {
  t.is(templar.evaluate("'{{' in '{{ x'", VARS), true);
});

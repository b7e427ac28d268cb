import test from 'ava';
import { TemplateError } from '../../../src/errors.js';
import { renders, templar, VARS } from './helpers.js';

function failure(template: string, where = { file: 'roles/etcd/templates/etcd.service.j2', line: 1 }): TemplateError {
  try {
    templar.render(template, VARS, where);
  } catch (err) {
    if (err instanceof TemplateError) return err;
    throw err;
  }
  throw new Error(`no error from ${template}`);
}

const strictCases: Array<[string, RegExp]> = [
  ['{{ nope }}', /^'nope' is undefined$/],
  ['{{ conf.nope }}', /^'conf' has no attribute 'nope'$/],
  ["{{ conf['nope'] }}", /^'conf' has no attribute 'nope'$/],
  ['{{ conf.tls.nope }}', /^'conf.tls' has no attribute 'nope'$/],
  ['{{ nope.a.b }}', /^'nope' is undefined$/],
  ['{{ numbers[7] }}', /^'numbers' has no element 7$/],
  ["{{ hostvars['etcd3'].ansible_host }}", /has no attribute 'ansible_host'/],
  ['{{ nope | upper }}', /'nope' is undefined/],
  ['{{ nope + 1 }}', /'nope' is undefined/],
  ['{{ "x" ~ nope }}', /'nope' is undefined/],
  ['{% if nope %}x{% endif %}', /'nope' is undefined/],
  ['{% for x in nope %}{% endfor %}', /'nope' is undefined/],
  ['{{ nope() }}', /'nope' is undefined/],
  ['{{ nope == 1 }}', /'nope' is undefined/],
  ['{{ [1, nope] }}', /'nope' is undefined/],
  ['{{ nope is version("1", ">") }}', /'nope' is undefined/],
  ['{{ "a" if false }}', /inline if-expression on line 1 evaluated to false/],
];

test('undefined variables and attributes fail and name what was missing', (t) => {
  for (const [template, message] of strictCases) {
    const err = failure(template);
    t.regex(err.message, message, template);
    t.is(err.kind, 'template');
  }
});

test('the error names the file and the line, counted from where the template starts', (t) => {
  const err = failure('line one\nline two {{ port }}\n{% if enabled %}\n  x = {{ conf.missing }}\n{% endif %}\n', { file: 'tasks/main.yml', line: 20 });
  t.deepEqual(err.pos, { file: 'tasks/main.yml', line: 23 });
  t.is(err.excerpt, '    x = {{ conf.missing }}');
  t.is(err.describe().split('\n')[0], "tasks/main.yml:23: 'conf' has no attribute 'missing'");
});

test('a template file without a start line reports its own line numbers', (t) => {
  const err = t.throws(() => templar.render('a\nb\n{{ nope }}', VARS, { file: 'etcd.conf.j2' }), { instanceOf: TemplateError });
  t.deepEqual(err!.pos, { file: 'etcd.conf.j2', line: 3 });
});

test('without a position the message carries the template line', (t) => {
  t.throws(() => templar.render('a\n{{ nope }}', VARS), { message: "'nope' is undefined (line 2 of the template)" });
});

test('parse errors name the line too', (t) => {
  const unknownTag = failure('ok\n{% bogus %}\n', { file: 'x.j2', line: 1 });
  t.regex(unknownTag.message, /unknown block tag: bogus/);
  t.is(unknownTag.pos?.line, 2);
  const unclosed = failure('a\nb\n{{ port ', { file: 'x.j2', line: 1 });
  t.is(unclosed.pos?.line, 3);
  t.regex(failure('{% if x %}').message, /expected elif, else, or endif|unexpected end of file/);
  t.regex(failure('{{ port | nosuchfilter }}').message, /no filter named 'nosuchfilter'/);
  t.regex(failure('{{ port is nosuchtest }}').message, /no test named 'nosuchtest'/);
});

test('errors from filters and methods become TemplateErrors with the line', (t) => {
  const err = failure('\n{{ "a" + 1 }}', { file: 'f', line: 5 });
  t.regex(err.message, /unsupported operand type\(s\) for \+: 'str' and 'int'/);
  t.is(err.pos?.line, 6);
  t.regex(failure('{{ port | from_json }}').message, /from_json expects a string/);
  t.regex(failure('{{ 1 / 0 }}').message, /division by zero/);
});

test('default and d replace undefined values, and falsy ones when asked', (t) => {
  renders(t, "{{ nope | default('a') }}", 'a');
  renders(t, "{{ nope | d('a') }}", 'a');
  renders(t, '{{ nope | default }}', '');
  renders(t, "{{ nope.deeper.still | default('deep') }}", 'deep');
  renders(t, "{{ conf.nope | default('attr') }}", 'attr');
  renders(t, "{{ hostvars['etcd3']['ansible_host'] | default('etcd3') }}", 'etcd3');
  renders(t, "{{ empty_string | default('a') }}", '');
  renders(t, "{{ empty_string | default('a', true) }}", 'a');
  renders(t, "{{ empty_list | default(['x'], true) }}", "['x']");
  renders(t, "{{ disabled | default('a', boolean=true) }}", 'a');
  renders(t, "{{ nothing | default('a') }}", '');
  renders(t, "{{ nothing | default('a', true) }}", 'a');
  renders(t, "{{ port | default('a') }}", '2379');
});

test('defined, undefined and none tests accept undefined values', (t) => {
  renders(t, '{{ nope is defined }} {{ nope is undefined }} {{ nope is not defined }}', 'False True True');
  renders(t, '{{ conf.nope is defined }} {{ conf.tls is defined }} {{ nope.a.b is defined }}', 'False True False');
  renders(t, '{{ nothing is none }} {{ nope is none }} {{ port is none }}', 'True False False');
  renders(t, "{% if nope is defined and nope %}x{% else %}y{% endif %}", 'y');
  renders(t, "{{ nope is defined and nope }}", 'False');
  renders(t, "{{ port is defined or nope }}", 'True');
});

test('mandatory fails on undefined with its message', (t) => {
  t.throws(() => templar.render('{{ nope | mandatory }}', VARS), { message: "Mandatory variable 'nope'  not defined." });
  t.throws(() => templar.render('{{ conf.nope | mandatory }}', VARS), { message: "Mandatory variable 'nope'  not defined." });
  t.throws(() => templar.render('{{ nope | mandatory("set nope") }}', VARS), { message: /set nope/ });
  renders(t, '{{ port | mandatory }}', '2379');
});

test('Object.prototype members are not variables or attributes', (t) => {
  t.throws(() => templar.render('{{ constructor }}', VARS), { message: /'constructor' is undefined/ });
  t.throws(() => templar.render('{{ conf.toString }}', VARS), { message: /has no attribute 'toString'/ });
});

test('a filter or lookup Ansible has and ezplay does not is named as unsupported, with its collection', (t) => {
  const cases: Array<[template: string, message: RegExp]> = [
    ['{{ x | from_csv }}', /'from_csv' is a filter of the community\.general collection, which ezplay does not ship/],
    ['{{ x | community.general.from_csv }}', /'community\.general\.from_csv' is a filter of the community\.general collection/],
    ['{{ "C:\\\\x" | win_basename }}', /'win_basename' is an ansible\.builtin filter that ezplay does not support yet/],
    ["{{ lookup('csvfile', 'key file=a.csv') }}", /'csvfile' is an ansible\.builtin lookup that ezplay does not support yet/],
    ["{{ lookup('community.general.dig', 'example.com') }}", /is a lookup of the community\.general collection, which ezplay does not ship/],
  ];
  for (const [template, message] of cases) t.throws(() => templar.render(template, { x: {} }), { message }, template);
});

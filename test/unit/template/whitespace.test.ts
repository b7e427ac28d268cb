/** Template text as Jinja 3 reads it with Ansible's trim_blocks: comments, raw blocks, `#jinja2:` headers. */
import test from 'ava';
import { templar } from './helpers.js';
import type { LexerOptions } from '../../../src/template/parser.js';

type LexerSettings = Partial<LexerOptions>;

// expected outputs as Jinja2 renders them (trim_blocks on), with Ansible's trailing newlines kept
const files: Array<[string, string]> = [
  ['a\n{# c #}\nb\n', 'a\nb\n'],
  ['a {# c #} b\n', 'a  b\n'],
  ['a\n  {# c #}\nb', 'a\n  b'],
  ['x {#- c -#}   y', 'xy'],
  ['{% raw %}{{ x }}{% endraw %}\nb\n', '{{ x }}b\n'],
  ['{% raw %}\n{{ x }}\n{% endraw %}\nb', '\n{{ x }}\nb'],
  ['{% raw %}{% raw %}{{ x }}{% endraw %}', '{% raw %}{{ x }}'],
  ['a {%- raw %} {{ x }} {% endraw -%}  b', 'a {{ x }} b'],
  ['#jinja2: lstrip_blocks: True\n  {% if true %}\nyes\n  {% endif %}\nend\n', 'yes\nend\n'],
  ['#jinja2:trim_blocks: False\n{% if true %}\nyes\n{% endif %}\n', '\nyes\n'],
  ['#jinja2: trim_blocks: True, lstrip_blocks: True\n    {% for i in [1, 2] %}\n{{ i }}\n    {% endfor %}\n', '1\n2\n'],
  ['{% if true %}\nyes\n{% endif %}\n', 'yes\n'],
  ['{{ "x" }}\n\n', 'x\n\n'],
  ['#jinja2: trim_blocks: False\nplain text\n', 'plain text\n'],
];

test('template files keep and drop line breaks as Jinja does', (t) => {
  for (const [text, expected] of files) t.is(templar.render(text, {}, undefined, true), expected, JSON.stringify(text));
});

// the template module's delimiter and whitespace arguments; outputs as ansible-playbook 2.14 wrote them
const DELIMITED = 'a [# c #] b\n[% if x %]\n  [% raw %]{{ keep }}[% endraw %]\nv=<< x >> {{ x }}\n[% endif %]\n    {% if x %}\nend\n';
const settings: Array<[string, LexerSettings, string]> = [
  [
    DELIMITED,
    { tags: { blockStart: '[%', blockEnd: '%]', variableStart: '<<', variableEnd: '>>', commentStart: '[#', commentEnd: '#]' } },
    'a  b\n  {{ keep }}v=1 {{ x }}\n    {% if x %}\nend\n',
  ],
  ['  {% if x %}\nL\n  {% endif %}\n', { lstripBlocks: true }, 'L\n'],
  ['  {% if x %}\nL\n  {% endif %}\n', { trimBlocks: false }, '  \nL\n  \n'],
  // the file's own header wins over the task's settings
  ['#jinja2: variable_start_string: "((", variable_end_string: "))"\n((x)) {{x}}\n', {}, '1 {{x}}\n'],
  ['#jinja2: variable_start_string: "((", variable_end_string: "))"\n((x)) <<x>>\n', { tags: { variableStart: '<<', variableEnd: '>>' } }, '1 <<x>>\n'],
  // a text holding only the task's own delimiters is still a template
  ['v=<<x>>\n', { tags: { variableStart: '<<', variableEnd: '>>' } }, 'v=1\n'],
];

test("the template module's delimiters and whitespace settings", (t) => {
  for (const [text, syntax, expected] of settings) t.is(templar.render(text, { x: 1 }, undefined, true, syntax), expected, JSON.stringify([text, syntax]));
});

// line statements and line comments; outputs as Jinja 3 renders them, with Ansible's trailing newlines
const linePrefixed: Array<[string, string]> = [
  ['#jinja2: line_statement_prefix: ":"\n: if true\nfoo\n: endif\n', 'foo\n'],
  ['#jinja2: line_statement_prefix: "%"\na\n  % for i in [1, 2]\n{{ i }}\n  % endfor\nb\n', 'a\n1\n2\nb\n'],
  ['#jinja2: line_comment_prefix: "##"\nk=1 ## the port\n## whole line\nv={{ x }}\n', 'k=1\n\nv=1\n'],
  ['#jinja2: line_statement_prefix: "#", line_comment_prefix: "##"\n# if x\nyes ## note\n# endif\n', 'yes\n'],
];

test("a #jinja2: header's line statement and line comment prefixes", (t) => {
  for (const [text, expected] of linePrefixed) t.is(templar.render(text, { x: 1 }, undefined, true), expected, JSON.stringify(text));
});

test('a #jinja2: header with an unknown setting is refused', (t) => {
  t.throws(() => templar.render('#jinja2: newline_sequence: "\\r\\n"\n{{ x }}', {}, undefined, true), { message: /not supported/ });
  t.throws(() => templar.render('#jinja2: trim_blocks False\n{{ x }}', {}, undefined, true), { message: /colon as key-value separator/ });
});

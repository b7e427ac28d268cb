/** Template text as Jinja 3 reads it with Ansible's trim_blocks: comments, raw blocks, `#jinja2:` headers. */
import test from 'ava';
import { templar } from './helpers.js';

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

test('a #jinja2: header with an unknown setting is refused', (t) => {
  t.throws(() => templar.render('#jinja2: variable_start_string: "[%"\n{{ x }}', {}, undefined, true), { message: /not supported/ });
  t.throws(() => templar.render('#jinja2: trim_blocks False\n{{ x }}', {}, undefined, true), { message: /colon as key-value separator/ });
});

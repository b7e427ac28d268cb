/**
 * Documents read as PyYAML 6 (Ansible's parser) reads them: the expected
 * values below are what `yaml.safe_load` returns for each text, and
 * `refused` marks a text PyYAML refuses.
 */
import test from 'ava';
import { LoadError } from '../../../src/errors.js';
import { parseYaml, unsafeText } from '../../../src/load/yaml.js';
import { Templar } from '../../../src/template/index.js';

const refused = Symbol('refused');

const cases: Array<[name: string, text: string, expected: unknown]> = [
  ['tab after an escaped line break', 'shell: "a && \\\n\tb"\n', { shell: 'a && b' }],
  ['tab-started continuation line', 'shell: "a &&\n\tb"\n', { shell: 'a && b' }],
  ['spaces then a tab', 'x:\n  shell: "a &&\n  \tb"\n', { x: { shell: 'a && b' } }],
  [
    'kubeasz task',
    '- name: restart\n  shell: "systemctl daemon-reload && \\\n\tsystemctl restart kube-apiserver"\n  tags: upgrade\n',
    [{ name: 'restart', shell: 'systemctl daemon-reload && systemctl restart kube-apiserver', tags: 'upgrade' }],
  ],
  ['several tab lines', '- shell: "cd /x && \\\n\tA=1 b \\\n\t--name c \\\n\t--d e"\n', [{ shell: 'cd /x && A=1 b --name c --d e' }]],
  ['continuation under the indentation', 'x:\n  y: "a\nb"\n', { x: { y: 'a b' } }],
  ['blank line is a newline, tabs stripped', 'x:\n  y: "a\n\n\t\tb  \n\tc"\n', { x: { y: 'a\nb c' } }],
  ['single-quoted with tabs', "x:\n  y: 'a\n\n\t\tb  \n\tc'\n", { x: { y: 'a\nb c' } }],
  ['a dash after the tab is text', '- x: "a\n\t-b"\n', [{ x: 'a -b' }]],
  ['a hash after the tab is text', '- x: "a\n\t# c\nb"\n', [{ x: 'a # c b' }]],
  ['a marker after the tab is text', 'x: "a\n\t---\nb"\n', { x: 'a --- b' }],
  ['in a flow sequence', '- [ "a\nb", c ]\n', [['a b', 'c']]],
  ['in a flow mapping', '- { k: "a\n\tb" }\n', [{ k: 'a b' }]],
  ['the next key after a multi-line scalar', 'a: "x\n\ty"\nb: 2\n', { a: 'x y', b: 2 }],
  ['escaped tab kept', 'a: "x\\t\n\ty"\n', { a: 'x\t y' }],
  ['escaped space before a break kept', 'a: "x\\ \n\ty"\n', { a: 'x  y' }],
  ['document marker inside a quoted scalar', 'x:\n  y: "a\n---\nb"\n', refused],
  ['document end inside a quoted scalar', 'x: "a\n...\nb"\n', refused],
  ['unterminated double quote', 'a: "unterminated\nb: 2\n', refused],
  ['unterminated single quote', "a: 'unterminated\nb: 2\n", refused],
  ['tab-indented plain continuation', 'x: a\n\tb\n', refused],
  ['tab after spaces in plain continuation', '- x: a\n  \tb\n', refused],
  ['tab as block indentation', 'x:\n\ty: 1\n', refused],
];

for (const [name, text, expected] of cases) {
  test(`PyYAML reading: ${name}`, (t) => {
    if (expected === refused) {
      const error = t.throws(() => parseYaml(text, 'doc.yml'), { instanceOf: LoadError });
      t.is(error?.pos?.file, 'doc.yml');
      t.true(typeof error?.pos?.line === 'number' && error.pos.line >= 1);
    } else {
      t.deepEqual(parseYaml(text, 'doc.yml'), expected);
    }
  });
}

test('!unsafe text is never a template: it renders back to exactly what was written', (t) => {
  const templar = new Templar();
  const doc = parseYaml("a: !unsafe 'foo{{ version }}'\nb: !unsafe {c: ['{% if x %}', plain]}\nd: !unsafe 'x{% endraw %}y{{ z }}'\ne: !unsafe plain\n", 'f.yml') as Record<string, unknown>;
  const vars = { version: '1.0' };
  t.is(templar.renderValue(doc.a, vars), 'foo{{ version }}');
  t.deepEqual(templar.renderValue(doc.b, vars), { c: ['{% if x %}', 'plain'] });
  t.is(templar.renderValue(doc.d, vars), 'x{% endraw %}y{{ z }}');
  t.is(doc.e, 'plain', 'text without template marks is kept as it is');
  t.is(unsafeText('{#'), '{% raw %}{#{% endraw %}');
});

import test from 'ava';
import { replaceText } from '../../../src/modules/replace.js';

const FILE = 'a=1\nb=2\n# BEGIN\nc=3\nd=4\n# END\ne=5\n';

const cases: Array<{ title: string; args: { regexp: string; replace: string; after?: string; before?: string }; text?: string; out?: string; msg?: string }> = [
  { title: 'every match, multiline anchors', args: { regexp: '^(\\w)=(\\d)$', replace: '\\1 = \\2' }, out: 'a = 1\nb = 2\n# BEGIN\nc = 3\nd = 4\n# END\ne = 5\n', msg: '5 replacements made' },
  { title: 'named groups', args: { regexp: '^(?P<k>[ab])=', replace: '\\g<k>:' }, out: 'a:1\nb:2\n# BEGIN\nc=3\nd=4\n# END\ne=5\n' },
  { title: 'empty replace removes', args: { regexp: '^e=5\\n', replace: '' }, out: 'a=1\nb=2\n# BEGIN\nc=3\nd=4\n# END\n' },
  { title: 'between after and before only', args: { regexp: '=', replace: ':', after: 'BEGIN', before: 'END' }, out: 'a=1\nb=2\n# BEGIN\nc:3\nd:4\n# END\ne=5\n', msg: '2 replacements made' },
  { title: 'after only', args: { regexp: '=', replace: ':', after: '# END' }, out: 'a=1\nb=2\n# BEGIN\nc=3\nd=4\n# END\ne:5\n' },
  { title: 'before only', args: { regexp: '=', replace: ':', before: '# BEGIN' }, out: 'a:1\nb:2\n# BEGIN\nc=3\nd=4\n# END\ne=5\n' },
  { title: 'no match: no change', args: { regexp: 'zzz', replace: 'y' }, msg: '' },
  { title: 'replacement equal to the match: no change', args: { regexp: 'a=1', replace: 'a=1' }, msg: '' },
  { title: 'section pattern not found: no change, said so', args: { regexp: '=', replace: ':', after: 'NOPE' }, msg: 'Pattern for before/after params did not match the given file: NOPE(?P<subsection>.*)' },
  { title: 'dot does not cross lines', args: { regexp: 'b.*c', replace: 'x' }, msg: '' },
  { title: '$ before the final newline only in multiline', text: 'x\n', args: { regexp: 'x$', replace: 'y' }, out: 'y\n' },
];

for (const c of cases) {
  test(`replace: ${c.title}`, (t) => {
    const text = c.text ?? FILE;
    const result = replaceText(text, c.args);
    t.is(result.text, c.out ?? text);
    t.is(result.changed, c.out !== undefined);
    if (c.msg !== undefined) t.is(result.msg, c.msg);
  });
}

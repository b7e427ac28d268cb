import test from 'ava';
import { parsePlayVarsFile, parseVarsFile } from '../../../src/load/vars-file.js';

const cases: Array<{ name: string; text: string; want: Record<string, unknown> | RegExp }> = [
  { name: 'a mapping', text: 'a: 1\nb: two\n', want: { a: 1, b: 'two' } },
  { name: 'an empty file', text: '', want: {} },
  { name: 'a list of mappings merges in order', text: '- a: 1\n  b: 1\n- b: 2\n', want: { a: 1, b: 2 } },
  { name: 'an empty list', text: '[]\n', want: {} },
  { name: 'a list holding a scalar', text: '- a: 1\n- oops\n', want: /must hold a mapping of variables or a list of mappings/ },
  { name: 'a scalar', text: 'just text\n', want: /must be a mapping of variable names to values/ },
];

for (const c of cases) {
  test(`vars_files entry: ${c.name}`, (t) => {
    if (c.want instanceof RegExp) {
      t.throws(() => parsePlayVarsFile(c.text, 'v.yml'), { message: c.want });
    } else {
      t.deepEqual({ ...parsePlayVarsFile(c.text, 'v.yml') }, c.want);
    }
  });
}

test('other variables files still refuse a list', (t) => {
  t.throws(() => parseVarsFile('- a: 1\n', 'group_vars/all.yml'), { message: /must be a mapping of variable names to values/ });
});

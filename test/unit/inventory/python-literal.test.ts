import test from 'ava';
import { iniValue, parsePythonLiteral } from '../../../src/inventory/index.js';
import { shlexSplit as split } from '../../../src/shell/shlex.js';
const shlexSplit = (line: string) => split(line, { comments: true });

const cases: Array<[string, unknown]> = [
  ['22', 22],
  ['-5', -5],
  ['1_000', 1000],
  ['0x1F', 31],
  ['0o700', 448],
  ['1.5', 1.5],
  ['1e3', 1000],
  ['True', true],
  ['False', false],
  ['None', null],
  ["'master-01'", 'master-01'],
  ['"6443"', '6443'],
  ["''", ''],
  ['"a" \'b\'', 'ab'],
  ['"tab\\there"', 'tab\there'],
  ["r'\\d+'", '\\d+'],
  ['[1, "two", [3]]', [1, 'two', [3]]],
  ['(1, 2)', [1, 2]],
  ['(1,)', [1]],
  ['(7)', 7],
  ['{"a": 1, 2: [True]}', { a: 1, '2': [true] }],
  ['{1, 2}', [1, 2]],
  ['8080 # a comment, as Python reads it', 8080],
];

for (const [text, value] of cases) {
  test(`Python literal ${text}`, (t) => {
    t.deepEqual(parsePythonLiteral(text), { ok: true, value });
  });
}

// what literal_eval refuses stays the text it was, as Ansible keeps it
const notLiterals = [
  'master-01',
  '/opt/kube/bin',
  '10.68.0.0/16',
  '30000-32767',
  '10-5',
  '0700',
  'FALSE',
  'true',
  'yes',
  '{{ base_dir }}/clusters',
  '1j',
  'f"x"',
  "'unterminated",
  '',
  '9007199254740993',
];

for (const text of notLiterals) {
  test(`not a Python literal: ${JSON.stringify(text)}`, (t) => {
    t.deepEqual(parsePythonLiteral(text), { ok: false });
    t.is(iniValue(text), text);
  });
}

test('shlex removes quotes and stops at # outside quotes', (t) => {
  t.deepEqual(shlexSplit(`h1 a='x y' b="q\\"d" c=1#tail`), ['h1', 'a=x y', 'b=q"d', 'c=1']);
  t.deepEqual(shlexSplit(`h1 pw="'03#pa33w0rd'" empty=''`), ['h1', "pw='03#pa33w0rd'", 'empty=']);
  t.deepEqual(shlexSplit('  # only a comment'), []);
  t.throws(() => shlexSplit(`h1 a='open`), { message: /No closing quotation/ });
});

test('double quoting keeps a value a string, as the Ansible docs advise', (t) => {
  const [, assignment] = shlexSplit(`h1 mysecret="'03#pa33w0rd'"`);
  t.is(iniValue(assignment!.split('=')[1]!), '03#pa33w0rd');
  const [, port] = shlexSplit(`h1 port='22'`);
  t.is(iniValue(port!.split('=')[1]!), 22, "single quotes alone are removed by the shell split, so '22' is a number");
});

/** Python patterns in JavaScript, and re.error's own words for the patterns Python refuses. */
import test from 'ava';
import { pythonRegex } from '../../../src/template/python-regex.js';
import { pythonRegexError } from '../../../src/template/python-regex-errors.js';

// what Python 3.11's re.compile says of each, captured from it
const refused: Array<[string, string]> = [
  ['*', 'nothing to repeat at position 0'],
  ['+a', 'nothing to repeat at position 0'],
  ['a|*', 'nothing to repeat at position 2'],
  ['(*)', 'nothing to repeat at position 1'],
  ['^*', 'nothing to repeat at position 1'],
  ['\\b*', 'nothing to repeat at position 2'],
  ['a**', 'multiple repeat at position 2'],
  ['a+++', 'multiple repeat at position 3'],
  ['a???', 'multiple repeat at position 3'],
  ['\\d**', 'multiple repeat at position 3'],
  ['(a', 'missing ), unterminated subpattern at position 0'],
  ['(?P<a>x', 'missing ), unterminated subpattern at position 0'],
  ['(?P<a', 'missing >, unterminated name at position 4'],
  ['a)', 'unbalanced parenthesis at position 1'],
  ['[a', 'unterminated character set at position 0'],
  ['x{2,1}', 'min repeat greater than max repeat at position 2'],
  ['\\', 'bad escape (end of pattern) at position 0'],
  ['(?z)a', 'unknown extension ?z at position 1'],
  ['a(?i)b', 'global flags not at the start of the expression at position 1'],
  ['(?#c)*', 'nothing to repeat at position 5'],
];

const accepted = ['a{,2}', 'a+?', 'a*+', 'a{2}?', 'a??', '(?i)a*', '[]a]', '[^]a]*', 'a{', 'a{x}*', '(?:a)+', '(?P<n>a)(?P=n)*', 'a(?#c)*', '(?=a)*', '(?i:a)*', '(?<=a)b'];

test('the patterns Python refuses get re.error\'s message and position', (t) => {
  for (const [pattern, message] of refused) {
    t.is(pythonRegexError(pattern), message, pattern);
    t.throws(() => pythonRegex(pattern), { message: `invalid regular expression ${JSON.stringify(pattern)}: ${message}` }, pattern);
  }
});

test('the patterns Python accepts are not flagged', (t) => {
  for (const pattern of accepted) t.is(pythonRegexError(pattern), undefined, pattern);
});

test('Python-only syntax is translated', (t) => {
  const cases: Array<[string, string, boolean]> = [
    ['^a{,2}$', 'aa', true],
    ['^a{,2}$', 'aaa', false],
    ['^ab(?#a comment)c$', 'abc', true],
    ['(?x) ^a  b # spaces and comments go\n c$', 'abc', true],
    ['(?x)^a[ ]b$', 'a b', true],
    ['(?P<x>a)(?P=x)', 'aa', true],
    ['\\Aab\\Z', 'ab', true],
  ];
  for (const [pattern, text, matches] of cases) t.is(pythonRegex(pattern).test(text), matches, `${pattern} on ${text}`);
});

import test from 'ava';
import { parseKeyValue } from '../../../src/common/kv.js';

// command/shell free forms and what ansible-playbook 2.14 registered as `cmd` for them
const cases: Array<[string, string, Record<string, unknown>]> = [
  [
    'a backslash line continuation outside quotes joins the lines; line breaks inside quotes and at the end stay',
    'echo this is a \\\n"multiline echo" \\\n"with a new line\nin quotes" \\\n| cat\necho "second"  \\\n  x\n',
    { cmd: 'echo this is a "multiline echo" "with a new line\nin quotes" | cat\necho "second"   x\n' },
  ],
  ['a lone backslash mid-line is dropped', "printf '%s\\n' a \\ b", { cmd: "printf '%s\\n' a b" }],
  ['known options are taken out; runs of spaces stay', 'chdir=/tmp echo -l  /x', { chdir: '/tmp', cmd: 'echo -l  /x' }],
  ['templates and quotes keep their spaces', `echo {{ "p  q" }}  'r   s' "t \\" u" done`, { cmd: `echo {{ "p  q" }}  'r   s' "t \\" u" done` }],
  ['a word that is not an option of the module stays in the command', 'FOO=1 env creates=/x', { creates: '/x', cmd: 'FOO=1 env' }],
];

for (const [title, text, expected] of cases) {
  test(`free form with a raw parameter: ${title}`, (t) => {
    t.deepEqual(parseKeyValue(text, { rawParam: 'cmd', knownKeys: new Set(['chdir', 'creates', 'removes']) }), expected);
  });
}

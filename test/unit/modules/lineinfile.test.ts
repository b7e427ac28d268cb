import test from 'ava';
import { moduleTable } from '../../helpers/module-table.js';
import { expandBackrefs, lineInFile, pythonRegex, splitLinesKeep, type LineInFileOptions } from '../../../src/modules/line-edits.js';
import { emptyPatternWarnings, lineinfileModule } from '../../../src/modules/lineinfile.js';
import { absent, checks, pathsProbe, present, restores, writes } from './core-modules-harness.js';

type Row = [title: string, before: string, options: Partial<LineInFileOptions>, after: string, msg: string];

const rows: Row[] = [
  ['appends a missing line', 'a\nb\n', { line: 'c' }, 'a\nb\nc\n', 'line added'],
  ['adds the missing newline first', 'a\nb', { line: 'c' }, 'a\nb\nc\n', 'line added'],
  ['line present: nothing', 'a\nc\nb\n', { line: 'c' }, 'a\nc\nb\n', ''],
  ['regexp replaces the last match', 'x=1\ny=2\nx=3\n', { regexp: '^x=', line: 'x=9' }, 'x=1\ny=2\nx=9\n', 'line replaced'],
  ['firstmatch replaces the first', 'x=1\nx=3\n', { regexp: '^x=', line: 'x=9', firstmatch: true }, 'x=9\nx=3\n', 'line replaced'],
  ['regexp matching the wanted line: nothing', 'x=9\n', { regexp: '^x=', line: 'x=9' }, 'x=9\n', ''],
  ['$ matches before the newline, as in Python', 'port 22\n', { regexp: '^port 22$', line: 'port 2222' }, 'port 2222\n', 'line replaced'],
  ['no regexp match: appended', 'a\n', { regexp: '^x=', line: 'x=1' }, 'a\nx=1\n', 'line added'],
  ['insertafter a regex', 'a\n[main]\nb\n', { line: 'k=v', insertafter: '^\\[main\\]' }, 'a\n[main]\nk=v\nb\n', 'line added'],
  ['insertafter: already after the anchor', 'a\n[main]\nk=v\n', { line: 'k=v', insertafter: '^\\[main\\]' }, 'a\n[main]\nk=v\n', ''],
  ['insertafter the last line', 'a\n[main]', { line: 'k=v', insertafter: '^\\[main\\]' }, 'a\n[main]\nk=v\n', 'line added'],
  ['insertafter with no match: end of file', 'a\n', { line: 'k=v', insertafter: '^nope' }, 'a\nk=v\n', 'line added'],
  ['insertbefore a regex', 'a\nb\n', { line: 'z', insertbefore: '^b' }, 'a\nz\nb\n', 'line added'],
  ['insertbefore BOF', 'a\n', { line: '#!/bin/sh', insertbefore: 'BOF' }, '#!/bin/sh\na\n', 'line added'],
  ['backrefs', 'ETCD_NAME="old"\n', { regexp: '^ETCD_NAME="(.*)"$', line: 'ETCD_NAME="\\1-x"', backrefs: true }, 'ETCD_NAME="old-x"\n', 'line replaced'],
  ['backrefs without a match: file untouched', 'a\n', { regexp: '^b(.*)', line: '\\1', backrefs: true }, 'a\n', ''],
  ['named groups in Python syntax', 'v=1\n', { regexp: '^v=(?P<n>\\d)$', line: 'v=\\g<n>\\g<n>', backrefs: true }, 'v=11\n', 'line replaced'],
  ['search_string replaces the line containing it', 'a\nlisten 80\n', { search_string: 'listen', line: 'listen 8080' }, 'a\nlisten 8080\n', 'line replaced'],
  ['creating: first line of an empty file', '', { line: 'a' }, 'a\n', 'line added'],
  ['absent by line', 'a\nb\na\n', { state: 'absent', line: 'a' }, 'b\n', '2 line(s) removed'],
  ['absent by regexp', 'x=1\ny\nx=2\n', { state: 'absent', regexp: '^x=' }, 'y\n', '2 line(s) removed'],
  ['absent: nothing to remove', 'y\n', { state: 'absent', regexp: '^x=' }, 'y\n', ''],
];

for (const [title, before, options, after, msg] of rows) {
  test(`lineInFile: ${title}`, (t) => {
    const result = lineInFile(before, { state: 'present', ...options });
    t.is(result.text, after);
    t.is(result.msg, msg);
    t.is(result.changed, after !== before);
    // Applying the result again is a no-op: every row is idempotent.
    if (!options.backrefs || result.changed === false) t.false(lineInFile(after, { state: 'present', ...options }).changed);
  });
}

test('splitLinesKeep keeps endings, like splitlines(True)', (t) => {
  t.deepEqual(splitLinesKeep('a\r\nb\rc\nd'), ['a\r\n', 'b\r', 'c\n', 'd']);
  t.deepEqual(splitLinesKeep(''), []);
});

test('Python regex syntax translates', (t) => {
  t.true(pythonRegex('(?i)^HELLO').test('hello'));
  t.true(pythonRegex('(?P<a>x)(?P=a)').test('xx'));
  t.is(expandBackrefs('\\2-\\1\\n', /(a)(b)/.exec('ab') as RegExpExecArray), 'b-a\n');
});

const file = (content: string) => [pathsProbe(present(0, { content, withContent: true }))];
const MISSING = [pathsProbe(absent(0, '/etc'))];

moduleTable([
  {
    name: 'one probe fetches stat and content; undo restores',
    module: lineinfileModule,
    args: { path: '/etc/hosts', line: '10.0.0.1 etcd1' },
    facts: file('a\n'),
    expect: {
      changed: true,
      reads: 1,
      diff: [{ before: 'a\n', after: 'a\n10.0.0.1 etcd1\n', kind: 'content' }],
      msg: 'line added',
      result: { backup: '' },
      also: checks(writes('put /etc/hosts 644'), restores('/etc/hosts')),
    },
    after: file('a\n10.0.0.1 etcd1\n'),
  },
  {
    name: "backup: the user's copy is registered as `backup`, as lineinfile names it",
    module: lineinfileModule,
    args: { path: '/etc/hosts', line: '10.0.0.1 etcd1', backup: true },
    facts: file('a\n'),
    undoReplay: "the user's backup is named by the time it is taken: planned again, it has another name",
    expect: { changed: true, also: (t, plan) => t.regex(String(plan.result?.backup), /^\/etc\/hosts\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/) },
    after: file('a\n10.0.0.1 etcd1\n'),
  },
  { name: 'idempotent', module: lineinfileModule, args: { path: '/etc/hosts', line: '10.0.0.1 etcd1' }, facts: file('a\n10.0.0.1 etcd1\n'), expect: { changed: false } },
  { name: 'a missing file needs create', module: lineinfileModule, args: { path: '/etc/x.conf', line: 'a' }, facts: MISSING, expect: { error: /does not exist/ } },
  { name: 'a missing file with state absent: nothing to do', module: lineinfileModule, args: { path: '/etc/x.conf', line: 'a', state: 'absent' }, facts: MISSING, expect: { changed: false } },
  {
    name: 'create makes the file; undo removes it',
    module: lineinfileModule,
    args: { path: '/etc/x.conf', line: 'a', create: true, mode: '0600' },
    facts: MISSING,
    expect: { changed: true, steps: ['put /etc/x.conf 600'], undo: ['rm -f -- /etc/x.conf'] },
    after: [pathsProbe(present(0, { content: 'a\n', mode: 0o600, withContent: true }))],
  },
  { name: 'insertafter and insertbefore are mutually exclusive', module: lineinfileModule, args: { path: '/x', line: 'a', insertafter: 'EOF', insertbefore: 'BOF' }, expect: { error: /mutually exclusive/ } },
  { name: 'line is required', module: lineinfileModule, args: { path: '/x' }, expect: { error: /line is required/ } },
  { name: 'backrefs needs regexp', module: lineinfileModule, args: { path: '/x', line: 'a', backrefs: true }, expect: { error: /regexp is required/ } },
]);

test("lineinfile: an empty regexp or search_string gets Ansible's warning", (t) => {
  t.deepEqual(emptyPatternWarnings({ regexp: '^a' }), []);
  t.deepEqual(emptyPatternWarnings({}), []);
  t.regex(emptyPatternWarnings({ regexp: '' })[0] ?? '', /^The regular expression is an empty string, .* use '\^' to match every line/);
  t.regex(emptyPatternWarnings({ search_string: '' })[0] ?? '', /^The search string is an empty string, .*rather than appending\.$/);
});

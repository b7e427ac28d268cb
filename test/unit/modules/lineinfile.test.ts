import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { expandBackrefs, lineInFile, pythonRegex, splitLinesKeep, type LineInFileOptions } from '../../../src/modules/line-edits.js';
import { lineinfileModule } from '../../../src/modules/lineinfile.js';
import { backupStep, restoreStep } from '../../../src/modules/kit/backup.js';
import { absent, answerFacts, describeSteps, planWith, present, RUN } from './core-modules-harness.js';

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

test('lineinfile module: one probe fetches stat and content; undo restores', async (t) => {
  const conn = answerFacts(new FakeConnection(), present(0, { content: 'a\n', withContent: true }));
  const plan = await planWith(lineinfileModule, conn, { path: '/etc/hosts', line: '10.0.0.1 etcd1' });
  t.is(conn.calls.length, 1);
  t.like(plan.diff?.[0], { before: 'a\n', after: 'a\n10.0.0.1 etcd1\n', kind: 'content' });
  t.is(describeSteps(plan.steps)[1], 'put /etc/hosts 644 root:root');
  t.is(plan.msg, 'line added');
  t.is(describeSteps(plan.undo)[0], (restoreStep(RUN, ['/etc/hosts']) as { command: string }).command);
  t.is(describeSteps(plan.steps)[0], (backupStep(RUN, ['/etc/hosts']) as { command: string }).command);
});

test('lineinfile module: idempotent', async (t) => {
  const conn = answerFacts(new FakeConnection(), present(0, { content: 'a\n10.0.0.1 etcd1\n', withContent: true }));
  t.false((await planWith(lineinfileModule, conn, { path: '/etc/hosts', line: '10.0.0.1 etcd1' })).changed);
});

test('lineinfile module: a missing file needs create', async (t) => {
  const missing = () => answerFacts(new FakeConnection(), absent(0, '/etc'));
  await t.throwsAsync(planWith(lineinfileModule, missing(), { path: '/etc/x.conf', line: 'a' }), { message: /does not exist/ });
  t.false((await planWith(lineinfileModule, missing(), { path: '/etc/x.conf', line: 'a', state: 'absent' })).changed);
  const plan = await planWith(lineinfileModule, missing(), { path: '/etc/x.conf', line: 'a', create: true, mode: '0600' });
  t.deepEqual(describeSteps(plan.steps), ['put /etc/x.conf 600']);
  t.deepEqual(describeSteps(plan.undo), ['rm -f -- /etc/x.conf']);
});

test('lineinfile module: argument conflicts', async (t) => {
  const conn = new FakeConnection();
  await t.throwsAsync(planWith(lineinfileModule, conn, { path: '/x', line: 'a', insertafter: 'EOF', insertbefore: 'BOF' }), { message: /mutually exclusive/ });
  await t.throwsAsync(planWith(lineinfileModule, conn, { path: '/x' }), { message: /line is required/ });
  await t.throwsAsync(planWith(lineinfileModule, conn, { path: '/x', line: 'a', backrefs: true }), { message: /regexp is required/ });
});

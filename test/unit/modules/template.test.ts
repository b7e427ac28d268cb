import path from 'node:path';
import test from 'ava';
import { FakeConnection } from '../../../src/connection/fake.js';
import { templateModule, withNewlines } from '../../../src/modules/template.js';
import { absent, answerFacts, describeSteps, planWith, present } from './core-modules-harness.js';

const ROLE = path.resolve('test/fixtures/core-modules/role');
const render = (text: string) => text.replace('{{ name }}', 'etcd1');

test('template: renders from templates/ and writes like copy', async (t) => {
  const conn = answerFacts(new FakeConnection(), absent(0, '/etc/etcd'));
  const plan = await planWith(templateModule, conn, { src: 'etcd.conf.j2', dest: '/etc/etcd/etcd.conf', mode: '0644' }, { roleDir: ROLE, render });
  t.is(plan.diff?.[0]?.after, 'name: etcd1\nport: 2379\n', 'rendered, with \\n line endings');
  t.deepEqual(describeSteps(plan.steps), ['put /etc/etcd/etcd.conf 644']);
  t.like(plan.result, { src: 'etcd.conf.j2', dest: '/etc/etcd/etcd.conf' });
});

test('template: idempotent when the rendered text is there', async (t) => {
  const conn = answerFacts(new FakeConnection(), present(0, { content: 'name: etcd1\nport: 2379\n' }));
  const plan = await planWith(templateModule, conn, { src: 'etcd.conf.j2', dest: '/etc/etcd/etcd.conf' }, { roleDir: ROLE, render });
  t.false(plan.changed);
  t.is(conn.calls.length, 1);
});

test('template: newline_sequence, escaped or not', (t) => {
  t.is(withNewlines('a\r\nb\nc', '\n'), 'a\nb\nc');
  t.is(withNewlines('a\nb\r\n', '\\r\\n'), 'a\r\nb\r\n');
  t.is(withNewlines('a\nb', '\r'), 'a\rb');
});

test('template: a missing template names where it looked', async (t) => {
  await t.throwsAsync(planWith(templateModule, new FakeConnection(), { src: 'nope.j2', dest: '/x' }, { roleDir: ROLE }), {
    message: /could not find 'nope.j2'/,
  });
});

import path from 'node:path';
import test from 'ava';
import { moduleTable } from '../../helpers/module-table.js';
import { templateModule, withNewlines } from '../../../src/modules/template.js';
import { absent, pathsProbe, present } from './core-modules-harness.js';

const ROLE = path.resolve('test/fixtures/core-modules/role');
const render = (text: string) => text.replace('{{ name }}', 'etcd1');

const RENDERED = 'name: etcd1\nport: 2379\n';

moduleTable([
  {
    name: 'renders from templates/ and writes like copy',
    module: templateModule,
    args: { src: 'etcd.conf.j2', dest: '/etc/etcd/etcd.conf', mode: '0644' },
    context: { roleDir: ROLE, render },
    facts: [pathsProbe(absent(0, '/etc/etcd'))],
    expect: {
      changed: true,
      steps: ['put /etc/etcd/etcd.conf 644'],
      result: { src: 'etcd.conf.j2', dest: '/etc/etcd/etcd.conf' },
      also: (t, plan) => t.is(plan.diff?.[0]?.after, RENDERED, 'rendered, with \\n line endings'),
    },
    after: [pathsProbe(present(0, { content: RENDERED, mode: 0o644 }))],
  },
  {
    name: 'idempotent when the rendered text is there',
    module: templateModule,
    args: { src: 'etcd.conf.j2', dest: '/etc/etcd/etcd.conf' },
    context: { roleDir: ROLE, render },
    facts: [pathsProbe(present(0, { content: RENDERED }))],
    expect: { changed: false, reads: 1, also: (t, _plan, host) => t.is(host.calls.length, 1) },
  },
  { name: 'a missing template names where it looked', module: templateModule, args: { src: 'nope.j2', dest: '/x' }, context: { roleDir: ROLE }, expect: { error: /could not find 'nope.j2'/ } },
]);

test('template: newline_sequence, escaped or not', (t) => {
  t.is(withNewlines('a\r\nb\nc', '\n'), 'a\nb\nc');
  t.is(withNewlines('a\nb\r\n', '\\r\\n'), 'a\r\nb\r\n');
  t.is(withNewlines('a\nb', '\r'), 'a\rb');
});


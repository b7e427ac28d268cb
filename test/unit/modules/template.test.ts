import { createHash } from 'node:crypto';
import path from 'node:path';
import test from 'ava';
import { moduleTable } from '../../helpers/module-table.js';
import { templateModule, withNewlines } from '../../../src/modules/template.js';
import { decodeText, encodeText } from '../../../src/modules/text-encoding.js';
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
      result: { src: 'etcd.conf.j2', dest: '/etc/etcd/etcd.conf', md5sum: createHash('md5').update(RENDERED).digest('hex') },
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
  {
    name: 'the delimiter and whitespace arguments reach the renderer',
    module: templateModule,
    args: { src: 'etcd.conf.j2', dest: '/etc/etcd/etcd.conf', comment_start_string: '[#', comment_end_string: '#]', variable_start_string: '<<', lstrip_blocks: true, trim_blocks: false },
    context: { roleDir: ROLE, render: (_text, template) => `${JSON.stringify(template?.syntax)}\n` },
    facts: [pathsProbe(absent(0, '/etc/etcd'))],
    expect: {
      changed: true,
      also: (t, plan) =>
        t.deepEqual(JSON.parse(String(plan.diff?.[0]?.after)), {
          trimBlocks: false,
          lstripBlocks: true,
          tags: { variableStart: '<<', commentStart: '[#', commentEnd: '#]' },
        }),
    },
    after: [pathsProbe(present(0, { content: '{"trimBlocks":false,"lstripBlocks":true,"tags":{"variableStart":"<<","commentStart":"[#","commentEnd":"#]"}}\n' }))],
  },
  {
    name: 'output_encoding writes the text in that encoding',
    module: templateModule,
    args: { src: 'etcd.conf.j2', dest: '/etc/etcd/etcd.conf', output_encoding: 'windows-1252' },
    context: { roleDir: ROLE, render: () => 'x €é\n' },
    facts: [pathsProbe(absent(0, '/etc/etcd'))],
    expect: {
      changed: true,
      also: (t, plan) => {
        const put = plan.steps?.find((s) => s.kind === 'put');
        t.is(put?.kind === 'put' && 'base64' in put.content ? put.content.base64 : undefined, Buffer.from([0x78, 0x20, 0x80, 0xe9, 0x0a]).toString('base64'));
      },
    },
    after: [pathsProbe(present(0, { sum: createHash('sha256').update(Buffer.from([0x78, 0x20, 0x80, 0xe9, 0x0a])).digest('hex') }))],
  },
  {
    name: 'follow: no replaces a dest that is a link with the file, as Ansible does, rather than writing through it',
    module: templateModule,
    args: { src: 'etcd.conf.j2', dest: '/etc/etcd/etcd.conf', follow: false },
    context: { roleDir: ROLE, render },
    facts: [pathsProbe(present(0, { content: 'old\n', real: '/srv/etcd.conf' }))],
    expect: {
      changed: true,
      also: (t, plan) => {
        t.true((plan.steps ?? []).some((s) => s.kind === 'put' && s.dest === '/etc/etcd/etcd.conf'), 'the link itself is replaced');
        t.false((plan.steps ?? []).some((s) => s.kind === 'put' && s.dest === '/srv/etcd.conf'), 'what it pointed to is left alone');
      },
    },
    notApplied: 'the fake host cannot tell a link from a file once replaced',
  },
  { name: 'a missing template names where it looked', module: templateModule, args: { src: 'nope.j2', dest: '/x' }, context: { roleDir: ROLE }, expect: { error: /could not find 'nope.j2'/ } },
]);

test('output_encoding: utf-8 by default, utf-16/32, latin-1, ascii, windows-1252; a missing character fails', (t) => {
  t.deepEqual([...encodeText('é€', '')], [0xc3, 0xa9, 0xe2, 0x82, 0xac]);
  t.deepEqual([...encodeText('é€', 'UTF-8')], [0xc3, 0xa9, 0xe2, 0x82, 0xac]);
  t.deepEqual([...encodeText('aé', 'latin-1')], [0x61, 0xe9]);
  t.deepEqual([...encodeText('€ŸÿA', 'cp1252')], [0x80, 0x9f, 0xff, 0x41]);
  t.throws(() => encodeText('€', 'latin-1'), { message: /'latin-1' codec can't encode character '€'/ });
  t.throws(() => encodeText('é', 'ascii'), { message: /can't encode/ });
  t.throws(() => encodeText('\u0081', 'windows-1252'), { message: /can't encode/ });
  t.throws(() => encodeText('a', 'ebcdic'), { message: /unknown encoding: ebcdic/ });
  // Python's plain utf-16 writes a little-endian byte order mark first
  t.deepEqual([...encodeText('é', 'utf-16')], [0xff, 0xfe, 0xe9, 0x00]);
  t.deepEqual([...encodeText('é', 'UTF_16_BE')], [0x00, 0xe9]);
  t.deepEqual([...encodeText('😀', 'utf-16-le')], [0x3d, 0xd8, 0x00, 0xde]);
  t.deepEqual([...encodeText('é', 'utf-32-le')], [0xe9, 0, 0, 0]);
  t.is(decodeText(encodeText('é😀', 'utf-16'), 'utf-16'), 'é😀');
  t.is(decodeText(encodeText('é😀', 'utf-32'), 'utf-32'), 'é😀');
  t.is(decodeText(Buffer.from([0x80, 0xe9]), 'cp1252'), '€é');
});

test('template: newline_sequence, escaped or not', (t) => {
  t.is(withNewlines('a\r\nb\nc', '\n'), 'a\nb\nc');
  t.is(withNewlines('a\nb\r\n', '\\r\\n'), 'a\r\nb\r\n');
  t.is(withNewlines('a\nb', '\r'), 'a\rb');
});


import test from 'ava';
import { VarsError } from '../../../src/errors.js';
import { Templar } from '../../../src/template/index.js';
import { Literal, VarResolver } from '../../../src/vars/resolver.js';

const templar = new Templar();

test('a variable may be a template of others, in any order (kubeasz ETCD_NODES)', (t) => {
  const r = new VarResolver(
    [
      { source: 'defaults', vars: { ETCD_NODES: "{{ TMP_NODES.rstrip(',') }}", port: 2380 } },
      { source: 'play', vars: { TMP_NODES: "{% for h in members %}{{ h }}=https://{{ h }}:{{ port }},{% endfor %}", members: ['a', 'b'] } },
    ],
    templar,
  );
  t.is(r.view.ETCD_NODES, 'a=https://a:2380,b=https://b:2380');
});

test('higher layers win, and the origin is reported', (t) => {
  const r = new VarResolver(
    [
      { source: 'role defaults', vars: { x: 1, y: 1 } },
      { source: 'group_vars/all', vars: { x: 2 } },
      { source: 'extra vars', vars: { x: 3 } },
    ],
    templar,
  );
  t.is(r.view.x, 3);
  t.is(r.view.y, 1);
  t.is(r.origin('x')?.source, 'extra vars');
  t.true('y' in r.view);
  t.false('z' in r.view);
});

test('a single-expression string keeps its native type', (t) => {
  const r = new VarResolver([{ source: 'v', vars: { list: [1, 2], copy: '{{ list }}', n: '{{ list | length }}' } }], templar);
  t.deepEqual(r.view.copy, [1, 2]);
  t.is(r.view.n, 2);
});

test('a cycle is an error naming the chain', (t) => {
  const r = new VarResolver([{ source: 'play vars', vars: { a: '{{ b }}', b: '{{ c }}', c: '{{ a }}' } }], templar);
  const error = t.throws(() => r.view.a);
  t.regex(String(error?.message), /recursive loop detected in variables: a -> b -> c -> a/);
});

test('literal values (registered results) are never rendered again', (t) => {
  const r = new VarResolver([{ source: 'register', vars: { out: new Literal({ stdout: '{{ not_a_var }}' }) } }], templar);
  t.deepEqual(r.view.out, { stdout: '{{ not_a_var }}' });
});

test('a cycle error is a VarsError', (t) => {
  const r = new VarResolver([{ source: 'play vars', vars: { a: '{{ a }}' } }], templar);
  const error = t.throws(() => r.get('a'));
  // the template layer wraps it, keeping the VarsError as the cause
  t.true(error instanceof VarsError || (error as { cause?: unknown })?.cause instanceof VarsError);
});

test('{% set %} at the top of a template works over the lazy view', (t) => {
  const r = new VarResolver([{ source: 'v', vars: { a: 1 } }], templar);
  t.is(templar.render('{% set x = a + 1 %}x={{ x }}', r.view), 'x=2');
  t.false('x' in r.view);
});

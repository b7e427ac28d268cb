/**
 * to_yaml and to_nice_yaml against PyYAML with libyaml: each case of
 * test/fixtures/pyyaml/dump-cases.json is what CSafeDumper (Ansible's base) wrote
 * (capture.py), with the options Ansible's filters pass it.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { templar } from './helpers.js';

interface DumpCase {
  input: unknown;
  filter: 'to_yaml' | 'to_nice_yaml';
  kwargs: Record<string, unknown>;
  expected: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(readFileSync(path.join(here, '../../fixtures/pyyaml/dump-cases.json'), 'utf8')) as { cases: DumpCase[] };

test('the fixture holds cases for both filters', (t) => {
  t.true(fixture.cases.length >= 90);
  t.true(fixture.cases.some((c) => c.filter === 'to_nice_yaml'));
});

for (const [index, c] of fixture.cases.entries()) {
  const args = Object.entries(c.kwargs).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
  const expression = `{{ value | ${c.filter}(${args}) }}`;
  test(`PyYAML case ${index}: ${c.filter}(${args}) of ${JSON.stringify(c.input).slice(0, 50)}`, (t) => {
    t.is(templar.render(expression, { value: c.input }), c.expected);
  });
}

const cases: Array<[string, Record<string, unknown>, string]> = [
  // a whole float stays a float, as Python's 5.0
  ['{{ [10 / 2] | to_yaml }}', {}, '[5.0]\n'],
  ['{{ {"half": 10 / 4} | to_nice_yaml }}', {}, 'half: 2.5\n'],
  ['{{ {"a": [1, 2]} | to_nice_yaml }}', {}, 'a:\n- 1\n- 2\n'],
  ['{{ [{"a": 1, "b": 2}] | to_nice_yaml }}', {}, '-   a: 1\n    b: 2\n'],
  ['{{ {"b": 1, "a": 2} | to_yaml(sort_keys=false) }}', {}, '{b: 1, a: 2}\n'],
  ['{{ {"a": [1]} | to_yaml(default_flow_style=false) }}', {}, 'a:\n- 1\n'],
  ['{{ "x" | to_yaml(explicit_start=true) }}', {}, '--- x\n'],
];

for (const [template, vars, expected] of cases) {
  test(`yaml: ${template}`, (t) => t.is(templar.render(template, vars), expected));
}

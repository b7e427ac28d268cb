import test from 'ava';
import { templar, VARS } from './helpers.js';

const cases: Array<[string, boolean]> = [
  ['port is defined', true], ['nope is undefined', true], ['nothing is none', true],
  ['name is string', true], ['port is string', false], ['port is number', true], ['ratio is number', true],
  ['port is integer', true], ['ratio is integer', false], ['ratio is float', true], ['enabled is boolean', true], ['port is boolean', false],
  ['conf is mapping', true], ['words is mapping', false], ['words is iterable', true], ['name is iterable', true], ['port is iterable', false],
  ['words is sequence', true], ['port is sequence', false], ['enabled is sameas true', true], ['1 is sameas true', false],
  ["name is match('et')", true], ["name is match('cd')", false], ["name is search('cd')", true],
  ["'ETCD' is match('etcd', ignorecase=true)", true], ["'a\\nline2' is match('^line', multiline=true)", false],
  ["'a\\nline2' is search('^line', multiline=true)", true], ["name is regex('^e.c')", true], ["name is regex('tcd', match_type='match')", false],
  ["'etcd1' is in(groups.etcd)", true], ["'lb' is in groups.etcd", false], ["groups.etcd is contains('etcd2')", true],
  ['port is equalto(2379)', true], ['port is eq 2379', true], ['port is ne(1)', true], ['port is gt(1000)', true],
  ["'yes' is truthy", true], ["'' is truthy", false], ["'no' is truthy(convert_bool=true)", false], ['empty_list is falsy', true],
  ["'fred' is truthy(convert_bool=True)", true], ["'off' is falsy(convert_bool=True)", true], ['2 is truthy(convert_bool=True)', true], ['0 is falsy(convert_bool=True)', true],
  ['result_ok is succeeded', true], ['result_ok is success', true], ['result_failed is failed', true], ['result_failed is failure', true],
  ['result_ok is failed', false], ['result_changed is changed', true], ['result_ok is changed', false], ['result_loop is changed', true],
  ['result_skipped is skipped', true], ['result_ok is skipped', false],
  ["{'started': 1, 'finished': 0} is started", true], ["{'started': 1, 'finished': 0} is finished", false],
  ["{'started': 0} is started", false], ['result_ok is started', true], ['result_ok is finished', true],
  ['port is divisibleby(2)', false], ['9 is divisibleby 3', true], ['4 is even', true], ['3 is odd', true], ['-3 is odd', true],
  ["'abc' is lower", true], ["'ABC' is upper", true], ["'Abc' is lower", false],
  ['[1, 2] is subset([1, 2, 3])', true], ['[1, 4] is subset([1, 2, 3])', false], ['[1, 2, 3] is superset([3])', true],
  ["'/etc/etcd' is abs", true], ["'etc' is abs", false],
  ['port is not defined', false], ['nope is not none', true],
];

test('Jinja and Ansible tests', (t) => {
  for (const [expression, expected] of cases) t.is(templar.evaluate(expression, VARS), expected, expression);
});

const versions: Array<[string, string, string, boolean]> = [
  ['3.4.23', '3.5', '<', true], ['3.4.23', '3.5', 'lt', true], ['v3.4.23', '3.5', '<', true], ['v3.5.9', '3.5', '>=', true],
  ['3.5.0', '3.5', 'ge', true], ['3.5', '3.5.0', '<', true], ['3.10.1', '3.9.9', '>', true], ['3.10.1', '3.9.9', 'gt', true],
  ['3.5.9', '3.5.9', '==', true], ['3.5.9', '3.5.9', 'eq', true], ['3.5.9', '3.5.10', '!=', true], ['3.5.9', '3.5.10', 'ne', true],
  ['3.5.9', '3.5.9', '<=', true], ['3.5.9', '3.5.8', 'le', false], ['1.2', '1.2', '', true],
];

test('version comparisons, loose by default, with a leading v ignored', (t) => {
  for (const [value, reference, op, expected] of versions) {
    const expression = op ? `'${value}' is version('${reference}', '${op}')` : `'${value}' is version('${reference}')`;
    t.is(templar.evaluate(expression, VARS), expected, expression);
    t.is(templar.evaluate(expression.replace('version(', 'version_compare('), VARS), expected, expression);
  }
  t.true(templar.evaluate("ETCD_VER is version('3.4', '>') and ETCD_VER is version('3.6', '<')", VARS) as boolean);
  t.true(templar.evaluate("'1.0.0-rc.1' is version('1.0.0', '<', version_type='semver')", VARS) as boolean);
  t.true(templar.evaluate("'1.0.0-alpha.1' is version('1.0.0-alpha.beta', '<', version_type='semver')", VARS) as boolean);
  t.throws(() => templar.evaluate("'1' is version('2', 'bogus')", VARS), { message: /Invalid operator type \(bogus\)/ });
  t.throws(() => templar.evaluate("'1.0a' is version('2.0', '<', strict=true)", VARS), { message: /invalid version number/ });
});

test('PEP 440 order, as the packaging library sorts versions', (t) => {
  // sorted by packaging.version.Version
  const sorted = ['1.0.dev1', '1.0a1.dev2', '1.0a1', '1.0b2.post3', '1.0rc1', '1.0', '1.0.post1', '2.14.0rc1', '2.14.0', '1!0.1'];
  for (let i = 1; i < sorted.length; i++) {
    const expression = `'${sorted[i - 1]}' is version('${sorted[i]}', 'lt', version_type='pep440')`;
    t.true(templar.evaluate(expression, VARS) as boolean, expression);
  }
  t.true(templar.evaluate("'1.0' is version('1.0.0', '==', version_type='pep440')", VARS) as boolean);
  t.true(templar.evaluate("'1.0-alpha1' is version('1.0a1', '==', version_type='pep440')", VARS) as boolean);
});

test('version refuses as ansible-core does, with its messages', (t) => {
  const refused: Array<[string, string]> = [
    ["'1.0' is version('1.0', 'equals')", "Invalid operator type (equals). Must be one of '==', '=', 'eq', '<', 'lt', '<=', 'le', '>', 'gt', '>=', 'ge', '!=', '<>', 'ne'"],
    ["'1.0' is version('nope', '==', true)", "Version comparison failed: invalid version number 'nope'"],
    ["'1.0' is version('1.0', strict=False, version_type='loose')", "Cannot specify both 'strict' and 'version_type'"],
    ["'1.0' is version('1.0', version_type='boom')", "Invalid version type (boom). Must be one of 'loose', 'strict', 'semver', 'semantic', 'pep440'"],
    ["'nope' is version('nopenope', version_type='semver')", "Version comparison failed: invalid semantic version 'nope'"],
    ["'nope' is version('1.0', version_type='pep440')", "Version comparison failed: Invalid version: 'nope'"],
    ["'' is version('1.0', '>')", 'Input version value cannot be empty'],
    ["'1.0' is version('', '>')", 'Version parameter to compare against cannot be empty'],
    ["'' is version('', '>')", 'Input version value cannot be empty'],
  ];
  for (const [expression, message] of refused) t.throws(() => templar.evaluate(expression, VARS), { message }, expression);
});

test('result tests need a registered result', (t) => {
  for (const test of ['failed', 'changed', 'skipped', 'reachable', 'unreachable', 'finished', 'started']) {
    t.throws(() => templar.evaluate(`'x' is ${test}`, VARS), { message: `The '${test}' test expects a dictionary` }, test);
  }
  // success is `not failed` in Ansible, and says so
  t.throws(() => templar.evaluate("'x' is succeeded", VARS), { message: "The 'failed' test expects a dictionary" });
});

test('tests other than the type tests refuse undefined values', (t) => {
  t.throws(() => templar.evaluate("nope is match('x')", VARS), { message: /'nope' is undefined/ });
  t.throws(() => templar.evaluate('nope is changed', VARS), { message: /'nope' is undefined/ });
  t.false(templar.evaluate('nope is string', VARS) as boolean);
});

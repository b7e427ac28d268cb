/** The list-shaping lookups, through lookup()/query() as a template calls them, with ansible-core's messages. */
import test from 'ava';
import { templar } from './helpers.js';

const users = [
  { name: 'alice', authorized: ['/a1.pub', '/a2.pub'], mysql: { password: 'p', hosts: ['%', 'localhost'] } },
  { name: 'bob', authorized: ['/b.pub'], mysql: { password: 'q', hosts: ['db1'] } },
  { name: 'carol', skipped: true, authorized: ['/c.pub'], mysql: { password: 'r', hosts: ['db9'] } },
];
const vars = { users, byName: { a: users[0], b: users[1] } };

const values: Array<[string, unknown]> = [
  ["{{ query('sequence', 'start=1 end=3', '5-6') }}", ['1', '2', '3', '5', '6']],
  ["{{ query('sequence', 'start=0x0f00 count=4 format=%04x') }}", ['0f00', '0f01', '0f02', '0f03']],
  ["{{ query('sequence', '4:host%02d') }}", ['host01', 'host02', 'host03', 'host04']],
  ["{{ query('sequence', 'start=0b11 end=0o5') }}", ['3', '4', '5']],
  ["{{ query('together', [1, 2], ['a']) }}", [[1, 'a'], [2, null]]],
  ["{{ query('nested', ['x', 'y'], [1]) }}", [['x', 1], ['y', 1]]],
  ["{{ query('indexed_items', ['a', ['b', 'c']]) }}", [[0, 'a'], [1, ['b', 'c']]]],
  ["{{ query('indexed_items', 'a', ['b', 'c']) }}", [[0, 'a'], [1, 'b'], [2, 'c']]],
  ["{{ query('subelements', users, 'authorized') | map(attribute='1') | list }}", ['/a1.pub', '/a2.pub', '/b.pub']],
  ["{{ query('subelements', users, 'mysql.hosts')[0][0].mysql }}", { password: 'p' }],
  ["{{ query('subelements', byName, 'mysql.hosts') | map(attribute='1') | list }}", ['%', 'localhost', 'db1']],
  ["{{ query('subelements', users, 'mysql.nothing', {'skip_missing': True}) }}", []],
  ["{{ lookup('subelements', {'skipped': true}, 'mysql.hosts', wantlist=true) }}", []],
  ["{{ users[0].mysql.hosts | length }}", 2],
];

test('list lookups give what ansible-core gives', (t) => {
  for (const [template, expected] of values) t.deepEqual(templar.renderValue(template, vars), expected, template);
});

const refusals: Array<[string, string]> = [
  ["{{ query('sequence', 'start=0 junk=3') }}", "unrecognized arguments to with_sequence: ['junk']"],
  ["{{ query('sequence', 'start=A end=3') }}", "can't parse start=A as integer"],
  ["{{ query('sequence', 'A-4/2') }}", "can't parse start=A as integer"],
  ["{{ query('sequence', '1-B/2') }}", "can't parse end=B as integer"],
  ["{{ query('sequence', '1-4/C') }}", "can't parse stride=C as integer"],
  ["{{ query('sequence', 'start=010 end=12') }}", "can't parse start=010 as integer"],
  ["{{ query('sequence', 'start=1') }}", 'must specify count or end in with_sequence'],
  ["{{ query('sequence', 'start=1 end=4 count=2') }}", "can't specify both count and end in with_sequence"],
  ["{{ query('sequence', 'start=4 end=1 stride=2') }}", 'to count backwards make stride negative'],
  ["{{ query('sequence', 'start=1 end=4 stride=-2') }}", "to count forward don't make stride negative"],
  ["{{ query('sequence', 'start=1 end=4 format=d') }}", 'bad formatting string: d'],
  ["{{ query('together') }}", 'with_together requires at least one element in each list'],
  ["{{ query('nested') }}", 'with_nested requires at least one element in the nested list'],
  ["{{ query('dict', [1]) }}", 'with_dict expects a dict'],
  ["{{ lookup('subelements', 9001, 'groups', wantlist=true) }}", "subelements lookup expects a dictionary, got '9001'"],
  ["{{ query('subelements', users, 'mysql.password') }}", "the key password should point to a list, got 'p'"],
  ["{{ query('subelements', users, 'mysql.hosts.doesnotexist') }}", "the key hosts should point to a dictionary, got '['%', 'localhost']'"],
  ["{{ query('subelements', users, 'mysql.monkey') }}", "could not find 'monkey' key in iterated item '{'password': 'p', 'hosts': ['%', 'localhost']}'"],
  ["{{ query('subelements', users, 'authorized', 'wolves') }}", "subelements lookup expects a list of two or three items, the optional third item must be a dict with flags ['skip_missing']"],
  ["{{ query('subelements', users, 'a', 'b', 'c') }}", 'subelements lookup expects a list of two or three items, '],
  ["{{ query('subelements', users, true) }}", 'subelements lookup expects a list of two or three items, first a dict or a list, second a string pointing to the subkey'],
  ["{{ query('subelements', true, users) }}", 'first a dict or a list, second a string pointing to the subkey'],
];

test('list lookups refuse bad terms with ansible-core\'s messages', (t) => {
  for (const [template, message] of refusals) {
    const error = t.throws(() => templar.renderValue(template, vars), undefined, template);
    t.true(error?.message.includes(message), `${template}: ${error?.message}`);
  }
});

test('subelements leaves the variable it walks as it was', (t) => {
  templar.renderValue("{{ query('subelements', users, 'mysql.hosts') }}", vars);
  t.deepEqual(users[0]!.mysql.hosts, ['%', 'localhost']);
});

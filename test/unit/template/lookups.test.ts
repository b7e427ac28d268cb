/** Lookups on the controller: files found in the role's folder, then the playbook's; password files; pipe. */
import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { templar } from './helpers.js';

function playbookDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-lookups-'));
  const role = path.join(dir, 'roles', 'etcd');
  for (const d of [path.join(dir, 'files'), path.join(dir, 'templates'), path.join(role, 'files')]) mkdirSync(d, { recursive: true });
  writeFileSync(path.join(dir, 'files', 'a.txt'), 'playbook a\n');
  writeFileSync(path.join(dir, 'files', 'b.txt'), 'playbook b\n');
  writeFileSync(path.join(dir, 'files', '.hidden.txt'), 'hidden\n');
  writeFileSync(path.join(role, 'files', 'a.txt'), 'role a\n');
  writeFileSync(path.join(dir, 'templates', 'm.j2'), '# {{ ansible_managed }}\n{# a comment #}\nname={{ name }} {{ template_path | basename }} {{ extra | default("-") }}\n');
  writeFileSync(path.join(dir, 'beside-play.cfg'), 'x\n');
  mkdirSync(path.join(dir, 'files', 'sub'));
  writeFileSync(path.join(dir, 'files', 'sub', 'c.txt'), 'c\n');
  writeFileSync(path.join(dir, 'templates', 'd.j2'), '[# a comment #]<< name >> {{ name }}\n');
  return dir;
}

const dir = playbookDir();
const role = path.join(dir, 'roles', 'etcd');
const groups = { all: ['etcd1', 'etcd2', 'lb1'], etcd: ['etcd1', 'etcd2'], lb: ['lb1'], ungrouped: [] };
const vars = { playbook_dir: dir, name: 'main', cluster_name: 'c', cluster_size: 3, groups };
const inRole = { ...vars, role_path: role };

test.after.always(() => rmSync(dir, { recursive: true, force: true }));

const cases: Array<[string, Record<string, unknown>, unknown]> = [
  ["{{ lookup('file', 'a.txt') }}", vars, 'playbook a'],
  ["{{ lookup('file', 'a.txt') }}", inRole, 'role a'],
  ["{{ lookup('file', 'b.txt') }}", inRole, 'playbook b'],
  ["{{ query('fileglob', '*.txt') }}", vars, [path.join(dir, 'files', 'a.txt'), path.join(dir, 'files', 'b.txt')]],
  ["{{ query('fileglob', 'files/b*') }}", vars, [path.join(dir, 'files', 'b.txt')]],
  ["{{ query('fileglob', '*.none') }}", vars, []],
  // a bare pattern: each search folder's files/, then the folder; the first that matches answers
  ["{{ query('fileglob', '*.txt') }}", inRole, [path.join(role, 'files', 'a.txt')]],
  ["{{ query('fileglob', '*.cfg') }}", inRole, [path.join(dir, 'beside-play.cfg')]],
  ["{{ query('fileglob', 'sub/*.txt') }}", inRole, [path.join(dir, 'files', 'sub', 'c.txt')]],
  // terms written as templates are rendered first, as Ansible renders a lookup's terms
  ["{{ lookup('file', '{{ folder }}/c.txt') }}", { ...vars, folder: 'sub' }, 'c'],
  ["{{ query('items', ['{{ name }}', 'x']) }}", vars, ['main', 'x']],
  ["{{ q('env', '{{ \"HO\" ~ \"ME\" }}') }}", vars, [process.env.HOME]],
  // a variable's value is never rendered again, even as a term: it may come from a host
  ["{{ query('items', held) }}", { ...vars, held: '{{ name }}' }, ['{{ name }}']],
  ["{{ lookup('first_found', ['missing.txt', 'b.txt']) }}", vars, path.join(dir, 'files', 'b.txt')],
  ["{{ lookup('first_found', ['missing.txt', 'a.txt']) }}", inRole, path.join(role, 'files', 'a.txt')],
  [`{{ lookup('first_found', {'files': ['x', 'a.txt'], 'paths': ['${dir}/files']}) }}`, vars, path.join(dir, 'files', 'a.txt')],
  ["{{ query('first_found', 'ignored', files='nope,b.txt') }}", vars, [path.join(dir, 'files', 'b.txt')]],
  ["{{ query('first_found', ['missing'], skip=true) }}", vars, []],
  ["{{ lookup('template', 'm.j2') }}", vars, '# Ansible managed\nname=main m.j2 -\n'],
  ["{{ lookup('template', 'm.j2', template_vars={'extra': 'x'}) }}", vars, '# Ansible managed\nname=main m.j2 x\n'],
  [
    "{{ lookup('template', 'd.j2', variable_start_string='<<', variable_end_string='>>', comment_start_string='[#', comment_end_string='#]') }}",
    vars,
    'main {{ name }}\n',
  ],
  ["{{ lookup('pipe', 'echo one; echo two') }}", vars, 'one\ntwo'],
  ["{{ lookup('pipe', 'pwd') }}", vars, dir],
  ["{{ query('lines', 'printf \"one\\\\ntwo\\\\n\\\\nfour\\\\n\"') }}", vars, ['one', 'two', '', 'four']],
  ["{{ lookup('lines', 'echo a; echo b', 'echo c') }}", vars, 'a,b,c'],
  ["{{ query('lines', 'true') }}", vars, []],
  [`{{ query('lines', 'printf "a \\nb"', 'echo c') }}`, vars, ['a ', 'b', 'c']],
  ["{{ query('random_choice', 'only') }}", vars, ['only']],
  ["{{ lookup('random_choice', 'a', 'b') in ['a', 'b'] }}", vars, true],
  ["{{ query('varnames', '^cluster_') }}", vars, ['cluster_name', 'cluster_size']],
  ["{{ query('varnames', '_s', '^n') }}", vars, ['cluster_size', 'name']],
  ["{{ query('varnames', '(?P<prefix>^clu)ster_(?#the rest)n') }}", vars, ['cluster_name']],
  ["{{ query('varnames', '(?x) ^cluster _ s  # verbose, as re.X reads it') }}", vars, ['cluster_size']],
  ["{{ lookup('varnames', '^cl.*_\\w{,4}$') }}", vars, 'cluster_name,cluster_size'],
  ["{{ query('inventory_hostnames', 'etcd') }}", vars, ['etcd1', 'etcd2']],
  ["{{ query('inventory_hostnames', 'all:!etcd') }}", vars, ['lb1']],
  ["{{ query('inventory_hostnames', 'etcd[0]', 'lb') }}", vars, ['etcd1', 'lb1']],
  ["{{ query('inventory_hostnames', 'all:&etcd*') }}", vars, ['etcd1', 'etcd2']],
  ["{{ lookup('password', '/dev/null seed=etcd1') }}", vars, 'IWVbMpONQN7p9BzskvJG'],
  ["{{ lookup('password', '/dev/null seed=x length=12 chars=digits') }}", vars, '599716977626'],
  ["{{ lookup('password', '/dev/null length=7') | length }}", vars, 7],
  // keyword arguments are defaults the term's own key=value override
  ["{{ lookup('password', '/dev/null', seed='etcd1') }}", vars, 'IWVbMpONQN7p9BzskvJG'],
  ["{{ lookup('password', '/dev/null seed=x', seed='etcd1', length=12, chars=['digits']) }}", vars, '599716977626'],
  ["{{ lookup('password', '/dev/null', seed='x', length=5, chars='ascii_lowercase') }}", vars, 'ukttp'],
  ["{{ lookup('password', '/dev/null chars=,, length=3') }}", vars, ',,,'],
  ["{{ lookup('password', '/dev/null chars=hexdigits length=40') is match('^[0-9a-fA-F]+$') }}", vars, true],
  ["{{ query('indexed_items', ['a', 'b']) }}", vars, [[0, 'a'], [1, 'b']]],
  ["{{ lookup('items', [1, [2]]) }}", vars, [1, [2]]],
];

test('lookups answer as ansible-core 2.14 does', (t) => {
  for (const [template, v, expected] of cases) t.deepEqual(templar.renderValue(template, v), expected, template);
});

test('the password lookup creates a private file once and reads it back', (t) => {
  const term = "{{ lookup('password', 'credentials/etcd length=16 chars=ascii_letters') }}";
  const first = templar.renderValue(term, vars) as string;
  t.regex(first, /^[a-zA-Z]{16}$/);
  const file = path.join(dir, 'credentials', 'etcd');
  t.is(readFileSync(file, 'utf8'), `${first}\n`);
  t.is(statSync(file).mode & 0o777, 0o600);
  t.is(statSync(path.dirname(file)).mode & 0o777, 0o700);
  t.is(templar.renderValue(term, vars), first);
});

test('the password lookup with encrypt keeps a salt beside the password and returns the hash', (t) => {
  writeFileSync(path.join(dir, 'known'), 'secret salt=mysalt\n');
  t.is(
    templar.renderValue("{{ lookup('password', 'known encrypt=sha512_crypt') }}", vars),
    '$6$mysalt$UX6P1VKOf6dr0s2pg4pLNvIUB6hLXvP6M5f/Yj9hJgMPdAJ4oArvk5YUD9/XWtk1JOpVwt/JTsczMJr8sFVML1',
  );
  const hashed = templar.renderValue("{{ lookup('password', 'fresh encrypt=md5_crypt') }}", vars) as string;
  const [password, salt] = readFileSync(path.join(dir, 'fresh'), 'utf8').trimEnd().split(' salt=');
  t.is(password!.length, 20);
  t.is(salt!.length, 8);
  t.true(hashed.startsWith(`$1$${salt}$`));
});

test('a failing lookup names what failed, never a password', (t) => {
  writeFileSync(path.join(dir, 'pw-known'), 'TopSecret1\n');
  const err = t.throws(() => templar.renderValue("{{ lookup('password', 'pw-known badparam=1') }}", vars));
  t.regex(err!.message, /Unrecognized parameter\(s\) given to password lookup: badparam/);
  t.notRegex(err!.message, /TopSecret1/);
  t.throws(() => templar.renderValue("{{ lookup('pipe', 'exit 3') }}", vars), { message: /returned 3/ });
  t.throws(() => templar.renderValue("{{ lookup('lines', 'exit 4') }}", vars), { message: /lookup_plugin.lines\(exit 4\) returned 4/ });
  t.throws(() => templar.renderValue("{{ lookup('first_found', 'missing') }}", vars), { message: /No file was found when using first_found/ });
  t.throws(() => templar.renderValue("{{ lookup('template', 'nope.j2') }}", vars), { message: /could not locate file in lookup: nope.j2/ });
});

test('varnames refuses what Python\'s re refuses, with its words', (t) => {
  const refused: Array<[string, RegExp]> = [
    ["{{ lookup('varnames', True, wantlist=True) }}", /Invalid setting identifier, "True" is not a string, it is a <class 'bool'>/],
    ["{{ lookup('varnames', '*', wantlist=True) }}", /Unable to use "\*" as a search parameter: nothing to repeat at position 0/],
    ["{{ lookup('varnames', 'a(b') }}", /Unable to use "a\(b" as a search parameter: missing \), unterminated subpattern at position 1/],
  ];
  for (const [template, message] of refused) t.throws(() => templar.renderValue(template, vars), { message }, template);
});

test('a lookup value is not rendered again', (t) => {
  writeFileSync(path.join(dir, 'files', 'braces.txt'), '{{ name }}\n');
  t.is(templar.renderValue("{{ lookup('file', 'braces.txt') }}", vars), '{{ name }}');
  // the braces come from the command's output, not from the term (a term written as a template is rendered first)
  t.is(templar.renderValue("{{ lookup('pipe', 'printf \"%s%s name }}\" { {') }}", vars), '{{ name }}');
});

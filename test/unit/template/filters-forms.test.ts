/** format, comment, urlsplit, urlencode, urldecode, expanduser, fileglob, subelements, json_query, password_hash, collection-qualified tests. */
import test from 'ava';
import { templar, VARS, yields } from './helpers.js';

const URL = 'https://User:pw@Etcd1.example.com:2379/v3/kv?x=1#top';

// expected values as ansible-playbook 2.14.18 gave them (test/conformance/filters-text-forms)
const cases: Array<[string, unknown]> = [
  ["{{ '%s-%03d' | format('etcd', 7) }}", 'etcd-007'],
  ["{{ '%(a)s=%(b)s' | format(a='k', b='v') }}", 'k=v'],
  ["{{ 'node'.ljust(6, '.') }}", 'node..'],
  ["{{ 'x' | comment }}", '#\n# x\n#'],
  ["{{ 'a\nb' | comment('c') }}", '//\n// a\n// b\n//'],
  ["{{ 'x' | comment('cblock') }}", '/*\n *\n * x\n *\n */'],
  ["{{ 'x' | comment('xml') }}", '<!--\n -\n - x\n -\n-->'],
  ["{{ 'x' | comment('erlang', prefix_count=2) }}", '%\n%\n% x\n%'],
  ["{{ 'x' | comment(decoration='; ', postfix='') }}", ';\n; x\n'],
  ["{{ 'a\n\nb' | comment }}", '#\n# a\n#\n# b\n#'],
  [`{{ '${URL}' | urlsplit('hostname') }}`, 'etcd1.example.com'],
  [`{{ '${URL}' | urlsplit('port') }}`, 2379],
  [`{{ '${URL}' | urlsplit }}`, { fragment: 'top', hostname: 'etcd1.example.com', netloc: 'User:pw@Etcd1.example.com:2379', password: 'pw', path: '/v3/kv', port: 2379, query: 'x=1', scheme: 'https', username: 'User' }],
  ["{{ 'http://[fe80::1]:2380' | urlsplit('hostname') }}", 'fe80::1'],
  ["{{ 'a b/c?x=1&y=é~' | urlencode }}", 'a%20b/c%3Fx%3D1%26y%3D%C3%A9~'],
  ["{{ {'a': 'b c', 'd': 1} | urlencode }}", 'a=b+c&d=1'],
  ["{{ [['k/1', 'v']] | urlencode }}", 'k%2F1=v'],
  ["{{ () | urlencode }}", ''],
  ["{{ 'a+b%20c%C3%A9%zz' | urldecode }}", 'a b cé%zz'],
  ["{{ '/data' | urlsplit }}", { fragment: '', hostname: null, netloc: '', password: null, path: '/data', port: null, query: '', scheme: '', username: null }],
  ["{{ '~root/x' | expanduser }}", '/root/x'],
  ["{{ '/etc/~x' | expanduser }}", '/etc/~x'],
  ["{{ users | subelements('groups', skip_missing=true) | map('last') | list }}", ['wheel']],
  ["{{ [{'n': 1, 'a': {'b': [1, 2]}}] | subelements('a.b') | map('last') | list }}", [1, 2]],
  ["{{ users | json_query('[].name') }}", ['alice', 'bob', 'carol']],
  ["{{ users | json_query('[?uid > `1000`].name') }}", ['alice', 'carol']],
  ["{{ conf | json_query('tls.ca') }}", '/etc/ca.pem'],
  ["{{ conf | json_query('missing') }}", null],
  ["{{ 'secret' | password_hash('sha512', 'mysalt') }}", '$6$mysalt$UX6P1VKOf6dr0s2pg4pLNvIUB6hLXvP6M5f/Yj9hJgMPdAJ4oArvk5YUD9/XWtk1JOpVwt/JTsczMJr8sFVML1'],
  ["{{ 'secret' | password_hash('sha256', 'mysalt') }}", '$5$mysalt$I2SNajjJ3Gc5gIR/tkrLOGngF8wqv59buJCqxh.o9s8'],
  ["{{ 'secret' | password_hash('md5', 'mysalt') }}", '$1$mysalt$n/EfEiV74OYgBdqhKQzSW/'],
  ["{{ 'x' | password_hash('sha512', 's', rounds=10000) }}", '$6$rounds=10000$s$2Ijvd9CmoQIUsLSD5AmyTbTkG/whP144vShM.TO7eTIWmoj96hPXYXJ537Hp82lcD/N3tIHkOTtjZSjDkACC01'],
  // glibc's crypt() cuts the salt to 16 characters; the values below are Python crypt.crypt's
  ["{{ 'a much longer password than sixteen chars, really long ok' | password_hash('sha512', 'abcdefghijklmnopqrstu') }}", '$6$abcdefghijklmnop$9D5GaBne2Ftls7gc03IcIZWT43BFSOOLRPTkdpcg2kJ5jplIr2Fbz4Pw6Ytl236z.XLdykd6Cjf6zhQk9L/A11'],
  ["{{ '' | password_hash('sha256', 's', rounds=1000) }}", '$5$rounds=1000$s$cdjvTno7yp4OJ1Yyxn95LrCQTyxHsv3TK6lXb48P4L1'],
  ["{{ 'secret' | password_hash('sha512') is match('^[$]6[$][./0-9A-Za-z]{16}[$][./0-9A-Za-z]{86}$') }}", true],
  ["{{ '1.2.3' is ansible.builtin.version('1.2', '>') }}", true],
  ['{{ 1 is ansible.builtin.truthy }}', true],
  ["{{ name is not ansible.builtin.match('kube') }}", true],
  ["{{ ['etcd1', 'kube1'] | select('ansible.builtin.match', 'etcd') | list }}", ['etcd1']],
  ["{{ ['a'] | map('ansible.builtin.upper') | list }}", ['A']],
];

test('text-shaping filters and qualified tests', (t) => {
  for (const [template, expected] of cases) yields(t, template, expected);
});

const failures: Array<[string, RegExp]> = [
  ["{{ 'x' | password_hash('sha512', 'bad salt!') }}", /invalid characters in salt/],
  ["{{ 'x' | password_hash('blowfish') }}", /not supported/],
  ["{{ 'x' | comment('nope') }}", /unknown style/],
  ["{{ 'http://a' | urlsplit('nope') }}", /unknown URL component: nope/],
  ["{{ users | subelements('groups') }}", /could not find 'groups' key/],
  ["{{ conf | json_query('[') }}", /JMESPathError/],
  ["{{ '%s' | format('a', b=1) }}", /positional and keyword/],
];

test('text-shaping filters fail with the reason', (t) => {
  for (const [template, message] of failures) t.throws(() => templar.renderValue(template, VARS), { message }, template);
});

test('password_hash with a random salt gives a new string each time', (t) => {
  const a = templar.renderValue("{{ 'secret' | password_hash('sha512') }}", VARS);
  const b = templar.renderValue("{{ 'secret' | password_hash('sha512') }}", VARS);
  t.not(a, b);
});

test('json_query reads only what the query names, so hostvars (which holds itself) can be queried', (t) => {
  const hosts: Record<string, unknown> = { etcd1: { ip: '10.0.0.1' }, etcd2: { ip: '10.0.0.2' } };
  for (const name of Object.keys(hosts)) (hosts[name] as Record<string, unknown>).hostvars = hosts;
  const vars = { hostvars: hosts };
  t.deepEqual(templar.renderValue("{{ hostvars | json_query('*.ip') }}", vars), ['10.0.0.1', '10.0.0.2']);
  t.is(templar.renderValue("{{ (hostvars | json_query('etcd1.hostvars.etcd2')).ip }}", vars), '10.0.0.2');
  t.deepEqual(templar.renderValue("{{ hostvars | json_query('[etcd1.ip, etcd2.ip]') }}", vars), ['10.0.0.1', '10.0.0.2']);
});

test('fileglob: the files a pattern matches on the controller, wildcards in any component, dot files only when asked', async (t) => {
  const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'ezplay-fileglob-'));
  mkdirSync(join(dir, 'sub'));
  for (const f of ['a.txt', 'b.conf', '.hidden.txt', 'sub/c.txt']) writeFileSync(join(dir, f), '');
  const render = (pattern: string) => templar.renderValue(`{{ '${pattern}' | fileglob | sort }}`, VARS);
  t.deepEqual(render(`${dir}/*.txt`), [join(dir, 'a.txt')]);
  t.deepEqual(render(`${dir}/*`), [join(dir, 'a.txt'), join(dir, 'b.conf')], 'folders are left out');
  t.deepEqual(render(`${dir}/*/*.txt`), [join(dir, 'sub', 'c.txt')]);
  t.deepEqual(render(`${dir}/.*.txt`), [join(dir, '.hidden.txt')]);
  t.deepEqual(render(`${dir}/nope/*`), []);
});

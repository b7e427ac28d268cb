import test from 'ava';
import { templar, VARS, yields } from './helpers.js';

const cases: Array<[string, unknown]> = [
  // conversions
  ["{{ 'yes' | bool }} {{ 'On' | bool }} {{ '1' | bool }} {{ 'TRUE' | bool }} {{ 1 | bool }} {{ true | bool }}", 'True True True True True True'],
  ["{{ 'no' | bool }} {{ 'off' | bool }} {{ '0' | bool }} {{ 'false' | bool }} {{ 0 | bool }} {{ 'maybe' | bool }} {{ nothing | bool }}", 'False False False False False False '], // None stays None (it prints nothing)
  ["{{ '42' | int }}", 42],
  ["{{ '42.7' | int }}", 42],
  ["{{ 'abc' | int }}", 0],
  ["{{ 'abc' | int(7) }}", 7],
  ["{{ '0x1A' | int(0, 16) }}", 26],
  ["{{ ' 12 ' | int }}", 12],
  ['{{ true | int }}', 1],
  ["{{ '3.5' | float }}", 3.5],
  ["{{ 'x' | float }}", 0],
  ['{{ port | string }}', '2379'],
  ['{{ enabled | string }}', 'True'],
  ['{{ -3 | abs }}', 3],
  ['{{ 2.5 | round }} {{ 3.5 | round }} {{ 2.567 | round(2) }} {{ 2.1 | round(0, "ceil") }} {{ 2.9 | round(0, "floor") }}', '2 4 2.57 3 2'],
  ["{{ enabled | ternary('on', 'off') }} {{ disabled | ternary('on', 'off') }} {{ nothing | ternary('on', 'off', 'null') }}", 'on off null'],
  ['{{ port | type_debug }} {{ name | type_debug }} {{ words | type_debug }} {{ conf | type_debug }} {{ nothing | type_debug }}', 'int str list dict NoneType'],
  // case and whitespace
  ["{{ 'Etcd' | lower }} {{ 'Etcd' | upper }} {{ 'eTCD cluster' | capitalize }} {{ 'etcd-cluster one' | title }}", 'etcd ETCD Etcd cluster Etcd-Cluster One'],
  ["{{ '  x  ' | trim }}|{{ 'xxaxx' | trim('x') }}", 'x|a'],
  ["{{ 'a-b-c' | replace('-', '_') }} {{ 'a-b-c' | replace('-', '', 1) }}", 'a_b_c ab-c'],
  ["{{ 'a,b,c' | split(',') }}", ['a', 'b', 'c']],
  ["{{ 'a b  c' | split }}", ['a', 'b', 'c']],
  ["{{ 'a\nb\n\nc' | indent(2) }}", 'a\n  b\n\n  c'],
  ["{{ 'a\nb' | indent(2, true) }}", '  a\n  b'],
  ["{{ 'a\n\nb' | indent(width=2, blank=true) }}", 'a\n  \n  b'],
  ["{{ 'a\nb\n' | indent(4) }}", 'a\n    b\n'],
  ["{{ 'ab' | center(6) }}", '  ab  '],
  ["{{ 'one two, three' | wordcount }}", 3],
  ["{{ 'abc' | length }} {{ 'abc' | count }} {{ conf | length }}", '3 3 2'],
  // regular expressions
  ["{{ 'etcd-v3.5.9' | regex_replace('^etcd-v(\\d+)\\.(\\d+).*$', '\\1.\\2') }}", '3.5'],
  ["{{ 'a1b22' | regex_replace('\\d+', '#') }}", 'a#b#'],
  ["{{ 'ABC' | regex_replace('b', 'x', ignorecase=true) }}", 'AxC'],
  ["{{ 'key=value' | regex_replace('(?P<k>\\w+)=(?P<v>\\w+)', '\\g<v>=\\g<k>') }}", 'value=key'],
  ["{{ 'a$b' | regex_replace('\\$', '$$') }}", 'a$$b'],
  ["{{ 'server1.example.com' | regex_search('server[0-9]+') }}", 'server1'],
  ["{{ 'nothing here' | regex_search('server[0-9]+') }}", null],
  ["{{ 'id: 42, at 7' | regex_search('id: (\\d+), at (\\d+)', '\\2', '\\1') }}", ['7', '42']],
  ["{{ 'user=bob' | regex_search('user=(?P<who>\\w+)', '\\g<who>') }}", ['bob']],
  ["{{ 'v3.5.9\n' | regex_search('^v(\\d+)\\.\\d+\\.\\d+$') }}", 'v3.5.9'],
  ["{{ 'a1b22c333' | regex_findall('\\d+') }}", ['1', '22', '333']],
  ["{{ 'k1=v1 k2=v2' | regex_findall('(\\w+)=(\\w+)') }}", [['k1', 'v1'], ['k2', 'v2']]],
  ["{{ 'L1\nl2' | regex_findall('^l\\d', multiline=true, ignorecase=true) }}", ['L1', 'l2']],
  ["{{ '1.2.3 (x)' | regex_escape }}", '1\\.2\\.3\\ \\(x\\)'],
  // encodings, hashes, paths, quoting
  ["{{ 'etcd' | b64encode }}", 'ZXRjZA=='],
  ["{{ 'ZXRjZA==' | b64decode }}", 'etcd'],
  ["{{ 'été' | b64encode | b64decode }}", 'été'],
  // expected values from sha1sum, md5sum, sha256sum and Python's uuid.uuid5
  ["{{ 'etcd' | hash('sha1') }}", '68b23659ff9df925e456f91773e5a3c77bea7c93'],
  ["{{ 'etcd' | hash }}", '68b23659ff9df925e456f91773e5a3c77bea7c93'],
  ["{{ 'etcd' | checksum }}", '68b23659ff9df925e456f91773e5a3c77bea7c93'],
  ["{{ 'etcd' | hash('md5') }}", 'a226e9fbdfc1c8dd7e7fef4d333f86ed'],
  ["{{ 'etcd' | hash('sha256') }}", 'c38cbd92fce41312f3fbdce60510013b7f0d4004a03b45c8e762f98f1ed4006c'],
  ["{{ 'www.example.com' | to_uuid }}", '69680a13-a686-5d20-a166-0e7b3b17ef84'],
  ["{{ '/etc/etcd/ssl/ca.pem' | basename }} {{ '/etc/etcd/ssl/ca.pem' | dirname }}", 'ca.pem /etc/etcd/ssl'],
  ["{{ 'dir/' | basename }}|{{ 'dir/' | dirname }}|{{ 'file' | dirname }}|{{ '/' | dirname }}", '|dir||/'],
  ["{{ 'archive.tar.gz' | splitext }}", ['archive.tar', '.gz']],
  ["{{ '.bashrc' | splitext }}", ['.bashrc', '']],
  ["{{ ['/etc', 'etcd', 'etcd.conf'] | path_join }}", '/etc/etcd/etcd.conf'],
  ["{{ ['a', '/abs', 'b'] | path_join }}", '/abs/b'],
  ["{{ 'simple' | quote }} {{ \"it's here\" | quote }} {{ '' | quote }} {{ '$(rm -rf /)' | quote }}", `simple 'it'\\''s here' '' '$(rm -rf /)'`],
];

test('text and conversion filters', (t) => {
  for (const [template, expected] of cases) yields(t, template, expected);
});

test('filters refuse undefined input, naming the variable', (t) => {
  for (const filter of ['upper', 'int', 'bool', 'b64encode', 'regex_replace("a", "b")', 'length', 'quote', 'to_json']) {
    t.throws(() => templar.render(`{{ missing_var | ${filter} }}`, VARS), { message: /'missing_var' is undefined/ }, filter);
  }
});

import test from 'ava';
import { fingerprintDifference, fingerprintFact, type Fingerprint } from '../../../src/facts/fingerprint.js';

const paths = ['/tmp/fp/f', '/tmp/fp/l', '/tmp/fp/d', '/tmp/fp/missing'];
// Captured from GNU coreutils 9 on Debian: a 0640 file holding "hello\n", a link to it, a 0750 directory, a missing path.
const captured =
  'file 640 0 0 5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\n' +
  'link 777 0 0 092fcfbbcfca3b5be7ae1b5e58538e92c35ab273ae13664fed0d67484c8e78a6\n' +
  'directory 750 0 0 -\n' +
  'absent\n';

test('parses captured output, one fingerprint per path', (t) => {
  t.deepEqual(fingerprintFact.parse({ stdout: captured, stderr: '', rc: 0 }, paths), [
    { type: 'file', mode: '640', uid: 0, gid: 0, hash: '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03' },
    { type: 'link', mode: '777', uid: 0, gid: 0, hash: '092fcfbbcfca3b5be7ae1b5e58538e92c35ab273ae13664fed0d67484c8e78a6' },
    { type: 'directory', mode: '750', uid: 0, gid: 0 },
    { type: 'absent' },
  ]);
});

test('an unreadable file keeps its type and owner, its content unknown', (t) => {
  t.deepEqual(fingerprintFact.parse({ stdout: 'file 600 0 0 ?\n', stderr: '', rc: 0 }, ['/root/x']), [{ type: 'file', mode: '600', uid: 0, gid: 0, hash: '?' }]);
});

test('a short answer is an error, never a silent absent', (t) => {
  t.throws(() => fingerprintFact.parse({ stdout: 'absent\n', stderr: '', rc: 0 }, ['/a', '/b']), { message: /cannot read what \/a, \/b hold/ });
});

test('the command quotes every path', (t) => {
  t.true(fingerprintFact.command(["/tmp/it's; rm -rf /"]).startsWith("set -- '/tmp/it'\\''s; rm -rf /'\n"));
});

const file = (over: Partial<Fingerprint> = {}): Fingerprint => ({ type: 'file', mode: '644', uid: 0, gid: 0, hash: 'aa', ...over });

const differences: Array<[string, Fingerprint, Fingerprint, string | undefined]> = [
  ['the same', file(), file(), undefined],
  ['content', file(), file({ hash: 'bb' }), 'its content differs'],
  ['mode', file(), file({ mode: '600' }), 'its mode is 600, not 644'],
  ['owner', file(), file({ uid: 1000 }), 'its owner is 1000:0, not 0:0'],
  ['removed', file(), { type: 'absent' }, 'it is absent, not a file'],
  ['made', { type: 'absent' }, file(), 'it is a file, not absent'],
  ['unreadable content compares the rest', file({ hash: '?' }), file({ hash: 'bb' }), undefined],
  ['a link elsewhere', { type: 'link', hash: 'aa' }, { type: 'link', hash: 'bb' }, 'the link points elsewhere'],
];

for (const [name, expected, found, words] of differences) {
  test(`difference: ${name}`, (t) => {
    t.is(fingerprintDifference(expected, found), words);
  });
}

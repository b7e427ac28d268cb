import test from 'ava';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import {
  fingerprint,
  hostKeyName,
  hostsFieldMatches,
  keyTypeOfBlob,
  parseKnownHosts,
  recordedKeyTypes,
  verifyHostKey,
} from '../../../src/connection/known-hosts.js';

/** An ssh-ed25519 public key blob: string "ssh-ed25519", string key. */
function ed25519Blob(): Buffer {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const str = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]);
}

function hashed(name: string, salt = Buffer.from('0123456789abcdef0123')): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

const keyA = ed25519Blob();
const keyB = ed25519Blob();
const line = (hosts: string, blob: Buffer, marker = ''): string =>
  `${marker}${hosts} ${keyTypeOfBlob(blob)} ${blob.toString('base64')}`;

test('parses plain, hashed, marked, commented and malformed lines with their line numbers', (t) => {
  const text = [
    '# comment',
    '',
    line('web1,10.0.0.1', keyA),
    line(hashed('db1'), keyB),
    line('*.example.com', keyB, '@revoked '),
    line('*', keyA, '@cert-authority '),
    '@future-marker host ssh-ed25519 AAAA',
    'only-two-fields ssh-ed25519',
  ].join('\n');
  const entries = parseKnownHosts(text, '/k');
  t.deepEqual(entries.map((e) => [e.line, e.marker, e.hosts.startsWith('|1|') ? 'hashed' : e.hosts]), [
    [3, undefined, 'web1,10.0.0.1'],
    [4, undefined, 'hashed'],
    [5, 'revoked', '*.example.com'],
    [6, 'cert-authority', '*'],
  ]);
});

test('host names: port 22 is bare, others are [host]:port', (t) => {
  t.is(hostKeyName('10.0.0.1', 22), '10.0.0.1');
  t.is(hostKeyName('10.0.0.1', 2222), '[10.0.0.1]:2222');
});

const matches: Array<[string, string, boolean]> = [
  ['web1,10.0.0.1', 'web1', true],
  ['web1,10.0.0.1', '10.0.0.1', true],
  ['web1,10.0.0.1', 'web2', false],
  ['WEB1', 'web1', true],
  ['[10.0.0.1]:2222', '[10.0.0.1]:2222', true],
  ['[10.0.0.1]:2222', '10.0.0.1', false],
  ['10.0.0.1', '[10.0.0.1]:2222', false],
  ['*.example.com', 'a.example.com', true],
  ['*.example.com,!bad.example.com', 'bad.example.com', false],
  ['10.0.0.?', '10.0.0.7', true],
  ['10.0.0.?', '10.0.0.17', false],
  [hashed('[127.0.0.1]:2200'), '[127.0.0.1]:2200', true],
  [hashed('[127.0.0.1]:2200'), '127.0.0.1', false],
];
for (const [field, name, expected] of matches) {
  test(`${field.startsWith('|') ? 'hashed' : field} ${expected ? 'matches' : 'does not match'} ${name}`, (t) => {
    t.is(hostsFieldMatches(field, name), expected);
  });
}

test('verdicts: known, changed (same type, other key), unknown, revoked', (t) => {
  const entries = parseKnownHosts([line('[h]:2200', keyA), line(hashed('db'), keyA)].join('\n'), '/k');
  t.is(verifyHostKey(entries, ['[h]:2200'], keyA).status, 'known');
  t.is(verifyHostKey(entries, ['db'], keyA).status, 'known');
  const changed = verifyHostKey(entries, ['[h]:2200'], keyB);
  t.is(changed.status, 'changed');
  t.is(changed.status === 'changed' ? changed.entry.line : 0, 1);
  t.is(verifyHostKey(entries, ['other'], keyB).status, 'unknown');
  const revoked = parseKnownHosts([line('[h]:2200', keyA), line('*', keyA, '@revoked ')].join('\n'), '/k');
  t.is(verifyHostKey(revoked, ['[h]:2200'], keyA).status, 'revoked');
});

test('a recorded key of another type makes a new key changed, as OpenSSH judges it', (t) => {
  const rsaLike = parseKnownHosts('h ssh-rsa AAAAB3NzaC1yc2E=', '/k');
  const verdict = verifyHostKey(rsaLike, ['h'], keyA);
  t.is(verdict.status, 'changed');
  t.deepEqual(verdict.status === 'changed' ? verdict.recorded.map((e) => e.keyType) : [], ['ssh-rsa']);
  t.deepEqual(recordedKeyTypes(rsaLike, ['h']), ['ssh-rsa']);
});

test('fingerprints are SHA256 base64 without padding, as ssh-keygen prints them', (t) => {
  t.regex(fingerprint(keyA), /^SHA256:[A-Za-z0-9+/]{43}$/);
  t.is(keyTypeOfBlob(keyA), 'ssh-ed25519');
});

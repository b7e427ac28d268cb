/**
 * Ansible Vault's format against files that real ansible-vault wrote (and
 * read back), kept in test/fixtures/vault: nothing here runs Ansible.
 *   - vars-vaulted.yml, plain-vaulted-dev.txt, string.yml: `ansible-vault
 *     encrypt` / `encrypt_string` (random salts), the plaintexts beside them;
 *   - ansible-salted*.txt: Ansible's VaultLib.encrypt with salt bytes 0..31;
 *   - ezplay-made*.txt: written by encryptVault (salt of 7s), which
 *     `ansible-vault view` decrypted to ezplay-made*.plain.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import {
  collectVaultSecrets,
  decryptVault,
  encryptVault,
  isVaultText,
  parseEnvelope,
  parseVaultId,
  readVaultPasswordFile,
  VaultError,
  type VaultSecret,
} from '../../../src/vault/index.js';
import { parseYaml } from '../../../src/load/yaml.js';
import { VaultText } from '../../../src/vault/index.js';

const dir = join(import.meta.dirname, '../../fixtures/vault');
const fixture = (name: string) => readFileSync(join(dir, name));
const text = (name: string) => fixture(name).toString('utf8');
const main: VaultSecret = { id: 'default', password: Buffer.from('vault-test-password') };
const dev: VaultSecret = { id: 'dev', password: Buffer.from('other-pw') };
const SALT = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

test('a file ansible-vault encrypted decrypts to its plaintext', (t) => {
  const out = decryptVault(fixture('vars-vaulted.yml'), [main], 'vars-vaulted.yml');
  t.is(out.plaintext.toString(), text('vars.yml'));
  t.is(out.vaultId, 'default');
});

test('a 1.2 file with a vault id decrypts with the secret of that id, tried first', (t) => {
  const envelope = parseEnvelope(text('plain-vaulted-dev.txt'));
  t.is(envelope.version, '1.2');
  t.is(envelope.vaultId, 'dev');
  const out = decryptVault(fixture('plain-vaulted-dev.txt'), [main, dev]);
  t.is(out.plaintext.toString(), text('plain.txt'));
  t.is(out.vaultId, 'dev');
});

test("encrypt_string's !vault values decrypt, unicode and line breaks kept", (t) => {
  const vars = parseYaml(text('string.yml'), 'string.yml') as Record<string, VaultText>;
  for (const value of Object.values(vars)) t.true(value instanceof VaultText);
  const plain = (v: VaultText) => decryptVault(v.ciphertext, [dev, main]).plaintext.toString('utf8');
  t.is(plain(vars.secret_value!), 'the secret value');
  t.is(plain(vars.unicode_value!), 'héllo wörld ✓');
  t.is(plain(vars.multiline_value!), 'line one\nline two exactly sixteen');
});

test("encryptVault writes byte for byte what Ansible's VaultLib writes with the same salt", (t) => {
  t.is(encryptVault('fixed salt text\n', 'vault-test-password', { salt: SALT }), text('ansible-salted.txt'));
  t.is(encryptVault('fixed salt with an id', 'vault-test-password', { salt: SALT, vaultId: 'prod' }), text('ansible-salted-prod.txt'));
  t.is(encryptVault('x', 'p', { salt: SALT, vaultId: 'default' }).split('\n')[0], '$ANSIBLE_VAULT;1.1;AES256');
});

test('what ezplay encrypted is what ansible-vault view printed, and decrypts back', (t) => {
  const salt = Buffer.alloc(32, 7);
  const plain = text('ezplay-made.plain');
  t.is(encryptVault(plain, 'vault-test-password', { salt }), text('ezplay-made.txt'));
  t.is(encryptVault(text('ezplay-made-dev.plain'), 'other-pw', { salt, vaultId: 'dev' }), text('ezplay-made-dev.txt'));
  t.is(decryptVault(fixture('ezplay-made.txt'), [main]).plaintext.toString('utf8'), plain);
  const fresh = encryptVault('', 'pw');
  t.is(decryptVault(fresh, [{ id: 'default', password: Buffer.from('pw') }]).plaintext.length, 0);
  t.not(encryptVault('same', 'pw'), encryptVault('same', 'pw'), 'a random salt each time');
});

test('no secret, a wrong secret and a broken envelope are VaultErrors with Ansible\'s messages', (t) => {
  t.is(t.throws(() => decryptVault(fixture('vars-vaulted.yml'), []), { instanceOf: VaultError })!.message, 'Attempting to decrypt but no vault secrets found');
  t.is(
    t.throws(() => decryptVault(fixture('vars-vaulted.yml'), [dev], 'vars-vaulted.yml'), { instanceOf: VaultError })!.message,
    'Decryption failed (no vault secrets were found that could decrypt) on vars-vaulted.yml',
  );
  t.throws(() => decryptVault('$ANSIBLE_VAULT;1.1;AES256\nzz\n', [main]), { instanceOf: VaultError, message: /unhexlify/ });
  t.throws(() => decryptVault('$ANSIBLE_VAULT;1.1;AES128\n00\n', [main]), { message: 'AES128 cipher could not be found' });
  t.throws(() => decryptVault('plain text', [main]), { message: /not vault encrypted/ });
  t.true(isVaultText(fixture('vars-vaulted.yml')));
  t.false(isVaultText(fixture('vars.yml')));
});

test('password files: trimmed content, or the stdout of an executable; vault ids', async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'ezplay-vault-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  writeFileSync(join(tmp, 'pw'), '  vault-test-password \n');
  t.is(readVaultPasswordFile(join(tmp, 'pw')).password.toString(), 'vault-test-password');
  writeFileSync(join(tmp, 'pw.sh'), '#!/bin/sh\necho other-pw\n');
  chmodSync(join(tmp, 'pw.sh'), 0o755);
  t.deepEqual(readVaultPasswordFile(join(tmp, 'pw.sh'), 'dev'), dev);
  writeFileSync(join(tmp, 'keys-client.sh'), '#!/bin/sh\n[ "$1" = --vault-id ] && echo "pw-of-$2"\n');
  chmodSync(join(tmp, 'keys-client.sh'), 0o755);
  t.is(readVaultPasswordFile(join(tmp, 'keys-client.sh'), 'prod').password.toString(), 'pw-of-prod');
  writeFileSync(join(tmp, 'fail.sh'), '#!/bin/sh\nexit 3\n');
  chmodSync(join(tmp, 'fail.sh'), 0o755);
  t.throws(() => readVaultPasswordFile(join(tmp, 'fail.sh')), { message: /returned non-zero \(3\)/ });
  writeFileSync(join(tmp, 'empty'), '\n');
  t.throws(() => readVaultPasswordFile(join(tmp, 'empty')), { message: /Invalid vault password/ });
  t.throws(() => readVaultPasswordFile(join(tmp, 'missing')), { message: /The vault password file .*missing was not found/ });
  t.deepEqual(parseVaultId('dev@x'), { id: 'dev', source: 'x' });
  t.deepEqual(parseVaultId('x'), { id: 'default', source: 'x' });
  const asked: string[] = [];
  const secrets = await collectVaultSecrets(
    { vaultIds: ['dev@prompt', `prod@${join(tmp, 'pw')}`], passwordFiles: [join(tmp, 'pw.sh')], askVaultPass: true },
    async (prompt) => (asked.push(prompt), 'typed\n'),
  );
  t.deepEqual(asked, ['Vault password: ', 'Vault password (dev): ']);
  t.deepEqual(
    secrets.map((s) => [s.id, s.password.toString()]),
    [
      ['default', 'typed'],
      ['dev', 'typed'],
      ['prod', 'vault-test-password'],
      ['default', 'other-pw'],
    ],
  );
});

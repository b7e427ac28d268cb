/**
 * `!vault` values in templates: decrypted where used as text, seen as they
 * are by `vault_encrypted`, `type_debug` and `unvault`; the run's secrets
 * are set per test (serial: they are one per process, as in a run).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { parseYaml } from '../../../src/load/yaml.js';
import { Templar } from '../../../src/template/index.js';
import { holdsVault, revealVaults, useVaultSecrets, VaultText } from '../../../src/vault/index.js';

const dir = join(import.meta.dirname, '../../fixtures/vault');
/** fresh values: one decrypts once, then keeps its text */
const load = () => parseYaml(readFileSync(join(dir, 'string.yml'), 'utf8'), 'string.yml') as Record<string, unknown>;
const vars = load();
const secret = vars.secret_value as VaultText;
const main = { id: 'default', password: Buffer.from('vault-test-password') };
const dev = { id: 'dev', password: Buffer.from('other-pw') };
const templar = new Templar();
test.afterEach.always(() => useVaultSecrets([]));

test.serial('a !vault value is text where a template uses it', (t) => {
  useVaultSecrets([dev, main]);
  t.is(templar.render('{{ secret_value }}|{{ secret_value | upper }}|{{ secret_value.split()[1] }}|{{ secret_value[0:3] }}', vars), 'the secret value|THE SECRET VALUE|secret|the');
  t.is(templar.renderValue('{{ unicode_value }}', vars), 'héllo wörld ✓');
  t.true(templar.truthy("secret_value == 'the secret value' and 'secret' in secret_value and secret_value | length == 16", vars));
  t.is(templar.renderValue('{{ [secret_value] | to_json }}', vars), '["the secret value"]');
});

test.serial('vault_encrypted, string and type_debug see the value undecrypted, without a secret', (t) => {
  t.true(templar.truthy('secret_value is vault_encrypted', vars));
  t.true(templar.truthy("secret_value is not string and 'x' is not vault_encrypted", vars));
  t.is(templar.renderValue('{{ secret_value | type_debug }}', vars), 'AnsibleVaultEncryptedUnicode');
  // a plain value left alone keeps the vault: set_fact stores it as it is
  t.is(templar.renderValue(secret, vars), secret);
  t.is(JSON.stringify({ secret }), JSON.stringify({ secret: { __ansible_vault: secret.ciphertext } }));
});

test.serial('used without a secret, or with none that fits, fails with Ansible\'s words', (t) => {
  t.throws(() => templar.render('{{ secret_value }}', load()), { message: /Attempting to decrypt but no vault secrets found/ });
  useVaultSecrets([dev]);
  t.throws(() => templar.render('{{ secret_value }}', load()), { message: /Decryption failed \(no vault secrets were found that could decrypt\)/ });
});

test.serial('revealVaults decrypts every vault inside module arguments, copying only what changes', (t) => {
  useVaultSecrets([main]);
  const args = { content: secret, nested: { list: [1, secret] }, plain: { a: 1 } };
  t.true(holdsVault(args));
  const shown = revealVaults(args) as typeof args;
  t.deepEqual(shown, { content: 'the secret value', nested: { list: [1, 'the secret value'] }, plain: { a: 1 } } as never);
  t.is(shown.plain, args.plain);
  t.false(holdsVault(shown));
});

test.serial('the vault and unvault filters take their own password', (t) => {
  const salted = templar.renderValue("{{ 'hello' | vault('pw', salt='0123456789abcdef0123456789abcdef') }}", {}) as string;
  t.true(salted.startsWith('$ANSIBLE_VAULT;1.2;AES256;filter_default\n'));
  t.is(templar.renderValue("{{ 'hello' | vault('pw') | unvault('pw') }}", {}), 'hello');
  t.is(templar.renderValue("{{ secret_value | unvault('vault-test-password') }}", vars), 'the secret value');
  t.is(templar.renderValue("{{ 'plain' | unvault('x') }}", {}), 'plain');
  t.throws(() => templar.renderValue("{{ 'hello' | vault('pw') | unvault('wrong') }}", {}), { message: /Unable to decrypt: Decryption failed/ });
  t.true(templar.truthy("'hello' | vault('pw', wrap_object=true) is vault_encrypted", {}));
});

test.serial("the unvault lookup gives a file's text, decrypted when it is a vault; the file lookup strips it", (t) => {
  useVaultSecrets([main]);
  const plain = readFileSync(join(dir, 'vars.yml'), 'utf8');
  const files = { vaulted: join(dir, 'vars-vaulted.yml'), plain: join(dir, 'vars.yml') };
  t.is(templar.renderValue("{{ lookup('unvault', vaulted) }}", files), plain);
  t.is(templar.renderValue("{{ lookup('unvault', plain) }}", files), plain);
  t.is(templar.renderValue("{{ lookup('file', vaulted) }}", files), plain.trimEnd());
  useVaultSecrets([]);
  t.throws(() => templar.renderValue("{{ lookup('file', vaulted) }}", files), { message: /A vault password or secret must be specified to decrypt .*vars-vaulted\.yml/ });
});

test.serial('to_yaml and to_nice_yaml write a !vault value as its vault text, never decrypted', (t) => {
  const v = { secret_value: secret };
  const lines = secret.ciphertext.trimEnd().split('\n');
  t.is(templar.renderValue("{{ {'a': secret_value} | to_yaml }}", v), `a: !vault |\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
  t.is(templar.renderValue("{{ {'a': secret_value} | to_nice_yaml }}", v), `a: !vault |\n${lines.map((l) => `    ${l}`).join('\n')}\n`);
  t.is(templar.renderValue('{{ secret_value | to_yaml }}', v), `!vault |\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
});

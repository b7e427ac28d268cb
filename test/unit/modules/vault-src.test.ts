/**
 * copy's and template's src as an Ansible Vault file: decrypted on the
 * controller with the run's secrets (set for this whole file), so only the
 * plaintext is planned; a secret that does not fit fails the task.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { moduleTable } from '../../helpers/module-table.js';
import { copyModule } from '../../../src/modules/copy.js';
import { templateModule } from '../../../src/modules/template.js';
import { encryptVault, useVaultSecrets } from '../../../src/vault/index.js';
import { absent, pathsProbe, present } from './core-modules-harness.js';

const PLAYBOOK = mkdtempSync(path.join(os.tmpdir(), 'ezplay-vault-src-'));
for (const sub of ['files', 'templates', 'files/tree']) mkdirSync(path.join(PLAYBOOK, sub));
const SEALED = encryptVault('opened\n', 'pw');
writeFileSync(path.join(PLAYBOOK, 'files', 'sealed.txt'), SEALED);
writeFileSync(path.join(PLAYBOOK, 'files', 'tree', 'a.txt'), encryptVault('tree secret\n', 'pw', { vaultId: 'dev' }));
writeFileSync(path.join(PLAYBOOK, 'files', 'other.txt'), encryptVault('x', 'another password'));
writeFileSync(path.join(PLAYBOOK, 'templates', 'conf.j2'), encryptVault('name={{ name }}\n', 'pw'));
useVaultSecrets([{ id: 'default', password: Buffer.from('pw') }]);
test.after.always(() => {
  rmSync(PLAYBOOK, { recursive: true, force: true });
  useVaultSecrets([]);
});
const text = (subject: string, before: string, after: string) => ({ subject, before, after });

moduleTable([
  {
    name: 'a vaulted src is decrypted on the controller: its plaintext is what is written',
    module: copyModule,
    args: { src: 'sealed.txt', dest: '/etc/sealed.txt' },
    context: { playbookDir: PLAYBOOK },
    facts: [pathsProbe(absent(0, '/etc'))],
    // what the vault held is planned, and shown redacted
    expect: { changed: true, diff: [{ ...text('/etc/sealed.txt', '', 'opened\n'), secret: true }] },
    after: [pathsProbe(present(0, { content: 'opened\n' }))],
  },
  {
    name: 'decrypt: no sends the vault text as it is',
    module: copyModule,
    args: { src: 'sealed.txt', dest: '/etc/sealed.txt', decrypt: false },
    context: { playbookDir: PLAYBOOK },
    facts: [pathsProbe(absent(0, '/etc'))],
    expect: { changed: true, diff: [text('/etc/sealed.txt', '', SEALED)] },
    after: [pathsProbe(present(0, { content: SEALED }))],
  },
  {
    name: 'a vaulted file inside a src folder is decrypted too: its plaintext on the host is no change',
    module: copyModule,
    args: { src: 'tree/', dest: '/srv' },
    context: { playbookDir: PLAYBOOK },
    facts: [pathsProbe(present(0, { kind: 'directory' }), present(1, { content: 'tree secret\n' }))],
    expect: { changed: false },
  },
  {
    name: 'no secret that fits is a task failure naming the file',
    module: copyModule,
    args: { src: 'other.txt', dest: '/etc/other.txt' },
    context: { playbookDir: PLAYBOOK },
    expect: { error: /^Decryption failed \(no vault secrets were found that could decrypt\) on \/.*other\.txt$/ },
  },
  {
    name: 'a vaulted template is decrypted, then rendered',
    module: templateModule,
    args: { src: 'conf.j2', dest: '/etc/app.conf' },
    context: { playbookDir: PLAYBOOK, render: (t: string) => t.replace('{{ name }}', 'etcd9') },
    facts: [pathsProbe(absent(0, '/etc'))],
    expect: { changed: true, diff: [{ ...text('/etc/app.conf', '', 'name=etcd9\n'), secret: true }] },
    after: [pathsProbe(present(0, { content: 'name=etcd9\n' }))],
  },
]);

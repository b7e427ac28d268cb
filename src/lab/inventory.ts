/**
 * The inventory `lab up` writes, in kubeasz's INI form: the machines'
 * addresses under [etcd], and under [all:vars] how to reach them (root, the
 * lab's key, the lab's known_hosts) and where the etcd release comes from.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { quote } from '../shell/quote.js';

export interface InventoryFacts {
  addresses: string[];
  keyPath: string;
  knownHostsPath: string;
  etcdTarballUrl: string;
  etcdSha256: string;
}

export function renderInventory(facts: InventoryFacts): string {
  const sshArgs = `-o UserKnownHostsFile=${quote(facts.knownHostsPath)} -o StrictHostKeyChecking=yes`;
  return [
    '# Written by `ezplay lab up`: the lab machines on this controller.',
    '# `ezplay lab status` shows them; `ezplay lab down` removes them.',
    '[etcd]',
    ...facts.addresses,
    '',
    '[all:vars]',
    'ansible_user=root',
    `ansible_ssh_private_key_file=${facts.keyPath}`,
    `ansible_ssh_known_hosts_file=${facts.knownHostsPath}`,
    `ezplay_known_hosts_file=${facts.knownHostsPath}`,
    // the same host-key checking for Ansible itself, which has no known_hosts variable
    `ansible_ssh_common_args="${sshArgs}"`,
    `etcd_download_url=${facts.etcdTarballUrl}`,
    `etcd_sha256=${facts.etcdSha256}`,
    '',
  ].join('\n');
}

export async function writeInventory(file: string, facts: InventoryFacts): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, renderInventory(facts));
  await rename(tmp, file);
}

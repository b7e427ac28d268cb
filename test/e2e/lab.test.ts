/**
 * The lab against itself: real machines, real sshd with host-key checking,
 * real systemd, real faults. Runs serially: each test leaves the lab as the
 * next one expects it.
 */
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  lab, labDown, labHeal, labKill, labPartition, labReset, labStatus, labUp, readLabState, silentLog,
} from '../../src/lab/index.js';
import { ensureLab, findLabLeftovers, isLiveProcess, labSsh, labSshOk, LAB_HOSTS, useLab } from '../helpers/lab.js';

test.serial('lab up from nothing boots three machines in under 15 s and writes the inventory', async (t) => {
  await labDown({ log: silentLog });
  t.is(await readLabState(), null);
  const started = Date.now();
  const info = await labUp({ hosts: LAB_HOSTS, log: silentLog });
  const seconds = (Date.now() - started) / 1000;
  t.log(`lab up (image cached): ${seconds.toFixed(1)} s`);
  t.true(seconds < 15, `lab up took ${seconds} s`);

  t.deepEqual(info.machines.map((m) => m.name), ['lab1', 'lab2', 'lab3']);
  const prefix = info.subnet.replace(/\.0\/24$/, '');
  t.deepEqual(info.machines.map((m) => m.address), [11, 12, 13].map((n) => `${prefix}.${n}`));
  t.is(info.bridgeAddress, `${prefix}.1`);
  t.true(path.isAbsolute(info.keyPath) && path.isAbsolute(info.knownHostsPath));
  t.regex(info.etcdSha256, /^[0-9a-f]{64}$/);
  t.is(info.etcdTarballUrl, `${info.httpUrl}/etcd-v${info.etcdVersion}-linux-amd64.tar.gz`);
  t.truthy(info.opsPassword);
  t.is(info.statePath, lab().statePath);

  const inventory = await readFile(info.inventoryPath, 'utf8');
  const etcdGroup = inventory.split('[etcd]\n')[1]?.split('\n\n')[0]?.split('\n');
  t.deepEqual(etcdGroup, info.machines.map((m) => m.address));
  for (const line of [
    'ansible_user=root',
    `ansible_ssh_private_key_file=${info.keyPath}`,
    `ansible_ssh_known_hosts_file=${info.knownHostsPath}`,
    `ezplay_known_hosts_file=${info.knownHostsPath}`,
    `etcd_download_url=${info.etcdTarballUrl}`,
    `etcd_sha256=${info.etcdSha256}`,
  ]) {
    t.true(inventory.split('[all:vars]\n')[1]?.split('\n').includes(line), `inventory lacks ${line}`);
  }
});

test.serial('every machine answers over SSH with host-key checking on, and systemd is running', async (t) => {
  const info = await ensureLab();
  const knownHosts = (await readFile(info.knownHostsPath, 'utf8')).trim().split('\n');
  t.is(new Set(knownHosts.map((l) => l.split(' ')[2])).size, knownHosts.length, 'each machine has its own host key');
  for (const m of info.machines) {
    t.true(knownHosts.some((l) => l.startsWith(`${m.address} ssh-ed25519 `)));
    const out = await labSshOk(m.name, 'hostname; systemctl is-system-running; cat /etc/machine-id');
    const [hostname, systemState] = out.trim().split('\n');
    t.is(hostname, m.name);
    t.is(systemState, 'running');
  }
  // the same connection with a known_hosts that lacks the machine must be refused
  const empty = path.join(await mkdtemp(path.join(tmpdir(), 'ezplay-lab-test-')), 'known_hosts');
  await writeFile(empty, '');
  const refused = await labSsh('lab1', 'true', { knownHostsPath: empty });
  t.not(refused.code, 0);
  t.regex(refused.stderr, /Host key verification failed|No .* host key is known/);
});

test.serial('the machines reach each other and the etcd tarball on the bridge', async (t) => {
  const info = await ensureLab();
  const [lab1, lab2] = info.machines;
  await labSshOk('lab1', `timeout 3 bash -c '</dev/tcp/${lab2!.address}/22'`);
  const sums = await labSshOk('lab2', `curl -fsS ${info.etcdTarballUrl} | tee /tmp/etcd.tgz | sha256sum`);
  t.is(sums.split(' ')[0], info.etcdSha256);
  const listing = (await labSshOk('lab2', 'tar tzf /tmp/etcd.tgz')).trim().split('\n');
  const dir = `etcd-v${info.etcdVersion}-linux-amd64`;
  for (const file of ['etcd', 'etcdctl', 'README.md']) t.true(listing.includes(`${dir}/${file}`), `${dir}/${file} in the tarball`);
  const version = await labSshOk('lab2', `cd /tmp && tar xzf etcd.tgz && ${dir}/etcd --version && ${dir}/etcdctl version`);
  t.regex(version, new RegExp(`etcd Version: ${info.etcdVersion.replace(/\./g, '\\.')}`));
  t.truthy(lab1);
});

test.serial('ops can sudo with its password, and not without it', async (t) => {
  const info = await ensureLab();
  const withPassword = await labSshOk('lab1', "sudo -S -p '' id -un", { user: info.opsUser, input: `${info.opsPassword}\n` });
  t.is(withPassword.trim(), 'root');
  const without = await labSsh('lab1', 'sudo -n id -un', { user: info.opsUser });
  t.not(without.code, 0);
  t.regex(without.stderr, /password is required/);
  const wrong = await labSsh('lab1', "sudo -S -p '' id -un", { user: info.opsUser, input: 'not-the-password\n' });
  t.not(wrong.code, 0);
});

test.serial('a firewall works inside a machine', async (t) => {
  await ensureLab();
  await labSshOk('lab3', 'iptables -A INPUT -p tcp --dport 2379 -j DROP');
  t.regex(await labSshOk('lab3', 'iptables -S INPUT'), /--dport 2379 -j DROP/);
  await labSshOk('lab3', 'iptables -D INPUT -p tcp --dport 2379 -j DROP');
});

test.serial('kill is a power cut; lab up boots the machine again with its disk', async (t) => {
  const before = await ensureLab();
  await labSshOk('lab2', 'echo survived > /root/marker && sync');
  const victim = before.machines[1]!;
  await labKill('lab2', { log: silentLog });
  t.false(isLiveProcess(victim.initPid));
  t.false(isLiveProcess(victim.pid));
  const status = await labStatus();
  t.is(status.machines.find((m) => m.name === 'lab2')?.state, 'stopped');
  t.is(status.machines.find((m) => m.name === 'lab1')?.state, 'running');
  t.not((await labSsh('lab2', 'true', { timeoutMs: 10_000 })).code, 0);

  const after = await ensureLab();
  t.not(after.machines[1]!.pid, victim.pid);
  t.is(after.machines[0]!.pid, before.machines[0]!.pid, 'healthy machines are kept');
  t.is((await labSshOk('lab2', 'cat /root/marker; systemctl is-system-running')).trim(), 'survived\nrunning');
});

test.serial('partition cuts a machine off the network and heal brings it back', async (t) => {
  const info = await ensureLab();
  const lab3 = info.machines[2]!;
  await labPartition('lab3');
  t.is((await labStatus()).machines.find((m) => m.name === 'lab3')?.network, 'down');
  t.not((await labSsh('lab3', 'true', { timeoutMs: 10_000 })).code, 0);
  const fromPeer = await labSsh('lab1', `timeout 3 bash -c '</dev/tcp/${lab3.address}/22'`);
  t.not(fromPeer.code, 0, 'lab1 cannot reach lab3 either');
  // the machine itself keeps running through the cut
  t.is((await labStatus()).machines.find((m) => m.name === 'lab3')?.state, 'running');

  await labHeal('lab3');
  t.is((await labStatus()).machines.find((m) => m.name === 'lab3')?.network, 'up');
  t.is((await labSshOk('lab3', 'hostname')).trim(), 'lab3');
  await labSshOk('lab1', `timeout 3 bash -c '</dev/tcp/${lab3.address}/22'`);
});

test.serial('reset gives a fresh machine with the same name, address and host key', async (t) => {
  const before = await ensureLab();
  await labSshOk('lab1', 'echo old > /root/marker && systemctl mask --now cron.service 2>/dev/null; true');
  const info = await labReset('lab1', { log: silentLog });
  const lab1 = info.machines[0]!;
  t.is(lab1.address, before.machines[0]!.address);
  t.not(lab1.pid, before.machines[0]!.pid);
  t.is(info.machines[1]!.pid, before.machines[1]!.pid, 'other machines are untouched');
  const out = await labSshOk('lab1', 'hostname; test -e /root/marker && echo marker || echo clean; systemctl is-system-running');
  t.deepEqual(out.trim().split('\n'), ['lab1', 'clean', 'running']);
});

test.serial('status reports state, address and memory of each machine; up again keeps everything', async (t) => {
  const info = await ensureLab();
  const status = await labStatus();
  t.true(status.up);
  t.true(status.http?.running);
  for (const m of info.machines) {
    const s = status.machines.find((x) => x.name === m.name);
    t.is(s?.state, 'running');
    t.is(s?.address, m.address);
    t.is(s?.network, 'up');
    t.true((s?.memoryBytes ?? 0) > 1024 * 1024, `${m.name} uses ${s?.memoryBytes} bytes`);
    t.true((s?.processes ?? 0) >= 3);
  }
  const started = Date.now();
  const again = await ensureLab();
  t.log(`lab up with the lab already running: ${Date.now() - started} ms`);
  t.deepEqual(again.machines.map((m) => m.pid), info.machines.map((m) => m.pid));
  // asking for fewer keeps every machine but names only that many in the inventory
  const fewer = await labUp({ hosts: 2, log: silentLog });
  t.is(fewer.machines.length, 2);
  t.is(fewer.allMachines.length, info.allMachines.length, 'no machine is stopped');
  const inventory = await readFile(fewer.inventoryPath, 'utf8');
  t.false(inventory.includes(info.machines[2]!.address));
  const restored = await ensureLab();
  t.is(restored.machines.length, 3);
});

/** Runs `fn` with lab `name` as the current lab, then the default lab again. */
async function inLab<T>(name: string, fn: () => Promise<T>): Promise<T> {
  useLab(name);
  try {
    return await fn();
  } finally {
    useLab('default');
  }
}

test.serial('two named labs run at once beside the default lab, each reachable; downing one leaves the others running', async (t) => {
  const base = await ensureLab();
  const inventory = (name: string) => path.join(tmpdir(), `ezplay-lab-${name}-inventory`);
  const a = await inLab('twina', () => labUp({ hosts: 1, inventoryPath: inventory('twina'), log: silentLog }));
  const b = await inLab('twinb', () => labUp({ hosts: 1, inventoryPath: inventory('twinb'), log: silentLog }));
  t.deepEqual([a.machines[0]?.name, b.machines[0]?.name], ['twina1', 'twinb1']);
  t.not(a.subnet, b.subnet);
  t.not(a.subnet, base.subnet);
  t.not(a.keyPath, b.keyPath);
  t.not(a.httpUrl, b.httpUrl);
  t.is(await inLab('twina', () => labSshOk('twina1', 'hostname')), 'twina1\n');
  t.is(await inLab('twinb', () => labSshOk('twinb1', 'hostname')), 'twinb1\n');
  // each lab's HTTP server publishes the etcd tarball to its own machines
  await inLab('twinb', () => labSshOk('twinb1', `curl -fsS -o /dev/null ${b.etcdTarballUrl}`));

  await inLab('twina', () => labDown({ log: silentLog }));
  t.deepEqual(await inLab('twina', async () => findLabLeftovers()), { processes: [], mounts: [], netns: [], links: [] });
  t.is(await inLab('twinb', () => labSshOk('twinb1', 'systemctl is-system-running')), 'running\n', 'the other named lab keeps running');
  t.is((await labSshOk('lab1', 'systemctl is-system-running')).trim(), 'running', 'the default lab keeps running');
  t.true(isLiveProcess(b.machines[0]!.pid));

  await inLab('twinb', () => labDown({ log: silentLog }));
  t.deepEqual(await inLab('twinb', async () => findLabLeftovers()), { processes: [], mounts: [], netns: [], links: [] });
  t.is((await labSshOk('lab1', 'systemctl is-system-running')).trim(), 'running');
});

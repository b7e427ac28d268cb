/**
 * One machine: an overlay root (the cached image below, the machine's own
 * upper layer above), seeded with its identity, booted by systemd-nspawn
 * with systemd as PID 1 inside its own network namespace.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LabError } from '../errors.js';
import { sh } from '../shell/quote.js';
import { createMachineCgroups, labCgroupParents, removeMachineCgroups } from './cgroup.js';
import { ensureMachineIdentity } from './identity.js';
import { OPS_USER, type ImageInfo } from './image.js';
import { isMounted, unmount } from './mounts.js';
import { removeMachineNetwork } from './network.js';
import { machinePaths, netnsName } from './paths.js';
import { childrenOf, cmdline, innerPid, isRunning, signal, sleep, waitForExit } from './proc.js';
import { run } from './run.js';

export async function mountRoot(name: string, image: ImageInfo): Promise<string> {
  const p = machinePaths(name);
  await mkdir(p.upper, { recursive: true });
  await mkdir(p.work, { recursive: true });
  await mkdir(p.root, { recursive: true });
  if (!(await isMounted(p.root))) {
    const options = `lowerdir=${image.rootfs},upperdir=${p.upper},workdir=${p.work}`;
    await run(['mount', '-t', 'overlay', `ezlab-${name}`, '-o', options, p.root]);
  }
  return p.root;
}

async function putFile(file: string, content: string, mode: number, owner?: { uid: number; gid: number }): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, content);
  await chmod(file, mode);
  if (owner) await chown(file, owner.uid, owner.gid);
}

async function userIds(root: string, user: string): Promise<{ uid: number; gid: number; home: string }> {
  const passwd = await readFile(path.join(root, 'etc/passwd'), 'utf8');
  const fields = passwd.split('\n').find((l) => l.startsWith(`${user}:`))?.split(':');
  if (!fields) throw new LabError(`the image has no user ${user}`);
  return { uid: Number(fields[2]), gid: Number(fields[3]), home: fields[5] ?? `/home/${user}` };
}

/**
 * Writes the machine's name, identity and authorized key into its root.
 * Done before every boot, so a reset machine (empty upper layer) gets the
 * same host key and a changed lab key reaches every machine.
 */
export async function seedRoot(name: string, root: string, labPublicKey: string): Promise<void> {
  const id = await ensureMachineIdentity(name);
  await putFile(path.join(root, 'etc/hostname'), `${name}\n`, 0o644);
  await putFile(path.join(root, 'etc/hosts'), `127.0.0.1\tlocalhost\n127.0.1.1\t${name}\n::1\tlocalhost ip6-localhost ip6-loopback\n`, 0o644);
  await putFile(path.join(root, 'etc/machine-id'), `${id.machineId}\n`, 0o444);
  await putFile(path.join(root, 'etc/ssh/ssh_host_ed25519_key'), id.hostKey, 0o600);
  await putFile(path.join(root, 'etc/ssh/ssh_host_ed25519_key.pub'), `${id.hostKeyPub}\n`, 0o644);
  for (const user of ['root', OPS_USER]) {
    const ids = await userIds(root, user);
    const sshDir = path.join(root, ids.home, '.ssh');
    await mkdir(sshDir, { recursive: true });
    await chmod(sshDir, 0o700);
    await chown(sshDir, ids.uid, ids.gid);
    await putFile(path.join(sshDir, 'authorized_keys'), `${labPublicKey}\n`, 0o600, ids);
  }
}

/** How the lab recognises its own nspawn process for a machine. */
function nspawnArgs(name: string, root: string): string[] {
  return [
    `--directory=${root}`,
    `--machine=${name}`,
    '--boot',
    '--quiet',
    // there is no systemd (and so no machined) on the controller
    '--register=no',
    '--keep-unit',
    `--network-namespace-path=/run/netns/${netnsName(name)}`,
    // so that a firewall inside the machine can be configured
    '--capability=CAP_NET_ADMIN',
    '--console=read-only',
    '--link-journal=no',
    '--settings=no',
    '--resolv-conf=off',
    '--timezone=off',
  ];
}

export async function isMachineProcess(pid: number, name: string): Promise<boolean> {
  const argv = await cmdline(pid);
  return argv !== null && path.basename(argv[0] ?? '') === 'systemd-nspawn' && argv.includes(`--machine=${name}`);
}

/**
 * Starts systemd-nspawn detached from this process, inside the machine's own
 * cgroups (see cgroup.ts); returns its pid. A shell enters the groups and
 * then execs nspawn, so the pid is nspawn's.
 */
export async function startNspawn(name: string, root: string): Promise<number> {
  const enter = (await createMachineCgroups(name)).map((dir) => sh`echo $$ > ${path.join(dir, 'cgroup.procs')} && `).join('');
  const script = `${enter}${sh`exec systemd-nspawn ${nspawnArgs(name, root)}`}`;
  const consoleFd = openSync(machinePaths(name).console, 'w');
  try {
    const child = spawn('sh', ['-c', script], { detached: true, stdio: ['ignore', consoleFd, consoleFd] });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err) => reject(new LabError(`cannot start systemd-nspawn for ${name}: ${err.message}`)));
    });
    child.unref();
    if (child.pid === undefined) throw new LabError(`systemd-nspawn for ${name} has no pid`);
    return child.pid;
  } finally {
    closeSync(consoleFd);
  }
}

export async function consoleTail(name: string, lines = 15): Promise<string> {
  const text = await readFile(machinePaths(name).console, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** The machine's PID 1 (systemd), a child of the nspawn process. */
export async function findInitPid(name: string, nspawnPid: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await isRunning(nspawnPid))) {
      throw new LabError(`machine ${name} stopped while starting; its console says:\n${await consoleTail(name)}`);
    }
    for (const child of await childrenOf(nspawnPid)) {
      if ((await innerPid(child)) === 1) return child;
    }
    await sleep(50);
  }
  throw new LabError(`machine ${name}: systemd-nspawn (pid ${nspawnPid}) started no PID 1 within ${timeoutMs} ms`);
}

/** Runs a command inside a running machine, without the network: by entering its namespaces. */
export function inMachine(initPid: number, argv: string[], timeoutMs: number) {
  return run(['nsenter', '-t', String(initPid), '-m', '-u', '-i', '-n', '-p', '--', ...argv], { allowFail: true, timeoutMs });
}

/** Stops the machine cleanly (SIGTERM to nspawn), or by force after `graceMs`. */
export async function stopMachine(name: string, pid: number, initPid: number, graceMs: number): Promise<void> {
  if (await isMachineProcess(pid, name)) {
    signal(pid, 'SIGTERM');
    if (await waitForExit(pid, graceMs)) return;
  }
  // killing nspawn alone would orphan the machine: its PID 1 goes first
  if ((await innerPid(initPid)) === 1) signal(initPid, 'SIGKILL');
  if (await isMachineProcess(pid, name)) signal(pid, 'SIGKILL');
  await waitForExit(pid, 5000);
}

/** Everything of a stopped machine except its disk: the overlay mount and its network. */
export async function releaseMachine(name: string): Promise<void> {
  const p = machinePaths(name);
  if (await isMounted(p.root)) await unmount(p.root);
  await removeMachineNetwork(name);
  // nspawn leaves this behind on the controller when it cannot remove it
  await rmdir(path.join('/run/systemd/nspawn/propagate', name)).catch(() => {});
  // a group still holding the unreaped nspawn is reused by the next boot, and removed by `down`
  await removeMachineCgroups((await labCgroupParents()).map((parent) => path.join(parent, name)), 0);
}

/** Forgets the machine's disk: the next boot starts from the image. */
export async function wipeMachineDisk(name: string): Promise<void> {
  const p = machinePaths(name);
  if (await isMounted(p.root)) throw new LabError(`cannot wipe ${name}: ${p.root} is still mounted`);
  await rm(p.dir, { recursive: true, force: true });
}

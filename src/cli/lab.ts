/**
 * `ezplay lab ...`: the command group around src/lab. Printing lives here;
 * what the lab does lives in src/lab. Errors are LabErrors and reach the
 * main CLI, which prints them and chooses the exit code.
 */
import { spawn } from 'node:child_process';
import { Command, InvalidArgumentError } from 'commander';
import { LabError } from '../errors.js';
import type { LabInfo, LabStatus } from '../lab/index.js';

/** The lab itself, loaded only when a lab command runs. */
const lab = () => import('../lab/index.js');

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of 1 or more');
  return n;
}

const mib = (bytes: number | null): string => (bytes === null ? '-' : `${(bytes / 1048576).toFixed(1)} MiB`);

function printInfo(info: LabInfo, seconds: number): void {
  const lines = [
    `lab up in ${seconds.toFixed(1)} s: ${info.machines.length} machine(s) in the inventory, ${info.allMachines.length} running`,
    ...info.allMachines.map((m) => `  ${m.name.padEnd(6)} ${m.address.padEnd(15)} nspawn pid ${m.pid}`),
    `inventory    ${info.inventoryPath}`,
    `ssh key      ${info.keyPath}`,
    `known_hosts  ${info.knownHostsPath}`,
    `etcd         ${info.etcdTarballUrl} (sha256 ${info.etcdSha256.slice(0, 16)}...)`,
    `sudo user    ${info.opsUser} (password in ${info.statePath})`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

function printStatus(status: LabStatus): void {
  if (status.machines.length === 0) {
    process.stdout.write('the lab is down\n');
    return;
  }
  const rows = [['NAME', 'ADDRESS', 'STATE', 'NETWORK', 'PID', 'MEMORY', 'PROCS']];
  for (const m of status.machines) {
    rows.push([m.name, m.address, m.state, m.network, String(m.pid ?? '-'), mib(m.memoryBytes), String(m.processes ?? '-')]);
  }
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  const text = rows.map((r) => r.map((cell, col) => cell.padEnd(widths[col]!)).join('  ').trimEnd());
  text.push(`subnet ${status.subnet}, bridge ${status.bridgeAddress}`);
  if (status.http) text.push(`http ${status.http.url} (pid ${status.http.pid}, ${status.http.running ? 'running' : 'not running'})`);
  process.stdout.write(text.join('\n') + '\n');
}

async function runSsh(host: string, command: string[], user: string): Promise<number> {
  const { readLabState, sshArgv } = await lab();
  const state = await readLabState();
  if (!state) throw new LabError('the lab is not up (run `ezplay lab up`)');
  const [cmd, ...args] = sshArgv(state, host, command, user);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, args, { stdio: 'inherit' });
    child.on('error', (err) => reject(new LabError(`cannot run ssh: ${err.message}`)));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

export function registerLabCommands(program: Command): void {
  const group = program
    .command('lab')
    .description('local Debian machines (systemd-nspawn) for the demo and end-to-end tests')
    // so that `lab ssh lab1 ls -la` hands `-la` to the remote command
    .enablePositionalOptions();

  group
    .command('up')
    .description('boot the lab machines (keeps running ones) and write an inventory for them')
    .option('--hosts <n>', 'number of machines', positiveInt, 3)
    .option('--inventory <path>', 'where to write the inventory (default inventory/lab, or inventory/lab-NAME for a named lab)')
    .option('--subnet <cidr>', "private /24 for the lab network (default $EZPLAY_LAB_SUBNET, else the lab's own: 10.213.7.0/24 for the default lab)")
    .action(async (opts: { hosts: number; inventory?: string; subnet?: string }) => {
      const started = Date.now();
      const { labUp } = await lab();
      const info = await labUp({
        hosts: opts.hosts,
        ...(opts.inventory ? { inventoryPath: opts.inventory } : {}),
        ...(opts.subnet ? { subnet: opts.subnet } : {}),
      });
      printInfo(info, (Date.now() - started) / 1000);
    });

  group
    .command('down')
    .description('stop every machine and remove all of the lab (processes, mounts, namespaces, links, HTTP server)')
    .option('--all', 'every lab on this controller, named or not')
    .action(async (opts: { all?: boolean }) => {
      const { labDown, listLabs } = await lab();
      if (!opts.all) return labDown();
      const chosen = process.env.EZPLAY_LAB;
      try {
        for (const name of await listLabs()) {
          process.env.EZPLAY_LAB = name || 'default';
          await labDown();
        }
      } finally {
        if (chosen === undefined) delete process.env.EZPLAY_LAB;
        else process.env.EZPLAY_LAB = chosen;
      }
    });

  group
    .command('list')
    .description('the labs on this controller: the default one and every named one (EZPLAY_LAB=NAME, --lab NAME)')
    .action(async () => {
      const { listLabs, labNames } = await lab();
      for (const name of await listLabs()) {
        const names = labNames(name);
        process.stdout.write(`${(name || '(default)').padEnd(10)} ${names.machinePrefix}1... on ${names.bridge}, ${names.dir}\n`);
      }
    });

  group
    .command('status')
    .description("each machine's state, address and memory use")
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const status = await (await lab()).labStatus();
      if (opts.json) process.stdout.write(JSON.stringify(status, null, 2) + '\n');
      else printStatus(status);
    });

  group
    .command('ssh')
    .description('ssh into a machine (by name or address), host-key checking on')
    .argument('<host>', 'lab1, lab2, ... (NAME1, NAME2, ... in a named lab) or an address')
    .argument('[command...]', 'command to run instead of a shell')
    .option('--user <user>', 'log in as this user (before the host)', 'root')
    .passThroughOptions()
    .allowUnknownOption()
    .action(async (host: string, command: string[], opts: { user: string }) => {
      process.exitCode = await runSsh(host, command, opts.user);
    });

  group
    .command('reset')
    .description('stop a machine (or all), delete its disk and boot it fresh with the same address and host key')
    .argument('[host]', 'lab1, lab2, ... (default: every machine)')
    .action(async (host?: string) => {
      await (await lab()).labReset(host);
    });

  group
    .command('kill')
    .description("power cut: SIGKILL to the machine's PID 1 (`lab up` boots it again with its disk)")
    .argument('<host>')
    .action(async (host: string) => (await lab()).labKill(host));

  group
    .command('partition')
    .description("cut a machine's network (the controller's end of its veth goes down)")
    .argument('<host>')
    .action(async (host: string) => (await lab()).labPartition(host));

  group
    .command('heal')
    .description("restore a machine's network")
    .argument('<host>')
    .action(async (host: string) => (await lab()).labHeal(host));

  // every lab command works on one lab: `--lab NAME`, else $EZPLAY_LAB, else the default lab
  for (const command of group.commands) {
    command.option('--lab <name>', 'work on the named lab (default $EZPLAY_LAB, else the default lab)', labName);
  }
  group.hook('preAction', (_group, action) => {
    const name = (action.opts() as { lab?: string }).lab;
    if (name !== undefined) process.env.EZPLAY_LAB = name;
  });
}

/** A lab name as the option gives it; checked again (with its rules) when the lab is used. */
function labName(value: string): string {
  if (!/^[a-z][a-z0-9]{0,7}$/.test(value) && value !== 'default') {
    throw new InvalidArgumentError('a lab name is 1 to 8 lowercase letters and digits, starting and ending with a letter');
  }
  return value;
}

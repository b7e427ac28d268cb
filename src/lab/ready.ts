/**
 * When is a machine ready: systemd says `running` (booted, no failed units)
 * and sshd answers with its banner on the machine's address. The first is
 * asked by entering the machine's namespaces, which works before the
 * network or sshd do and costs no SSH handshake.
 */
import net from 'node:net';
import { LabError } from '../errors.js';
import { consoleTail, inMachine } from './machine.js';
import { isRunning, sleep } from './proc.js';

export interface BootingMachine {
  name: string;
  address: string;
  pid: number;
  initPid: number;
}

export async function waitForSystemRunning(m: BootingMachine, deadline: number): Promise<void> {
  let last = '';
  while (Date.now() < deadline) {
    if (!(await isRunning(m.pid))) {
      throw new LabError(`machine ${m.name} stopped while booting; its console says:\n${await consoleTail(m.name)}`);
    }
    const result = await inMachine(m.initPid, ['systemctl', 'is-system-running', '--wait'], Math.max(1000, deadline - Date.now()));
    last = result.stdout.trim() || result.stderr.trim();
    if (last === 'running') return;
    if (last === 'degraded') {
      const failed = await inMachine(m.initPid, ['systemctl', '--failed', '--plain', '--no-legend'], 5000);
      throw new LabError(`machine ${m.name} booted degraded; failed units:\n${failed.stdout.trim()}`);
    }
    // not yet reachable (the bus is not up yet): ask again shortly
    await sleep(200);
  }
  throw new LabError(`machine ${m.name} did not reach "running" in time (last answer: ${last || 'none'}); console:\n${await consoleTail(m.name)}`);
}

function sshBanner(address: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port: 22 });
    let data = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.includes('\n')) done(data.startsWith('SSH-'));
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(data.startsWith('SSH-')));
  });
}

export async function waitForSsh(m: { name: string; address: string }, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (await sshBanner(m.address, Math.min(2000, Math.max(100, deadline - Date.now())))) return;
    await sleep(200);
  }
  throw new LabError(`machine ${m.name}: sshd on ${m.address}:22 did not answer in time`);
}

export async function waitUntilReady(m: BootingMachine, deadline: number): Promise<void> {
  await waitForSystemRunning(m, deadline);
  await waitForSsh(m, deadline);
}

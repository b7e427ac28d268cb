/**
 * reboot on a lab machine. The machines are systemd-nspawn containers: a
 * reboot inside one stops it (nspawn exits, status 133, as it does without
 * a service manager to restart it), so this test plays the part of the
 * machine's power supply and boots it again with `lab up` once it is down.
 * The task meanwhile reconnects until the host runs on a new boot id.
 */
import test from 'ava';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lab, labUp, readLabState, silentLog } from '../../src/lab/index.js';
import { describeRun, labProject, onHost, resultOf, runPlay } from '../helpers/lab-play.js';

const HOST = 'mods2';

const PLAY = `
- hosts: ${HOST}
  gather_facts: no
  tasks:
    - name: reboot
      reboot: reboot_timeout=180 test_command='systemctl is-system-running --wait' post_reboot_delay=1
      register: rebooted
    - name: after
      command: cat /proc/sys/kernel/random/boot_id
      register: boot
    - name: shown
      debug: msg="{{ rebooted.rebooted }} {{ boot.stdout }}"
`;

/** The nspawn process of the lab's second machine. */
async function machinePid(): Promise<number> {
  const state = await readLabState();
  const machine = state?.machines.find((m) => m.name === `${lab().machinePrefix}2`);
  if (!machine) throw new Error('the lab has no second machine');
  return machine.pid;
}

async function waitUntilDown(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!existsSync(`/proc/${pid}`)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

test.serial('reboot: the host goes down, comes back on a new boot id, and the play goes on', async (t) => {
  const dir = await labProject({ 'play.yml': PLAY });
  const oldBoot = (await onHost(HOST, 'cat /proc/sys/kernel/random/boot_id')).trim();
  const pid = await machinePid();

  const check = await runPlay(dir, 'play.yml', ['--check']);
  t.is(resultOf(check, 'reboot', HOST).status, 'changed', describeRun(check));
  t.is((await onHost(HOST, 'cat /proc/sys/kernel/random/boot_id')).trim(), oldBoot, '--check reboots nothing');

  const running = runPlay(dir, 'play.yml', [], 300_000);
  t.true(await waitUntilDown(pid, 60_000), 'the machine went down');
  await labUp({ hosts: 2, inventoryPath: path.join(os.tmpdir(), `ezplay-reboot-test-${lab().name || 'default'}`), log: silentLog });
  const run = await running;

  t.is(run.code, 0, describeRun(run));
  const reboot = resultOf(run, 'reboot', HOST);
  t.is(reboot.status, 'changed');
  t.is((reboot.result as { rebooted?: unknown }).rebooted, true);
  const newBoot = (await onHost(HOST, 'cat /proc/sys/kernel/random/boot_id')).trim();
  t.not(newBoot, oldBoot);
  t.regex(resultOf(run, 'shown', HOST).msg ?? JSON.stringify(resultOf(run, 'shown', HOST).result), new RegExp(`True ${newBoot}`));
});

/**
 * `lab down` leaves nothing behind. Named to run last among the end-to-end
 * files (ava runs them in alphabetical order, one at a time); it brings the
 * lab back up at the end for whoever uses it next.
 */
import test from 'ava';
import { existsSync } from 'node:fs';
import { lab, labDown, readLabState, silentLog } from '../../src/lab/index.js';
import { ensureLab, findLabLeftovers, isLiveProcess, labSshOk, listeningOn } from '../helpers/lab.js';

test.serial('lab down leaves no process, mount, namespace, link or HTTP server; lab up restores it', async (t) => {
  const info = await ensureLab();
  const state = await readLabState();
  const httpPid = state?.http?.pid;
  t.truthy(httpPid);
  const before = findLabLeftovers();
  // earlier tests may have grown the lab beyond the three machines the inventory names
  t.true(before.processes.length >= info.allMachines.length * 2, 'the running lab is visible to the check');
  t.is(before.mounts.length, info.allMachines.length);
  t.is(before.netns.length, info.allMachines.length);
  t.true(before.links.includes('ezlab0'));
  t.true(listeningOn(Number(new URL(info.httpUrl).port)), 'the HTTP server listens before');

  const started = Date.now();
  await labDown({ log: silentLog });
  t.log(`lab down: ${Date.now() - started} ms`);

  const after = findLabLeftovers();
  t.deepEqual(after.processes, [], 'no nspawn, machine or HTTP server process');
  t.deepEqual(after.mounts, [], 'no overlay mount');
  t.deepEqual(after.netns, [], 'no network namespace');
  t.deepEqual(after.links, [], 'no veth and no bridge');
  t.false(isLiveProcess(httpPid!), 'the HTTP server pid is gone');
  for (const m of info.allMachines) {
    t.false(isLiveProcess(m.pid), `${m.name} nspawn is gone`);
    t.false(isLiveProcess(m.initPid), `${m.name} PID 1 is gone`);
  }
  t.false(listeningOn(Number(new URL(info.httpUrl).port)), 'nothing listens on the HTTP port');
  t.false(existsSync(lab().statePath));

  const again = await ensureLab();
  t.is(again.machines.length, 3);
  t.is((await labSshOk('lab1', 'systemctl is-system-running')).trim(), 'running');
});

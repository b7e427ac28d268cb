/**
 * Runs of playbooks/etcd.yml that fail part-way, from bare machines: a
 * wrong checksum for the release, and a member whose power is cut in the
 * middle. Every change the run made is undone on every member that can
 * still be reached (and the controller's new CA with them); a corrected
 * run then converges to a healthy cluster.
 */
import test from 'ava';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { labKill, silentLog, type LabInfo } from '../../src/lab/index.js';
import { changedTotal, ensureBare, etcdLab, failures, fingerprints, forgetControllerPki, hostResults, runPlaybook, SSL_DIR } from '../helpers/etcd.js';

let lab: LabInfo;
let bare: Record<string, string>;

test.before(async () => {
  lab = await ensureBare(await etcdLab());
  forgetControllerPki();
  bare = await fingerprints(lab);
});

function rollbackOf(run: Awaited<ReturnType<typeof runPlaybook>>) {
  const end = run.events.find((e) => e.type === 'rollback_end');
  const steps = run.events.filter((e) => e.type === 'rollback_step');
  return { end, steps };
}

test.serial('a wrong checksum for the binary rolls every member back', async (t) => {
  const run = await runPlaybook(lab, ['-e', `etcd_sha256=${'0'.repeat(64)}`]);
  t.is(run.code, 2, 'a failed host');
  const download = hostResults(run, 'etcd release tarball, verified by sha256')[0];
  t.is(download?.status, 'failed');
  t.regex(String(download?.msg), /checksum mismatch/);
  for (const m of lab.machines) t.true(run.recap[m.address]!.changed > 0, `${m.address} had changed before the failure`);

  const { end, steps } = rollbackOf(run);
  t.truthy(end, 'a rollback ran');
  t.is(end?.failed, 0, steps.filter((s) => s.status !== 'undone').map((s) => `${s.host} ${s.task}: ${s.msg}`).join('\n'));
  t.is(end?.cannotUndo, 0);
  t.deepEqual(await fingerprints(lab), bare, 'every member is as bare as before');
  t.false(existsSync(path.join(SSL_DIR, 'ca.pem')), 'the CA this run made is gone too');
});

test.serial('a member killed in the middle: the others roll back, and a corrected run converges', async (t) => {
  const victim = lab.machines[2]!;
  let killed: Promise<void> | undefined;
  const run = await runPlaybook(lab, [], {
    onEvent: (e) => {
      if (!killed && e.type === 'task_start' && e.name === 'etcd systemd unit') killed = labKill(victim.name, { log: silentLog });
    },
  });
  await killed;
  t.truthy(killed, 'the machine was killed mid-run');
  t.not(run.code, 0);
  t.is(run.recap[victim.address]?.unreachable, 1, failures(run));
  const { end } = rollbackOf(run);
  t.truthy(end, 'a rollback ran');

  const survivors = lab.machines.filter((m) => m !== victim);
  const now = await fingerprints({ ...lab, machines: survivors });
  for (const m of survivors) t.is(now[m.address], bare[m.address], `${m.address} rolled back to bare`);
  t.false(existsSync(path.join(SSL_DIR, 'ca.pem')));

  lab = await etcdLab();
  const fixed = await runPlaybook(lab);
  t.is(fixed.code, 0, failures(fixed));
  t.is(hostResults(fixed, 'etcd cluster health')[0]?.status, 'ok');
  const again = await runPlaybook(lab);
  t.is(changedTotal(again), 0, 'converged');
});

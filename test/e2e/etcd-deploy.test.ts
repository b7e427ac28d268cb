/**
 * playbooks/etcd.yml in the lab, from bare machines to a healthy TLS
 * cluster and through a change to it: the plan on bare machines changes
 * nothing; the first run makes a three-member cluster that etcdctl on the
 * controller reaches with the client certificate (and not without); a
 * second run changes and restarts nothing; a changed unit flag shows as a
 * diff in check mode and then rolls out one member at a time, the leader
 * last, while a client keeps writing.
 */
import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LabInfo } from '../../src/lab/index.js';
import {
  changedTotal,
  etcdctl,
  failures,
  ensureBare,
  etcdLab,
  fingerprints,
  forgetControllerPki,
  hostResults,
  keysUnder,
  mainPids,
  resetMembers,
  runPlaybook,
  SSL_DIR,
  startWriter,
  unitHashes,
} from '../helpers/etcd.js';

let lab: LabInfo;

test.before(async () => {
  lab = await ensureBare(await etcdLab());
  forgetControllerPki();
});

test.serial('--check on bare machines lists the whole plan and changes nothing', async (t) => {
  const before = await fingerprints(lab);
  const run = await runPlaybook(lab, ['--check', '--diff']);
  t.is(run.code, 0, failures(run));
  t.log(`--check on bare machines: ${run.ms} ms`);

  // a loop reports each item: a host counts once
  const planned = (task: string) => [...new Set(hostResults(run, task).filter((e) => e.status === 'changed').map((e) => e.host))].sort();
  const members = lab.machines.map((m) => m.address).sort();
  t.deepEqual(hostResults(run).filter((e) => e.status === 'failed').map((e) => `${e.host}: ${e.task}`), [], 'no task failed');
  // the whole role is planned: what a task depends on (a folder, a certificate, a unit) is what an earlier task would make
  for (const task of [
    'etcd group',
    'etcd system user, no login shell',
    'binary and certificate folders',
    'data and WAL folders, private to etcd',
    'etcd binaries, replaced only when they differ',
    'the release the binaries came from',
    'CA certificate, and the member\'s own certificate and key',
    'etcd client and peer ports open',
    'etcd systemd unit',
    'etcd enabled at boot, systemd reloaded',
  ]) {
    t.deepEqual(planned(task), members, `planned on every member: ${task}`);
  }
  t.is(planned('cluster CA (created once, never overwritten)').length, 1, 'the CA is planned once');
  t.deepEqual(planned('server and peer certificate of each member'), members);
  for (const e of hostResults(run, 'etcd systemd unit')) {
    const diff = (e.diff ?? []).map((d: { after: string }) => d.after).join('\n');
    t.regex(diff, /EnvironmentFile=-\/etc\/etcd\/initial-cluster.env/);
    t.regex(diff, /--client-cert-auth/);
  }
  const starts = [...planned('the first member of a new cluster started alone'), ...planned('every other stopped member started at once')].sort();
  t.deepEqual(starts, members, 'every member is planned to start');
  for (const e of hostResults(run, "etcd's first-start flags (--initial-cluster and friends)")) {
    t.regex((e.diff ?? []).map((d: { after: string }) => d.after).join('\n'), /ETCD_INITIAL_CLUSTER_STATE=new/);
  }
  t.is(hostResults(run, "etcd's first-start flags (--initial-cluster and friends)").length, 3);

  t.deepEqual(await fingerprints(lab), before, 'no member changed');
  t.false(existsSync(path.join(SSL_DIR, 'ca.pem')), 'no CA on the controller either');
});

test.serial('three bare machines become a healthy three-member cluster over TLS', async (t) => {
  const run = await runPlaybook(lab);
  t.is(run.code, 0, failures(run));
  t.log(`fresh deploy: ${run.ms} ms`);
  for (const m of lab.machines) t.true(run.recap[m.address]!.changed > 0);

  const health = hostResults(run, 'etcd cluster health')[0];
  t.is(health?.status, 'ok');
  t.is(health?.result?.members.length, 3);
  const table = hostResults(run, 'etcd cluster health table')[0]?.result?.msg as string[];
  t.is(table.length, 4, 'a header and one row per member');
  t.is(table.filter((l) => / leader /.test(l)).length, 1);

  const list = await etcdctl(lab, ['member', 'list', '-w', 'json']);
  t.is(list.code, 0, list.stderr);
  const members = JSON.parse(list.stdout).members as Array<{ name: string; peerURLs: string[]; clientURLs: string[] }>;
  t.deepEqual(members.map((m) => m.name).sort(), lab.machines.map((m) => `etcd-${m.address}`).sort());
  for (const m of members) {
    t.true(m.peerURLs.every((u) => u.startsWith('https://')), 'peers talk TLS');
    t.true(m.clientURLs.every((u) => u.startsWith('https://')), 'clients talk TLS');
  }
  const health2 = await etcdctl(lab, ['endpoint', 'health']);
  t.is(health2.code, 0, health2.stderr);
  t.is((health2.stderr + health2.stdout).match(/is healthy/g)?.length, 3);
  t.is((await etcdctl(lab, ['put', 'e2e/hello', 'world'])).code, 0);
  t.is((await etcdctl(lab, ['get', 'e2e/hello', '--print-value-only'])).stdout.trim(), 'world');

  const anonymous = await etcdctl(lab, ['get', 'e2e/hello'], { withCert: false });
  t.not(anonymous.code, 0, 'a client without a certificate is refused');
  t.regex(anonymous.stderr, /certificate|handshake|deadline exceeded/i);

  for (const file of ['ca.pem', 'ca-key.pem', 'client.pem', 'client-key.pem', ...lab.machines.flatMap((m) => [`etcd-${m.address}.pem`, `etcd-${m.address}-key.pem`])]) {
    t.true(existsSync(path.join(SSL_DIR, file)), `${file} on the controller`);
  }
});

test.serial('a second run changes nothing and restarts nothing', async (t) => {
  const pids = await mainPids(lab);
  const before = await fingerprints(lab);
  const run = await runPlaybook(lab);
  t.is(run.code, 0, failures(run));
  t.log(`re-run: ${run.ms} ms`);
  for (const [host, counters] of Object.entries(run.recap)) t.is(counters.changed, 0, `changed=0 on ${host}`);
  t.deepEqual(await mainPids(lab), pids, "etcd's MainPID is the same on every member");
  t.deepEqual(await fingerprints(lab), before);
  t.is(hostResults(run, 'restart etcd on one member').length, 0);
});

test.serial('a changed unit flag: --check --diff shows it on every member and changes nothing', async (t) => {
  const hashes = await unitHashes(lab);
  const pids = await mainPids(lab);
  const run = await runPlaybook(lab, ['-e', 'etcd_snapshot_count=20000', '--check', '--diff']);
  t.is(run.code, 0, failures(run));
  t.log(`--check with a change: ${run.ms} ms`);
  const units = hostResults(run, 'etcd systemd unit');
  t.deepEqual(units.map((e) => e.host).sort(), lab.machines.map((m) => m.address).sort());
  for (const e of units) {
    t.is(e.status, 'changed');
    const [diff] = e.diff as Array<{ before: string; after: string }>;
    t.regex(diff!.before, /--snapshot-count=50000/);
    t.regex(diff!.after, /--snapshot-count=20000/);
  }
  t.is(hostResults(run, 'restart etcd on one member').length, 3, 'the plan holds the rolling restart');
  t.deepEqual(await unitHashes(lab), hashes, 'no unit changed');
  t.deepEqual(await mainPids(lab), pids, 'no member restarted');
});

test.serial('the change rolls out one member at a time, the leader last, while a client writes every 50 ms', async (t) => {
  const pids = await mainPids(lab);
  const prefix = `e2e/roll/${Date.now()}/`;
  const writer = startWriter(lab, prefix, 50);
  await new Promise((r) => setTimeout(r, 500));
  const run = await runPlaybook(lab, ['-e', 'etcd_snapshot_count=20000']);
  await new Promise((r) => setTimeout(r, 500));
  const report = await writer.stop();
  t.is(run.code, 0, failures(run));
  t.log(`rolling restart: ${run.ms} ms, ${report.acked.length} writes acknowledged, ${report.failed.length} failed`);

  const after = await mainPids(lab);
  for (const m of lab.machines) t.not(after[m.address], pids[m.address], `${m.address} restarted`);
  t.true(report.maxDown <= 1, 'never more than one member down');
  t.log(`members seen down at once: at most ${report.maxDown}`);

  const leader = hostResults(run, 'find the leader before the rolling restart')[0]?.result?.leader as string;
  t.truthy(leader);
  const restarts = hostResults(run, 'restart etcd on one member');
  t.is(restarts.length, 3);
  const order = restarts.map((e) => e.delegatedTo ?? e.host);
  t.is(new Set(order).size, 3, 'each member once');
  t.is(`https://${order[2]}:2379`, leader, 'the leader last');

  // A write may fail only while the leader is away: from the move of its
  // leadership to a follower (before it restarts) to the health check after
  // its restart.
  const leaderRestart = run.events.filter((e) => e.type === 'task_start' && e.name === 'move the leadership away from the member').at(-1)!.at;
  const healthyAgain = hostResults(run, 'wait until the cluster is healthy again').at(-1)!.at;
  for (const f of report.failed) {
    t.true(f.at >= leaderRestart - 1000 && f.at <= healthyAgain + 1000, `write ${f.key} failed outside the leader election: ${f.error}`);
  }
  t.true(report.failed.length <= 40, 'at most two seconds of failed writes');

  const stored = await keysUnder(lab, prefix);
  const lost = report.acked.filter((k) => !stored.has(k));
  t.deepEqual(lost, [], 'every acknowledged write is readable');
  t.true(report.acked.length > 20);

  const again = await runPlaybook(lab, ['-e', 'etcd_snapshot_count=20000']);
  t.is(changedTotal(again), 0, 'and converged');
});

test.serial('--check on bare machines with the certificates already issued plans the pushes and changes nothing', async (t) => {
  lab = await resetMembers(lab);
  const before = await fingerprints(lab);
  const pki = fingerprintsOfPki();
  const run = await runPlaybook(lab, ['--check']);
  t.is(run.code, 0, failures(run));
  t.is(changedTotal(run) > 0, true);
  const pushes = hostResults(run, 'CA certificate, and the member\'s own certificate and key').filter((e) => e.status === 'changed');
  t.is(new Set(pushes.map((e) => e.host)).size, 3, 'the certificates are planned to be pushed to every member');
  t.deepEqual(await fingerprints(lab), before, 'no member changed');
  t.deepEqual(fingerprintsOfPki(), pki, 'the PKI on the controller is as it was');
});

function fingerprintsOfPki(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of readdirSync(SSL_DIR).sort()) out[file] = readFileSync(path.join(SSL_DIR, file), 'utf8');
  return out;
}

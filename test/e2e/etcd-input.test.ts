/**
 * Wrong input and unsafe membership against a running cluster: each run is
 * refused with a message that says what is wrong, and changes nothing on
 * any member. Also `ezplay status`, which reads and never changes.
 */
import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LabInfo } from '../../src/lab/index.js';
import { labSshOk } from '../helpers/lab.js';
import {
  changedTotal,
  etcdctl,
  etcdLab,
  failures,
  fingerprints,
  forgetControllerPki,
  hostResults,
  resetMembers,
  inventoryVariant,
  runCli,
  runPlaybook,
  ROOT,
  type PlaybookRun,
} from '../helpers/etcd.js';

let lab: LabInfo;
let dir: string;

test.before(async () => {
  lab = await etcdLab();
  dir = mkdtempSync(path.join(tmpdir(), 'ezplay-etcd-input-'));
  // the cluster the earlier files left, or a new one when it cannot converge
  let run = await runPlaybook(lab);
  if (run.code !== 0) {
    lab = await resetMembers(lab);
    forgetControllerPki();
    run = await runPlaybook(lab);
  }
  if (run.code !== 0) throw new Error(`no cluster to test against:\n${failures(run)}`);
});

test.after.always(() => rmSync(dir, { recursive: true, force: true }));

function inventory(name: string, hosts: string[], group = 'etcd'): string {
  const file = path.join(dir, name);
  writeFileSync(file, inventoryVariant(lab, hosts, group));
  return file;
}

function failedMessage(run: PlaybookRun, task: string): string {
  const failed = hostResults(run, task).find((e) => e.status === 'failed');
  return String(failed?.msg ?? '');
}

const addresses = () => lab.machines.map((m) => m.address);

test.serial('an even member count is refused before any member is touched', async (t) => {
  const before = await fingerprints(lab);
  const run = await runPlaybook(lab, [], { inventory: inventory('two', addresses().slice(0, 2)) });
  t.is(run.code, 2);
  const msg = failedMessage(run, 'an odd number of members');
  t.regex(msg, /has 2 members/);
  t.regex(msg, /etcd_allow_even_members=true/);
  t.is(hostResults(run, 'Gathering Facts').length, 0, 'no member was even contacted');
  t.deepEqual(await fingerprints(lab), before);
});

test.serial('no [etcd] group, or an empty one, is refused', async (t) => {
  for (const file of [inventory('nogroup', addresses(), 'members'), inventory('empty', [])]) {
    const run = await runPlaybook(lab, [], { inventory: file });
    t.is(run.code, 2);
    t.regex(failedMessage(run, 'the inventory has a non-empty [etcd] group'), /no members in an \[etcd\] group/);
  }
});

test.serial('an undefined variable in the unit template stops the run before any change', async (t) => {
  const before = await fingerprints(lab);
  const run = await runPlaybook(lab, ['-e', JSON.stringify({ etcd_extra_args: ['--log-level={{ no_such_level }}'] })]);
  t.is(run.code, 2);
  t.regex(failedMessage(run, 'the etcd unit renders'), /no_such_level/);
  t.is(changedTotal(run), 0);
  t.deepEqual(await fingerprints(lab), before);
});

test.serial('an etcd port held by another program is refused before any change', async (t) => {
  const before = await fingerprints(lab);
  // sshd holds port 22 on every member
  const run = await runPlaybook(lab, ['-e', 'etcd_peer_port=22']);
  t.is(run.code, 2);
  t.regex(failedMessage(run, 'the etcd ports are free or held by etcd'), /another program listens on the etcd ports \(.*:22 users:\(\("sshd"/);
  t.is(changedTotal(run), 0);
  t.deepEqual(await fingerprints(lab), before);
});

test.serial('an unreachable member stops the run before any change', async (t) => {
  // its sshd does not answer: the member's address, on a port nothing listens on
  const victim = lab.machines[2]!;
  const others = { ...lab, machines: lab.machines.slice(0, 2) };
  const before = await fingerprints(others);
  const hosts = [...addresses().slice(0, 2), `${victim.address} ansible_port=1`];
  const run = await runPlaybook(lab, [], { inventory: inventory('unreachable', hosts) });
  t.not(run.code, 0);
  t.is(run.recap[victim.address]?.unreachable, 1);
  t.regex(failedMessage(run, 'every member answered'), new RegExp(`could be reached: ${victim.address.replace(/\./g, '\\.')}`));
  t.is(changedTotal(run), 0);
  t.deepEqual(await fingerprints(others), before);
});

test.serial('ezplay status: the health table, healthy or not, changing nothing', async (t) => {
  const status = (extra: string[] = []) => runCli(['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'status', '-i', lab.inventoryPath, ...extra]);
  const before = await fingerprints(lab);
  const ok = await status();
  t.is(ok.code, 0, ok.stderr);
  const lines = ok.stdout.trim().split('\n');
  t.regex(lines[0]!, /^ENDPOINT\s+HEALTH/);
  t.is(lines.filter((l) => /^https:\/\/\S+\s+healthy/.test(l)).length, 3);
  t.regex(lines.at(-1)!, /etcd cluster is healthy \(3 members, leader https:\/\//);
  t.deepEqual(await fingerprints(lab), before);

  const victim = lab.machines[2]!;
  await labSshOk(victim.name, 'systemctl stop etcd');
  try {
    const bad = await status(['--json']);
    t.is(bad.code, 2);
    const report = JSON.parse(bad.stdout.trim().split('\n').at(-1)!);
    t.false(report.healthy);
    t.regex(report.problems.join('; '), new RegExp(`unhealthy: https://${victim.address.replace(/\./g, '\\.')}:2379`));
  } finally {
    await labSshOk(victim.name, 'systemctl start etcd');
  }
});

test.serial('a member that lost its data is refused; removed from the cluster, it joins again as a learner', async (t) => {
  const victim = lab.machines[2]!;
  const peer = `https://${victim.address}:2380`;
  await labSshOk(victim.name, 'systemctl stop etcd && rm -rf /var/lib/etcd/member');
  const before = await fingerprints(lab);
  const refused = await runPlaybook(lab);
  t.is(refused.code, 2);
  const msg = failedMessage(refused, "plan the cluster's membership");
  t.regex(msg, /already started: its data is lost/);
  t.regex(msg, /etcdctl member remove/);
  t.regex(msg, /ezplay etcd replace/);
  t.is(changedTotal(refused), 0);
  t.deepEqual(await fingerprints(lab), before, 'nothing changed, and the member was not started');

  const list = await etcdctl(lab, ['member', 'list', '-w', 'json']);
  const members = JSON.parse(list.stdout.replace(/"ID":(\d+)/g, '"ID":"$1"')).members as Array<{ ID: string; peerURLs: string[] }>;
  const id = BigInt(members.find((m) => m.peerURLs.includes(peer))!.ID).toString(16);
  t.is((await etcdctl(lab, ['member', 'remove', id])).code, 0);

  const joined = await runPlaybook(lab);
  t.is(joined.code, 0, failures(joined));
  t.is(hostResults(joined, 'add the new member as a learner')[0]?.status, 'changed');
  const env = await labSshOk(victim.name, 'cat /etc/etcd/initial-cluster.env');
  t.regex(env, /ETCD_INITIAL_CLUSTER_STATE=existing/, 'the new member joined the running cluster');
  t.is(hostResults(joined, 'etcd cluster health')[0]?.status, 'ok');
  t.is(hostResults(joined, 'restart etcd on one member').length, 0, 'the other members did not restart');
  t.is(changedTotal(await runPlaybook(lab)), 0, 'converged');
});

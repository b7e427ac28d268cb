/**
 * etcd membership through the cluster's life, in a lab of five machines,
 * with a client writing a key every 50 ms throughout: grow 3 -> 5 by
 * inventory, shrink 5 -> 3 with one removed machine dead, bad requests
 * refused before any change, and a member whose WAL was corrupted while
 * its machine was off named by `ezplay status` and replaced. Each run must
 * keep every acknowledged write, restart no member that stays, leave no
 * learner, and a second run must change nothing.
 */
import './../helpers/member-lab.js';
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { labKill, labUp, silentLog, type LabInfo } from '../../src/lab/index.js';
import { machinePaths } from '../../src/lab/paths.js';
import {
  changedTotal,
  ensureBare,
  etcdctl,
  failures,
  forgetControllerPki,
  hostResults,
  inventoryVariant,
  keysUnder,
  ROOT,
  runCli,
  runPlaybook,
  startWriter,
  type PlaybookRun,
  type WriterReport,
} from '../helpers/etcd.js';
import { labSsh, labSshOk } from '../helpers/lab.js';
import { corruptWal } from '../helpers/wal.js';

let all: LabInfo;
/** a lab of the first n machines, with an inventory naming exactly them */
function first(n: number): LabInfo {
  const machines = all.machines.slice(0, n);
  const inventoryPath = path.join(tmpdir(), `ezplay-e2e-member-inventory-${n}`);
  writeFileSync(inventoryPath, inventoryVariant(all, machines.map((m) => m.address)));
  return { ...all, machines, inventoryPath };
}
const ezplay = (args: string[]) => runCli(['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args], { timeoutMs: 600_000 });
const cluster = ['-e', 'cluster_name=member'];

test.before(async () => {
  all = await labUp({ hosts: 5, log: silentLog, inventoryPath: path.join(tmpdir(), 'ezplay-lab-member-inventory') });
  all = await ensureBare({ ...all, machines: all.machines.slice(0, 5) });
  forgetControllerPki();
  const deploy = await runPlaybook(first(3));
  if (deploy.code !== 0) throw new Error(`deploying three members failed:\n${failures(deploy)}`);
});

interface Member {
  id: string;
  name: string;
  isLearner?: boolean;
}

async function members(lab: LabInfo): Promise<Member[]> {
  const list = await etcdctl(lab, ['member', 'list', '-w', 'json']);
  if (list.code !== 0) throw new Error(list.stderr);
  return JSON.parse(list.stdout.replace(/"ID":(\d+)/g, '"ID":"$1"')).members as Member[];
}

/** MainPID and ActiveEnterTimestamp of etcd: both stay when it was not restarted. */
async function starts(lab: LabInfo): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await Promise.all(lab.machines.map(async (m) => (out[m.address] = (await labSshOk(m.name, 'systemctl show etcd -p MainPID -p ActiveEnterTimestamp')).trim())));
  return out;
}

/** Every acknowledged write is there, a handful failed at most, every endpoint answers as healthy. */
async function checkCluster(t: any, lab: LabInfo, writes: WriterReport, prefix: string, count: number): Promise<void> {
  const list = await members(lab);
  t.is(list.length, count, `${count} members`);
  t.false(list.some((m) => m.isLearner), 'no learner left');
  const health = await etcdctl(lab, ['endpoint', 'health']);
  t.is(health.code, 0, health.stderr);
  t.is((health.stderr + health.stdout).match(/is healthy/g)?.length, count);
  const stored = await keysUnder(lab, prefix);
  const lost = writes.acked.filter((k) => !stored.has(k));
  t.deepEqual(lost, [], 'no acknowledged write lost');
  t.true(writes.acked.length > 20, `the writer kept writing (${writes.acked.length} acknowledged)`);
  t.true(writes.failed.length <= 5, `at most a handful of failed writes: ${JSON.stringify(writes.failed.slice(0, 10))}`);
}

const seconds = (run: PlaybookRun) => (run.ms / 1000).toFixed(1);

test.serial('grow 3 -> 5 by inventory: two learners, one at a time, no member restarts', async (t) => {
  const three = first(3);
  const five = first(5);
  const before = await starts(three);
  const checked = await runPlaybook(five, ['--check', '--diff']);
  t.is(checked.code, 0, failures(checked));
  const plan = (hostResults(checked, 'the membership plan')[0]?.result?.msg ?? []) as string[];
  t.regex(plan.join('\n'), /join 1\/2: etcdctl member add etcd-\S+ --peer-urls=\S+ --learner/);
  t.true(plan.includes('restarts: none (no running member changes what it does)'));
  t.is((await members(three)).length, 3, 'check mode added nobody');

  const writer = startWriter(three, 'grow/');
  const run = await runPlaybook(five);
  const writes = await writer.stop();
  t.is(run.code, 0, failures(run));
  t.log(`grow 3 -> 5: ${seconds(run)} s (${(run.ms / 2000).toFixed(1)} s a member), ${writes.acked.length} writes, ${writes.failed.length} failed`);
  const joinStart = run.events.find((e) => e.type === 'task_start' && e.name === 'the cluster is healthy before a member is added')?.at ?? 0;
  const joinEnd = hostResults(run, "the new member's first-start flags, as the inventory lists the members").at(-1)?.at ?? 0;
  t.log(`the joins alone (health gate, add, start, catch up, promote, health gate): ${((joinEnd - joinStart) / 2000).toFixed(1)} s a member`);
  t.is(hostResults(run, 'add the new member as a learner').filter((e) => e.status === 'changed').length, 2);
  t.is(hostResults(run, 'promote the learner once its raft index has caught up with the leader\'s').filter((e) => e.status === 'changed').length, 2);
  t.is(hostResults(run, 'restart etcd on one member').length, 0, 'no rolling restart');
  t.deepEqual(await starts(three), before, 'no member that was running restarted');
  await checkCluster(t, five, writes, 'grow/', 5);

  const again = await runPlaybook(five);
  t.is(again.code, 0, failures(again));
  t.is(changedTotal(again), 0, 'a second run changes nothing');
});

test.serial('bad requests are refused before any change', async (t) => {
  const five = first(5);
  const before = await starts(five);
  const unknown = await ezplay(['etcd', 'remove', '10.0.0.99', '-i', five.inventoryPath, '--json', ...cluster]);
  t.is(unknown.code, 2);
  t.regex(unknown.stdout, /10\.0\.0\.99 not in the inventory's \[etcd\] group/);
  const even = await ezplay(['etcd', 'remove', five.machines[4]!.address, '-i', five.inventoryPath, '--json', ...cluster]);
  t.is(even.code, 2);
  t.regex(even.stdout, /leaves 4 members: an even count/);
  const notInGroup = await ezplay(['etcd', 'add', '10.0.0.99', '-i', five.inventoryPath, '--json', ...cluster]);
  t.is(notInGroup.code, 2);
  t.regex(notInGroup.stdout, /10\.0\.0\.99 not in the inventory's \[etcd\] group: add it there first/);
  for (const run of [unknown, even, notInGroup]) t.is(changedTotal(run), 0);
  t.is((await members(five)).length, 5);
  t.deepEqual(await starts(five), before);
});

test.serial('shrink 5 -> 3, one removed machine dead: removed from the cluster, the others stopped and moved aside', async (t) => {
  const three = first(3);
  const five = first(5);
  const [fourth, fifth] = [five.machines[3]!, five.machines[4]!];
  const before = await starts(three);
  await labKill(fifth.name, { log: silentLog });

  const writer = startWriter(three, 'shrink/');
  const run = await ezplay(['etcd', 'remove', fourth.address, fifth.address, '-i', five.inventoryPath, '--json', ...cluster]);
  const writes = await writer.stop();
  t.is(run.code, 0, failures(run));
  t.log(`shrink 5 -> 3: ${seconds(run)} s, ${writes.acked.length} writes, ${writes.failed.length} failed`);
  const said = hostResults(run, 'the removed members whose machines do not answer')[0]?.result?.msg as string;
  t.regex(said, new RegExp(`${fifth.address.replace(/\./g, '\\.')} did not answer over ssh: removed from the\\s+cluster only`));
  t.deepEqual(await starts(three), before, 'no member that stays restarted');
  await checkCluster(t, three, writes, 'shrink/', 3);
  t.is((await labSshOk(fourth.name, 'systemctl is-enabled etcd; systemctl is-active etcd || true')).trim(), 'disabled\ninactive');
  t.regex(await labSshOk(fourth.name, 'ls -d /var/lib/etcd*'), /^\/var\/lib\/etcd\.removed-\d{8}T\d{6}Z\n$/, 'the data dir moved aside, not deleted');

  const again = await runPlaybook(three);
  t.is(again.code, 0, failures(again));
  t.is(changedTotal(again), 0, 'with the removed hosts out of [etcd], a run changes nothing');
  const repeat = await ezplay(['etcd', 'remove', fourth.address, '-i', five.inventoryPath, '--json', ...cluster]);
  t.is(repeat.code, 2);
  t.regex(repeat.stdout, /is not a member of the cluster/);
  t.is(changedTotal(repeat), 0);
  all = await labUp({ hosts: 5, log: silentLog, inventoryPath: path.join(tmpdir(), 'ezplay-lab-member-inventory') });
});

test.serial('a member whose WAL was corrupted while powered off: status names it, replace brings it back', async (t) => {
  const three = first(3);
  const victim = three.machines[2]!;
  const others = { ...three, machines: three.machines.slice(0, 2) };
  // entries in the WAL to corrupt, whatever ran before
  const warmup = startWriter(three, 'warmup/');
  await new Promise((r) => setTimeout(r, 3000));
  await warmup.stop();
  await labKill(victim.name, { log: silentLog });
  const wal = corruptWal(path.join(machinePaths(victim.name).upper, 'var/lib/etcd/member/wal'));
  t.log(`flipped a byte at ${wal.offset} of ${path.basename(wal.file)} (${wal.records} records)`);
  all = await labUp({ hosts: 5, log: silentLog, inventoryPath: path.join(tmpdir(), 'ezplay-lab-member-inventory') });
  // etcd starts at boot, fails on the WAL, and systemd keeps retrying it
  let journal = '';
  for (let i = 0; i < 60 && !/crc mismatch/.test(journal); i++) {
    await new Promise((r) => setTimeout(r, 1000));
    journal = (await labSsh(victim.name, 'journalctl -u etcd -n 100 --no-pager -o cat')).stdout;
  }
  t.regex(journal, /crc mismatch/, 'etcd refuses the corrupt WAL');

  const status = await ezplay(['status', '-i', three.inventoryPath, ...cluster]);
  t.is(status.code, 2);
  t.regex(status.stdout, new RegExp(`${victim.address.replace(/\./g, '\\.')}: etcd is down \\(\\w+\\) and its journal shows a corruption error: .*crc mismatch`));
  t.regex(status.stdout, new RegExp(`ezplay etcd replace ${victim.address.replace(/\./g, '\\.')}\` \\(playbooks/etcd-replace.yml -e etcd_replace=`));

  const before = await starts(others);
  const writer = startWriter(others, 'replace/');
  const run = await ezplay(['etcd', 'replace', victim.address, '-i', three.inventoryPath, '--json', ...cluster]);
  const writes = await writer.stop();
  t.is(run.code, 0, failures(run));
  t.log(`replace one member: ${seconds(run)} s, ${writes.acked.length} writes, ${writes.failed.length} failed`);
  t.deepEqual(await starts(others), before, 'no other member restarted');
  await checkCluster(t, three, writes, 'replace/', 3);
  t.regex(await labSshOk(victim.name, 'ls -d /var/lib/etcd*'), /^\/var\/lib\/etcd\n\/var\/lib\/etcd\.removed-\d{8}T\d{6}Z\n$/, 'the corrupt data dir moved aside');

  const again = await runPlaybook(three);
  t.is(again.code, 0, failures(again));
  t.is(changedTotal(again), 0, 'a second run changes nothing');
});

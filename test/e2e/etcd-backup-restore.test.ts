/**
 * Backups that are proven to restore, and a restore after quorum loss, on
 * the lab's real machines: a cluster deployed with a backup schedule, 300
 * keys, a verified backup taken under a 50 ms writer, 50 keys more, then a
 * power cut on two of the three members and their disks wiped. The restore
 * brings back the 300 keys (not the 50), every member healthy and writable,
 * the survivor's old data kept aside, and a deploy afterwards changes
 * nothing. Corrupted snapshots fail verification and are never restored.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { labKill, labReset, silentLog, type LabInfo } from '../../src/lab/index.js';
import {
  changedTotal,
  CLUSTER_NAME,
  ensureBare,
  etcdctl,
  etcdLab,
  failures,
  forgetControllerPki,
  ROOT,
  runCli,
  runPlaybook,
  startWriter,
  type PlaybookRun,
} from '../helpers/etcd.js';
import { putKeys, valuesUnder } from '../helpers/etcd-keys.js';
import { labSsh, labSshOk, useLab } from '../helpers/lab.js';

// a lab of its own: this group kills and wipes machines
useLab('backup');

const BACKUP_DIR = path.join(ROOT, 'clusters', CLUSTER_NAME, 'backup');
const SCHEDULE = ['-e', 'etcd_backup_schedule=hourly'];
let lab: LabInfo;

const ezplay = (args: string[]): Promise<PlaybookRun> =>
  runCli(['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), ...args, '-i', lab.inventoryPath, '--json', '-e', `cluster_name=${CLUSTER_NAME}`, ...SCHEDULE]);
const messages = (run: PlaybookRun, task: string) => run.events.filter((e) => e.type === 'host_result' && e.task === task).map((e) => String(e.result?.msg ?? e.msg));
const snapshots = () => (existsSync(BACKUP_DIR) ? readdirSync(BACKUP_DIR).filter((f) => f.endsWith('.db')).sort() : []);
const range = (n: number, prefix: string): Array<[string, string]> => Array.from({ length: n }, (_, i) => [`${prefix}${String(i).padStart(3, '0')}`, `value-${prefix}-${i}`]);

test.before(async () => {
  lab = await ensureBare(await etcdLab());
  forgetControllerPki();
  rmSync(BACKUP_DIR, { recursive: true, force: true });
  const deploy = await runPlaybook(lab, SCHEDULE);
  if (deploy.code !== 0) throw new Error(`deploy failed:\n${failures(deploy)}`);
});

const KEPT = range(300, '/restore/kept/');
const LATE = range(50, '/restore/late/');

test.serial('scheduled: the timer\'s service leaves one checked snapshot, on the leader only', async (t) => {
  await putKeys(lab, KEPT.slice(0, 10));
  const outcomes = await Promise.all(
    lab.machines.map(async (m) => ({
      m,
      run: await labSsh(m.name, 'systemctl start etcd-backup.service; echo rc=$?; journalctl -u etcd-backup.service -n 20 -o cat --no-pager | grep -E "^(snapshot|skipped)="'),
      files: '',
    })),
  );
  for (const o of outcomes) {
    t.regex(o.run.stdout, /rc=0/, `${o.m.name}: the service did not fail: ${o.run.stdout}${o.run.stderr}`);
    o.files = await labSshOk(o.m.name, `cd /var/lib/etcd-backup && ls -1 ${CLUSTER_NAME}-*-rev*.db 2>/dev/null || true`);
  }
  const takers = outcomes.filter((o) => o.files.trim() !== '');
  t.is(takers.length, 1, 'one snapshot for the cluster, not one per member');
  const taker = takers[0]!;
  const status = await etcdctl(lab, ['endpoint', 'status', '-w', 'json']);
  const leader = (JSON.parse(status.stdout) as Array<{ Endpoint: string; Status: { leader: string | number; header: { member_id: string | number } } }>).find(
    (s) => String(s.Status.leader) === String(s.Status.header.member_id),
  );
  t.is(leader?.Endpoint, `https://${taker.m.address}:2379`, 'the leader took it');
  t.regex(await labSshOk(taker.m.name, 'cd /var/lib/etcd-backup && sha256sum -c *.db.sha256 && stat -c "%U %a" . *.db'), /: OK\n(etcd 700\n)(etcd 600\n)+$/);
  for (const o of outcomes.filter((x) => x !== taker)) t.regex(o.run.stdout, /skipped=not the leader/);
});

let verifiedSnapshot = '';

test.serial('backup --verify under a 50 ms writer: fetched, checked, restore-tested, member copy gone', async (t) => {
  await putKeys(lab, KEPT);
  const writer = startWriter(lab, '/writer/backup/');
  const started = Date.now();
  const run = await ezplay(['etcd', 'backup', '--verify']);
  const ms = Date.now() - started;
  const report = await writer.stop();
  t.is(run.code, 0, failures(run));
  t.deepEqual(report.failed, [], 'no write failed during the backup');
  const [line] = messages(run, 'snapshot verified');
  t.regex(line ?? '', /^snapshot .*\/e2e-\d{8}T\d{6}Z-rev\d+\.db: restored and verified, revision \d+, \d+ keys, hash \d+$/);
  const file = /^snapshot (\S+):/.exec(line ?? '')?.[1] ?? '';
  verifiedSnapshot = file;
  t.true(existsSync(file) && existsSync(`${file}.sha256`));
  t.notThrows(() => execFileSync('sha256sum', ['-c', `${path.basename(file)}.sha256`], { cwd: BACKUP_DIR }));
  const keys = Number(/, (\d+) keys,/.exec(line ?? '')?.[1]);
  t.true(keys >= 300, `the 300 keys at least (writer keys too): ${keys}`);
  const fetchedFrom = run.events.find((e) => e.type === 'host_result' && e.task === 'the member to snapshot')?.result?.host as string;
  t.is(await labSshOk(fetchedFrom, `ls /var/lib/etcd-backup/${path.basename(file)} 2>/dev/null || echo gone`), 'gone\n', "the member's copy is removed");
  t.log(`backup and verify: ${ms} ms; slowest tasks: ${slowest(run)}`);
});

test.serial('check mode says what it would take and changes nothing', async (t) => {
  const before = snapshots();
  const run = await ezplay(['etcd', 'backup', '--verify', '--check', '--diff']);
  t.is(run.code, 0, failures(run));
  t.deepEqual(snapshots(), before);
  const take = run.events.find((e) => e.type === 'host_result' && e.task === 'snapshot on the chosen member, checked');
  t.is(take?.status, 'changed');
  t.regex(JSON.stringify(take?.diff), /snapshot of https:\/\/127.0.0.1:2379 at revision \d+ or later/);
  t.regex(messages(run, 'snapshot to fetch (check mode)')[0] ?? '', /^check mode: a real run fetches the snapshot to .* restore-tests it on the controller$/);
});

test.serial('a restore over the healthy cluster is refused before any change', async (t) => {
  const run = await ezplay(['etcd', 'restore']);
  t.not(run.code, 0);
  t.regex(failures(run), /refusing to restore: the cluster is healthy .*etcd_restore_force=true; nothing was changed/);
  t.is(changedTotal(run), 0);
});

test.serial('quorum lost (power cut on two members, disks wiped): restore brings the 300 back, not the 50', async (t) => {
  await putKeys(lab, LATE);
  const [survivor, ...victims] = lab.machines as [LabInfo['machines'][0], ...LabInfo['machines']];
  const lost = Date.now();
  for (const v of victims) await labKill(v.name, { log: silentLog });
  for (const v of victims) await labReset(v.name, { log: silentLog });
  t.log(`machines wiped and booted again: ${Date.now() - lost} ms`);

  // a snapshot with bytes flipped after its sha256 was written (bit rot): newest, skipped by the default choice
  const rotten = path.join(BACKUP_DIR, path.basename(verifiedSnapshot).replace(/-\d{8}T\d{6}Z-/, '-29991231T235959Z-'));
  copyFileSync(verifiedSnapshot, rotten);
  writeFileSync(`${rotten}.sha256`, readFileSync(`${verifiedSnapshot}.sha256`, 'utf8').replace(path.basename(verifiedSnapshot), path.basename(rotten)));
  flip(rotten);
  // one damaged before its sha256 was written: the sha256 matches, only the restore test can tell
  const damaged = path.join(BACKUP_DIR, 'damaged.db');
  copyFileSync(verifiedSnapshot, damaged);
  flip(damaged);
  writeFileSync(`${damaged}.sha256`, `${execFileSync('sha256sum', [damaged], { encoding: 'utf8' }).split(' ')[0]}  damaged.db\n`);

  const refused = await ezplay(['etcd', 'restore', '--snapshot', damaged]);
  t.not(refused.code, 0);
  t.regex(failures(refused), /damaged\.db failed verification: does not restore/);
  t.is(changedTotal(refused), 0, 'nothing changed');
  t.regex(await labSshOk(survivor.name, 'ls -d /var/lib/etcd*'), /^\/var\/lib\/etcd\n\/var\/lib\/etcd-backup\n$/, 'no data moved yet');
  rmSync(damaged);
  rmSync(`${damaged}.sha256`);

  const started = Date.now();
  const run = await ezplay(['etcd', 'restore']);
  t.log(`restore run: ${Date.now() - started} ms; quorum loss to a healthy cluster: ${Date.now() - lost} ms`);
  t.log(`slowest tasks: ${slowest(run)}`);
  t.is(run.code, 0, failures(run));
  t.true(run.events.some((e) => e.type === 'warning' && /skipped .*29991231T235959Z.*damaged/.test(String(e.msg))), 'the rotten snapshot was skipped');
  t.regex(messages(run, 'restored')[0] ?? '', new RegExp(`restored ${path.basename(verifiedSnapshot)}: the cluster serves revision \\d+`));

  const kept = await valuesUnder(lab, '/restore/kept/');
  t.deepEqual([...kept.entries()].sort(), [...KEPT].sort(), 'the 300 keys are back with their values');
  t.is((await valuesUnder(lab, '/restore/late/')).size, 0, 'the 50 written after the backup are not');
  const health = await etcdctl(lab, ['endpoint', 'health']);
  t.is(health.code, 0, health.stderr);
  t.is((health.stdout + health.stderr).match(/is healthy/g)?.length, 3);
  const put = await etcdctl(lab, ['put', '/restore/after', 'yes']);
  t.is(put.code, 0, put.stderr);
  const aside = await labSshOk(survivor.name, 'ls -d /var/lib/etcd.restore-*/member/snap/db');
  t.regex(aside, /^\/var\/lib\/etcd\.restore-\d{8}T\d{6}Z\/member\/snap\/db\n$/, "the survivor's old data is kept aside");

  const again = await runPlaybook(lab, SCHEDULE);
  t.is(again.code, 0, failures(again));
  t.is(changedTotal(again), 0, 'playbooks/etcd.yml afterwards changes nothing');
});

/** The five longest tasks of a run, for the log: where the time goes. */
function slowest(run: PlaybookRun): string {
  const byTask = new Map<string, number>();
  for (const e of run.events) if (e.type === 'host_result') byTask.set(e.task, Math.max(byTask.get(e.task) ?? 0, Number(e.durationMs ?? 0)));
  return [...byTask.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([task, ms]) => `${task} ${Math.round(ms)} ms`).join(', ');
}

function flip(file: string): void {
  const bytes = readFileSync(file);
  for (let i = 4096; i < 4096 + 16 && i < bytes.length; i++) bytes[i] = (bytes[i] as number) ^ 0xff;
  writeFileSync(file, bytes);
}

/**
 * Upgrades and the certificate lifecycle on a real cluster, with a client
 * writing a key every 50 ms throughout: 3.4.23 -> 3.5 (Debian 13's) -> the
 * newest 3.5 with a snapshot first, a minor downgrade refused before any
 * change, a renewed member certificate served with no restart, and the CA
 * replaced with no moment without quorum. Times per member and per phase
 * are printed for the record.
 */
import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { DIST_DIR } from '../../src/lab/paths.js';
import { type LabInfo } from '../../src/lab/index.js';
import { issueCert } from '../../src/pki/index.js';
import {
  CLUSTER_NAME, ROOT, SSL_DIR, etcdLab, failures, fingerprints, forgetControllerPki, hostResults, keysUnder, mainPids,
  resetMembers, runCli, runPlaybook, startWriter, type PlaybookRun, type RunEventLine, type WriterReport,
} from '../helpers/etcd.js';
import { useLab } from '../helpers/lab.js';

useLab('upgrade');

let lab: LabInfo;
/** version -> tarball URL in the lab's download folder */
const releases = new Map<string, string>();

test.before(async () => {
  lab = await resetMembers(await etcdLab());
  forgetControllerPki();
  const sums = readFileSync(path.join(DIST_DIR, 'SHA256SUMS'), 'utf8');
  for (const m of sums.matchAll(/ {2}(etcd-v(\d+\.\d+\.\d+)-linux-amd64\.tar\.gz)$/gm)) releases.set(m[2] as string, `${lab.httpUrl}/${m[1]}`);
  const deploy = await runPlaybook(lab);
  if (deploy.code !== 0) throw new Error(`the 3.4.23 deploy failed:\n${failures(deploy)}`);
});

/** `-e` arguments that install the lab's tarball of `version`, checked against the one SHA256SUMS. */
function releaseArgs(version: string): string[] {
  const url = releases.get(version);
  if (!url) throw new Error(`the lab publishes no etcd ${version} (SHA256SUMS lists ${[...releases.keys()].join(', ')})`);
  return ['-e', `etcd_download_url=${url}`, '-e', 'etcd_sha256='];
}

async function versions(): Promise<string[]> {
  const out: string[] = [];
  for (const m of lab.machines) {
    const res = await fetchJson(`https://${m.address}:2379/version`);
    out.push(`${m.address} ${res.etcdserver} cluster ${res.etcdcluster}`);
  }
  return out;
}

function fetchJson(url: string): Promise<Record<string, string>> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: u.hostname, port: Number(u.port), ...clientTls() }, () => {
      socket.write(`GET ${u.pathname} HTTP/1.0\r\nHost: ${u.host}\r\n\r\n`);
    });
    let text = '';
    socket.setEncoding('utf8').on('data', (d: string) => (text += d));
    socket.on('end', () => resolve(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as Record<string, string>));
    socket.on('error', reject);
  });
}

function clientTls(dir = SSL_DIR, ca = 'ca.pem'): tls.ConnectionOptions {
  return {
    ca: readFileSync(path.join(dir, ca)),
    cert: readFileSync(path.join(dir, 'client.pem')),
    key: readFileSync(path.join(dir, 'client-key.pem')),
    servername: undefined as unknown as string,
    checkServerIdentity: () => undefined,
  };
}

/** The certificate a member serves on `port`, read in a TLS handshake. */
function servedCert(address: string, port: number, options: tls.ConnectionOptions = { rejectUnauthorized: false }): Promise<tls.PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: address, port, ...options }, () => {
      resolve(socket.getPeerCertificate());
      socket.end();
    });
    socket.on('error', reject);
  });
}

/** Each member's time in the rolling restart: from moving its leadership (or its restart) to the check after it. */
function perMember(run: PlaybookRun, lastTask: string): Array<{ member: string; ms: number }> {
  const out: Array<{ member: string; ms: number }> = [];
  let start: number | undefined;
  let member = '';
  for (const e of run.events) {
    if (e.type !== 'host_result') continue;
    if (e.task === 'move the leadership away from the member' && start === undefined) start = e.at - e.durationMs;
    if (e.task === 'restart etcd on one member') {
      start ??= e.at - e.durationMs;
      member = String(e.delegatedTo ?? e.host);
    }
    if (e.task === lastTask && start !== undefined) {
      out.push({ member, ms: e.at - start });
      start = undefined;
    }
  }
  return out;
}

function checkWrites(t: any, report: WriterReport, keys: Set<string>, maxFailed: number): void {
  const lost = report.acked.filter((k) => !keys.has(k));
  t.deepEqual(lost, [], 'no acknowledged write is lost');
  t.true(report.acked.length > 20, `the writer wrote (${report.acked.length} acked)`);
  t.true(report.failed.length <= maxFailed, `at most ${maxFailed} failed writes: ${JSON.stringify(report.failed.slice(0, 5))}`);
  // A member counts as down when it has not answered a status request for two samples in a row (200 ms and
  // more): on a busy controller a single slow sample of every member is the client's stall, not the cluster's.
  const quorumLost = report.downSamples.filter((s, i) => {
    const next = report.downSamples[i + 1];
    return next !== undefined && s.down.filter((e) => next.down.includes(e)).length > 1;
  });
  t.deepEqual(quorumLost.slice(0, 3), [], "never more than one member down: the cluster kept its quorum");
}

test.serial('3.4.23 -> 3.5.16 -> 3.5.30 under a writer: a snapshot first, followers before the leader, nothing lost', async (t) => {
  const [first, second] = ['3.5.16', '3.5.30'];
  const writer = startWriter(lab, 'upgrade/');
  const runs: PlaybookRun[] = [];
  for (const version of [first, second] as string[]) {
    const run = await runPlaybook(lab, releaseArgs(version));
    runs.push(run);
    t.is(run.code, 0, failures(run));
    if (run.code !== 0) break;

    const snapshot = hostResults(run, 'snapshot of the cluster before the upgrade')[0];
    const firstRestart = hostResults(run, 'restart etcd on one member')[0];
    t.is(snapshot?.status, 'changed', 'a snapshot was taken');
    t.true((snapshot?.at ?? Infinity) < (firstRestart?.at ?? 0), 'the snapshot came before the first restart');
    const file = String(snapshot?.result?.snapshot ?? '');
    t.true(existsSync(file) && file.startsWith(path.join(ROOT, 'clusters', CLUSTER_NAME, 'backup')), file);
    t.is(hostResults(run, 'the snapshot on the controller is verified')[0]?.status, 'ok');

    const plan = hostResults(run, 'the etcd upgrade path')[0]?.result as { order: string[]; leader: string } | undefined;
    const restarted = hostResults(run, 'restart etcd on one member').map((e) => String(e.delegatedTo ?? e.host));
    t.deepEqual(restarted, plan?.order, 'members restarted in the plan\'s order');
    t.is(plan?.order.at(-1), plan?.leader, 'the leader last');
    t.is(hostResults(run, 'move the leadership away from the member').filter((e) => e.status === 'changed').length, 1, 'leadership moved once');
    t.is(hostResults(run, 'the member serves the new release').filter((e) => e.status === 'ok').length, 3);
    const report = String(hostResults(run, 'etcd versions')[0]?.msg ?? '');
    t.regex(report, new RegExp(`cluster version ${version.replace(/\.\d+$/, '').replace('.', '\\.')}\\.0`), report);
    const times = perMember(run, 'the member serves the new release');
    t.log(`-> ${version}: run ${(run.ms / 1000).toFixed(1)} s; per member ${times.map((x) => `${x.member} ${(x.ms / 1000).toFixed(1)} s`).join(', ')}`);
    const now = await versions();
    t.true(now.every((v) => v.includes(` ${version} `)), now.join('\n'));
  }
  const report = await writer.stop();
  t.log(`writer: ${report.acked.length} acked, ${report.failed.length} failed (${[...new Set(report.failed.map((f) => f.error))].join('; ')}), at most ${report.maxDown} member down`);
  checkWrites(t, report, await keysUnder(lab, 'upgrade/'), 10);
});

test.serial('a downgrade to 3.4 is refused before any change, naming the restore', async (t) => {
  const before = await fingerprints(lab);
  const run = await runPlaybook(lab, releaseArgs('3.4.23'));
  t.is(run.code, 2);
  const refused = hostResults(run, 'the etcd upgrade path')[0];
  t.is(refused?.status, 'failed');
  t.regex(String(refused?.msg), /minor-version downgrade.*restore of the snapshot/);
  t.is(hostResults(run, 'snapshot of the cluster before the upgrade').length, 0, 'not even a snapshot');
  t.deepEqual(await fingerprints(lab), before, 'nothing changed on any member');
});

test.serial('ezplay status shows every certificate\'s expiry and warns inside the renewal window', async (t) => {
  const status = (days: number) =>
    runCli(['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'status', '-i', lab.inventoryPath, '--json',
      '-e', `cluster_name=${CLUSTER_NAME}`, '-e', `etcd_cert_renew_days=${days}`]);
  const parse = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1) as string) as { certificates: Array<Record<string, any>> };
  const calm = await status(30);
  t.is(calm.code, 0, calm.stderr);
  const certs = parse(calm.stdout).certificates;
  const where = new Set(certs.map((c) => c.where));
  for (const m of lab.machines) t.true(where.has(m.address), `${m.address} listed`);
  t.true(where.has('controller'));
  t.true(certs.some((c) => c.where === 'controller' && c.path.endsWith('/client.pem')), 'the client certificate');
  t.true(certs.every((c) => c.state === 'ok'), JSON.stringify(certs.map((c) => [c.where, c.path, c.state])));
  t.true(certs.filter((c) => !c.is_ca).every((c) => c.days_left >= 360 && c.days_left <= 365), 'a year for members and clients');
  t.true(certs.filter((c) => c.is_ca).every((c) => c.days_left > 3600), 'ten years for the CA');
  // inside the window: a warning, still exit 0 (nothing has expired)
  const due = await status(400);
  t.is(due.code, 0, due.stderr);
  t.true(parse(due.stdout).certificates.filter((c) => !c.is_ca).every((c) => c.state === 'renew'));
});

test.serial('a renewed member certificate is served at once, with no restart', async (t) => {
  const pids = await mainPids(lab);
  const served = await Promise.all(lab.machines.map((m) => servedCert(m.address, 2379)));
  // a renewal window longer than the certificates' life: every one is due
  const run = await runPlaybook(lab, [...releaseArgs('3.5.30'), '-e', 'etcd_cert_renew_days=400']);
  t.is(run.code, 0, failures(run));
  t.deepEqual(await mainPids(lab), pids, 'no member restarted');
  t.is(hostResults(run, 'restart etcd on one member').length, 0);
  t.is(hostResults(run, 'the member serves its renewed certificate').filter((e) => e.status === 'ok').length, 3);
  for (const [i, m] of lab.machines.entries()) {
    const pem = readFileSync(path.join(SSL_DIR, `etcd-${m.address}.pem`), 'utf8');
    const now = await servedCert(m.address, 2379);
    const peer = await servedCert(m.address, 2380);
    t.not(now.fingerprint256, served[i]?.fingerprint256, `${m.address} serves a new certificate`);
    t.is(now.fingerprint256, new (await import('node:crypto')).X509Certificate(pem).fingerprint256, `${m.address} serves the renewed one`);
    t.is(peer.fingerprint256, now.fingerprint256, 'on the peer port too');
  }
});

test.serial('the CA is replaced under a writer: every member trusts and serves only the new CA, quorum kept', async (t) => {
  const oldCa = readFileSync(path.join(SSL_DIR, 'ca.pem'), 'utf8');
  const writer = startWriter(lab, 'rotate/', 50, { reloadTls: true });
  const run = await runPlaybook(lab, [], { playbook: 'playbooks/etcd-ca-rotate.yml' });
  const report = await writer.stop();
  const phases = phaseTimes(run.events);
  t.log(`CA rotation ${(run.ms / 1000).toFixed(1)} s: ${phases.map(([p, ms]) => `${p} ${(ms / 1000).toFixed(1)} s`).join(', ')}`);
  t.log(`phase 2 and 4 per member: ${perMember(run, 'the member serves the new release').map((x) => `${(x.ms / 1000).toFixed(1)} s`).join(', ')}`);
  t.log(`writer: ${report.acked.length} acked, ${report.failed.length} failed (${[...new Set(report.failed.map((f) => f.error))].join('; ')}), at most ${report.maxDown} member down`);
  t.is(run.code, 0, failures(run));
  checkWrites(t, report, await keysUnder(lab, 'rotate/'), 15);

  const newCa = readFileSync(path.join(SSL_DIR, 'ca.pem'), 'utf8');
  t.not(newCa, oldCa);
  t.is(newCa.match(/BEGIN CERTIFICATE/g)?.length, 1, 'the controller trusts one CA');
  const kept = readdirSync(SSL_DIR).filter((f) => /^ca-\d{8}T\d{6}Z\.pem$/.test(f));
  t.true(kept.some((f) => readFileSync(path.join(SSL_DIR, f), 'utf8').trim() === oldCa.trim()), `the old CA is kept under its date: ${kept.join(', ')}`);
  for (const m of lab.machines) {
    // served: verified against the new CA alone
    await t.notThrowsAsync(servedCert(m.address, 2379, { ...clientTls(), rejectUnauthorized: true }), `${m.address} serves a certificate of the new CA`);
    await t.notThrowsAsync(servedCert(m.address, 2380, { ...clientTls(), rejectUnauthorized: true }));
    t.is((await fetchJson(`https://${m.address}:2379/version`)).etcdserver, '3.5.30');
  }
  // trusted: a client certificate from the old CA is refused by every member
  const oldKeyFile = kept.map((f) => f.replace(/^ca-/, 'ca-key-')).find((f) => existsSync(path.join(SSL_DIR, f)));
  t.truthy(oldKeyFile, 'the old CA key is kept too');
  const oldClient = await issueCert({
    ca: { certPem: oldCa, keyPem: readFileSync(path.join(SSL_DIR, oldKeyFile as string), 'utf8') },
    commonName: 'old-client', hosts: [], usages: ['client'], validityDays: 1,
  });
  for (const m of lab.machines) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = tls.connect({ host: m.address, port: 2379, ca: newCa, cert: oldClient.certPem, key: oldClient.keyPem, checkServerIdentity: () => undefined }, () => {
        // TLS 1.3: the server judges the client certificate after the client's Finished
        socket.write('GET /version HTTP/1.0\r\n\r\n');
      });
      let text = '';
      socket.setEncoding('utf8').on('data', (d: string) => (text += d));
      socket.on('error', () => resolve(true));
      socket.on('close', () => resolve(!text.includes('etcdserver')));
    });
    t.true(refused, `${m.address} refuses a client certificate of the old CA`);
  }
});

/** Wall time of each phase, from the first event of a phase's first task to the first of the next. */
function phaseTimes(events: RunEventLine[]): Array<[string, number]> {
  const marks: Array<[string, string]> = [
    ['1 new CA', 'the date of the CA being replaced'],
    ['2 trust both', "the members' trusted CAs"],
    ['3 reissue', 'server and peer certificate of each member'],
    ['4 trust new', 'the new CA on the controller'],
    ['end', 'the member\'s trusted CAs and its certificate\'s issuer'],
  ];
  const starts = marks.map(([name, task], i) => {
    const seen = events.filter((e) => e.type === 'task_start' && e.name === task);
    // the read task runs at the start and at the end: the end is its last
    const at = (i === marks.length - 1 ? seen.at(-1) : seen[0])?.at;
    return [name, at] as const;
  });
  const out: Array<[string, number]> = [];
  for (let i = 0; i + 1 < starts.length; i++) {
    const [name, at] = starts[i] as readonly [string, number | undefined];
    const next = starts[i + 1]?.[1];
    if (at !== undefined && next !== undefined) out.push([name, next - at]);
  }
  return out;
}

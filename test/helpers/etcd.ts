/**
 * For the etcd end-to-end tests: run playbooks/etcd.yml through the CLI as a
 * child process (JSON events, one per line), read the members' state over
 * ssh, and talk to the cluster from the controller with etcdctl and with a
 * small HTTPS client of etcd's JSON gateway.
 */
import { spawn, execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { labReset, silentLog, type LabInfo } from '../../src/lab/index.js';
import { ensureLab, LAB_HOSTS, labSsh, labSshOk, useLab } from './lab.js';

/** The etcd tests' own lab: no other test resets its machines. */
useLab('etcd');

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The tests' own cluster name, so a user's clusters/k8s is never touched. */
export const CLUSTER_NAME = 'e2e';
export const SSL_DIR = path.join(ROOT, 'clusters', CLUSTER_NAME, 'ssl');

export type RunEventLine = Record<string, any> & { type: string; at: number };

export interface PlaybookRun {
  code: number | null;
  events: RunEventLine[];
  /** the last line: `{"type":"recap","hosts":{...}}` */
  recap: Record<string, { ok: number; changed: number; unreachable: number; failed: number; skipped: number }>;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  inventory?: string;
  playbook?: string;
  /** called with each event as it arrives (to pull a plug mid-run) */
  onEvent?: (event: RunEventLine) => void;
  timeoutMs?: number;
}

/** `ezplay run playbooks/etcd.yml -i INVENTORY --json -e cluster_name=e2e ARGS`. */
export function runPlaybook(lab: LabInfo, args: string[] = [], options: RunOptions = {}): Promise<PlaybookRun> {
  const argv = [
    '--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'run', options.playbook ?? 'playbooks/etcd.yml',
    '-i', options.inventory ?? lab.inventoryPath, '--json', '-e', `cluster_name=${CLUSTER_NAME}`, ...args,
  ];
  return runCli(argv, options);
}

/** `ezplay ARGS` with JSON lines parsed as they come. */
export function runCli(argv: string[], options: Pick<RunOptions, 'onEvent' | 'timeoutMs'> = {}): Promise<PlaybookRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 300_000 });
    const events: RunEventLine[] = [];
    let stdout = '';
    let stderr = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        const event = { ...(JSON.parse(line) as Record<string, any>), at: Date.now() } as RunEventLine;
        events.push(event);
        options.onEvent?.(event);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const recap = [...events].reverse().find((e) => e.type === 'recap');
      resolve({ code, events, recap: (recap?.hosts ?? {}) as PlaybookRun['recap'], stdout, stderr, ms: Date.now() - started });
    });
  });
}

export function hostResults(run: PlaybookRun, task?: string): RunEventLine[] {
  return run.events.filter((e) => e.type === 'host_result' && (task === undefined || e.task === task));
}

/** Every failure message of a run, for assertion messages. */
export function failures(run: PlaybookRun): string {
  const failed = run.events.filter((e) => e.type === 'host_result' && (e.status === 'failed' || e.status === 'unreachable'));
  return failed.map((e) => `${e.host} [${e.task}]: ${e.msg}`).join('\n') + (run.stderr ? `\nstderr: ${run.stderr}` : '');
}

export function changedTotal(run: PlaybookRun): number {
  return Object.values(run.recap).reduce((sum, c) => sum + c.changed, 0);
}

/** A new CA for a reset lab: the tests' PKI on the controller starts empty. */
export function forgetControllerPki(): void {
  rmSync(path.dirname(SSL_DIR), { recursive: true, force: true });
}

/**
 * What a run could change on a member, in one line per fact: the etcd user,
 * files with owner, mode, size and mtime, their hashes, the unit's state and
 * main PID, the firewall's INPUT chain. etcd's own data files are left out:
 * a running member writes them all the time.
 */
export const FINGERPRINT = [
  'id etcd 2>&1',
  'stat -c "%n %U:%G %a %s %Y" /opt/kube/bin /opt/kube/bin/* /opt/kube/bin/.etcd-release /etc/kubernetes/ssl /etc/kubernetes/ssl/* /etc/systemd/system/etcd.service 2>&1',
  'stat -c "%n %U:%G %a" /var/lib/etcd 2>&1',
  'sha256sum /etc/kubernetes/ssl/* /etc/systemd/system/etcd.service 2>&1',
  'systemctl is-enabled etcd 2>&1',
  'systemctl is-active etcd 2>&1',
  'systemctl show etcd -p MainPID',
  'iptables -S INPUT 2>&1',
].join('; ');

export async function fingerprints(lab: LabInfo): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await Promise.all(lab.machines.map(async (m) => (out[m.address] = (await labSsh(m.name, FINGERPRINT)).stdout)));
  return out;
}

/**
 * The lab's first three machines, with an inventory of the tests' own that
 * names exactly them: a lab grown by someone else (`lab up --hosts 5`)
 * rewrites inventory/lab, never this one.
 */
export async function etcdLab(): Promise<LabInfo> {
  const info = await ensureLab();
  const machines = info.machines.slice(0, LAB_HOSTS);
  const inventoryPath = path.join(tmpdir(), 'ezplay-e2e-etcd-inventory');
  writeFileSync(inventoryPath, inventoryVariant(info, machines.map((m) => m.address)));
  return { ...info, machines, inventoryPath };
}

/** These machines back to bare, one at a time; the lab's other machines are left alone. */
export async function resetMembers(lab: LabInfo): Promise<LabInfo> {
  for (const m of lab.machines) await labReset(m.name, { log: silentLog });
  return lab;
}

/** Machines as `lab reset` leaves them, with nothing of etcd's; reset only when they are not. */
export async function ensureBare(lab: LabInfo): Promise<LabInfo> {
  const bare = '! id etcd >/dev/null 2>&1 && [ ! -e /etc/systemd/system/etcd.service ] && [ ! -e /opt/kube ] && [ ! -e /var/lib/etcd ]';
  const checks = await Promise.all(lab.machines.map((m) => labSsh(m.name, bare)));
  if (checks.every((c) => c.code === 0)) return lab;
  return resetMembers(lab);
}

export async function mainPids(lab: LabInfo): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await Promise.all(
    lab.machines.map(async (m) => (out[m.address] = (await labSshOk(m.name, 'systemctl show etcd -p MainPID --value')).trim())),
  );
  return out;
}

export async function unitHashes(lab: LabInfo): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await Promise.all(
    lab.machines.map(async (m) => (out[m.address] = (await labSshOk(m.name, 'sha256sum /etc/systemd/system/etcd.service')).split(' ')[0] ?? '')),
  );
  return out;
}

export const endpointsOf = (lab: LabInfo): string[] => lab.machines.map((m) => `https://${m.address}:2379`);

export interface EtcdctlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Debian's etcdctl on the controller, with the client certificate unless `withCert` is false. */
export function etcdctl(lab: LabInfo, args: string[], options: { withCert?: boolean; timeoutMs?: number } = {}): Promise<EtcdctlResult> {
  const tls = [`--cacert=${SSL_DIR}/ca.pem`];
  if (options.withCert !== false) tls.push(`--cert=${SSL_DIR}/client.pem`, `--key=${SSL_DIR}/client-key.pem`);
  const argv = [`--endpoints=${endpointsOf(lab).join(',')}`, ...tls, '--dial-timeout=3s', '--command-timeout=5s', ...args];
  return new Promise((resolve) => {
    execFile('etcdctl', argv, { env: { ...process.env, ETCDCTL_API: '3' }, timeout: options.timeoutMs ?? 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

// ----------------------------------------------------- a client under load

interface Gateway {
  endpoint: string;
  agent: https.Agent;
}

function gateways(lab: LabInfo): Gateway[] {
  const tls = {
    ca: readFileSync(path.join(SSL_DIR, 'ca.pem')),
    cert: readFileSync(path.join(SSL_DIR, 'client.pem')),
    key: readFileSync(path.join(SSL_DIR, 'client-key.pem')),
  };
  return endpointsOf(lab).map((endpoint) => ({ endpoint, agent: new https.Agent({ ...tls, keepAlive: true, maxSockets: 4 }) }));
}

/** POST to etcd's JSON gateway (/v3/...), failing after `timeoutMs`. */
function post(gw: Gateway, route: string, body: unknown, timeoutMs: number): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${gw.endpoint}${route}`,
      { method: 'POST', agent: gw.agent, timeout: timeoutMs, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`${gw.endpoint}: HTTP ${res.statusCode} ${text.trim()}`));
          try {
            resolve(JSON.parse(text));
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${gw.endpoint}: timed out`)));
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

export interface WriterReport {
  acked: string[];
  failed: Array<{ key: string; at: number; error: string }>;
  /** the most members seen down (not answering a status request) at once */
  maxDown: number;
  downSamples: Array<{ at: number; down: string[] }>;
}

/**
 * A client that writes `<prefix><n>` every `everyMs` (each write tried on
 * every endpoint in turn, as etcd clients fail over), and a monitor that
 * asks every member for its status every 100 ms to see how many are down.
 */
export function startWriter(lab: LabInfo, prefix: string, everyMs = 50): { stop: () => Promise<WriterReport> } {
  const gws = gateways(lab);
  const report: WriterReport = { acked: [], failed: [], maxDown: 0, downSamples: [] };
  let running = true;
  let preferred = 0;

  const writer = (async () => {
    for (let n = 0; running; n++) {
      const tick = Date.now();
      const key = `${prefix}${String(n).padStart(6, '0')}`;
      let lastError = '';
      let done = false;
      for (let i = 0; i < gws.length && !done; i++) {
        const gw = gws[(preferred + i) % gws.length] as Gateway;
        try {
          await post(gw, '/v3/kv/put', { key: b64(key), value: b64(String(tick)) }, 1500);
          preferred = (preferred + i) % gws.length;
          done = true;
        } catch (error) {
          lastError = (error as Error).message;
        }
      }
      if (done) report.acked.push(key);
      else report.failed.push({ key, at: tick, error: lastError });
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (Date.now() - tick))));
    }
  })();

  const monitor = (async () => {
    while (running) {
      const at = Date.now();
      const answers = await Promise.all(gws.map((gw) => post(gw, '/v3/maintenance/status', {}, 800).then(() => true, () => false)));
      const down = gws.filter((_, i) => !answers[i]).map((gw) => gw.endpoint);
      report.downSamples.push({ at, down });
      report.maxDown = Math.max(report.maxDown, down.length);
      await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - at))));
    }
  })();

  return {
    stop: async () => {
      running = false;
      await Promise.all([writer, monitor]);
      for (const gw of gws) gw.agent.destroy();
      return report;
    },
  };
}

/** The keys under `prefix`, read back with etcdctl (linearizable). */
export async function keysUnder(lab: LabInfo, prefix: string): Promise<Set<string>> {
  const res = await etcdctl(lab, ['get', prefix, '--prefix', '--keys-only']);
  if (res.code !== 0) throw new Error(`etcdctl get --prefix ${prefix}: ${res.stderr}`);
  return new Set(res.stdout.split('\n').map((l) => l.trim()).filter(Boolean));
}

/** A copy of the lab's inventory with other [etcd] hosts (or group name), for wrong-input tests. */
export function inventoryVariant(lab: LabInfo, hosts: string[], group = 'etcd'): string {
  const text = readFileSync(lab.inventoryPath, 'utf8');
  const vars = text.slice(text.indexOf('[all:vars]'));
  return `[${group}]\n${hosts.join('\n')}\n\n${vars}`;
}

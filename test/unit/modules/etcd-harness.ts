/**
 * A throwaway single-member etcd on 127.0.0.1 for module tests: the
 * machine's own etcd when it has one, else the binaries of the lab's etcd
 * release tarball (made from Debian's packages, never installed), so the
 * tests run everywhere CI does. Free ports, a temporary data directory,
 * stopped by its own pid.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureEtcdTarball } from '../../../src/lab/tarball.js';
import { silentLog } from '../../../src/lab/run.js';

export interface EtcdProcess {
  clientUrl: string;
  dataDir: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The folder holding etcd and etcdctl: empty for the PATH, else the release tarball unpacked once per process. */
let binDir: Promise<string> | undefined;
function etcdBinDir(): Promise<string> {
  binDir ??= (async () => {
    if (spawnSync('sh', ['-c', 'command -v etcd && command -v etcdctl']).status === 0) return '';
    const tarball = await ensureEtcdTarball(silentLog);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-etcd-bin-'));
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['-xzf', tarball.path, '-C', dir, '--strip-components=1']);
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  })();
  return binDir;
}

/** The etcd binaries the harness runs: on the PATH or from the lab's tarball. */
export async function etcdTool(name: 'etcd' | 'etcdctl'): Promise<string> {
  const dir = await etcdBinDir();
  return dir ? path.join(dir, name) : name;
}

export async function startEtcd(): Promise<EtcdProcess> {
  const [etcdBin, etcdctlBin] = [await etcdTool('etcd'), await etcdTool('etcdctl')];
  const [client, peer] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-etcd-'));
  const clientUrl = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const child: ChildProcess = spawn(
    etcdBin,
    [
      '--name', 'solo', '--data-dir', dataDir,
      '--listen-client-urls', clientUrl, '--advertise-client-urls', clientUrl,
      '--listen-peer-urls', peerUrl, '--initial-advertise-peer-urls', peerUrl,
      '--initial-cluster', `solo=${peerUrl}`,
    ],
    { stdio: 'ignore' },
  );
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  for (let i = 0; i < 50; i++) {
    const ok = spawnSync(etcdctlBin, [`--endpoints=${clientUrl}`, 'endpoint', 'health'], { env: { ...process.env, ETCDCTL_API: '3' } });
    if (ok.status === 0) return { clientUrl, dataDir, stop };
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error('the test etcd did not become healthy');
}

/**
 * A throwaway single-member etcd on 127.0.0.1 for module tests, when the
 * machine has one (Debian's etcd-server). Free ports, a temporary data
 * directory, stopped by its own pid.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

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

export async function startEtcd(): Promise<EtcdProcess | undefined> {
  if (spawnSync('sh', ['-c', 'command -v etcd && command -v etcdctl']).status !== 0) return undefined;
  const [client, peer] = [await freePort(), await freePort()];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ezplay-etcd-'));
  const clientUrl = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  const child: ChildProcess = spawn(
    'etcd',
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
    const ok = spawnSync('etcdctl', [`--endpoints=${clientUrl}`, 'endpoint', 'health'], { env: { ...process.env, ETCDCTL_API: '3' } });
    if (ok.status === 0) return { clientUrl, dataDir, stop };
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error('the test etcd did not become healthy');
}

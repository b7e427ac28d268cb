/**
 * A small HTTP server on the bridge address that publishes DIST_DIR (the etcd
 * tarball) to the machines. It runs as its own detached node process, so it
 * outlives `lab up`; its pid is recorded and `lab down` stops it by that pid.
 * The server is a standalone script written next to the lab state, so it
 * needs neither tsx nor this checkout to keep running.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { LabError } from '../errors.js';
import { lab } from './paths.js';
import { cmdline, signal, sleep, waitForExit } from './proc.js';
import type { HttpServerState } from './state.js';

/** The current lab's port (EZPLAY_LAB_HTTP_PORT overrides it). */
export const httpPort = (): number => Number(process.env.EZPLAY_LAB_HTTP_PORT ?? lab().httpPort);

const SERVER_SCRIPT = `// ezplay lab: serves a directory read-only (GET and HEAD), nothing else
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
const [root, host, port] = process.argv.slice(2);
const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://lab');
  const file = path.join(root, path.normalize(decodeURIComponent(url.pathname)));
  const log = (code) => console.log(new Date().toISOString(), req.socket.remoteAddress, req.method, url.pathname, code);
  if ((req.method !== 'GET' && req.method !== 'HEAD') || !file.startsWith(root + path.sep)) {
    res.writeHead(405).end(); log(405); return;
  }
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) { res.writeHead(404).end('not found\\n'); log(404); return; }
    res.writeHead(200, { 'content-length': st.size, 'content-type': 'application/octet-stream' });
    log(200);
    if (req.method === 'HEAD') res.end(); else fs.createReadStream(file).pipe(res);
  });
});
server.listen(Number(port), host, () => console.log('listening on', host + ':' + port, 'serving', root));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

export async function isHttpServer(pid: number): Promise<boolean> {
  const argv = await cmdline(pid);
  return argv !== null && argv.includes(lab().httpScriptPath);
}

function canConnect(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
  });
}

export async function startHttpServer(root: string, address: string, port: number): Promise<HttpServerState> {
  const { httpScriptPath: HTTP_SCRIPT_PATH, httpLogPath: HTTP_LOG_PATH } = lab();
  await writeFile(HTTP_SCRIPT_PATH, SERVER_SCRIPT);
  const logFd = openSync(HTTP_LOG_PATH, 'a');
  let pid: number | undefined;
  try {
    const child = spawn(process.execPath, [HTTP_SCRIPT_PATH, root, address, String(port)], {
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    child.unref();
    pid = child.pid;
  } finally {
    closeSync(logFd);
  }
  if (pid === undefined) throw new LabError('the lab HTTP server did not start');
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (!(await isHttpServer(pid))) {
      const log = await readFile(HTTP_LOG_PATH, 'utf8').catch(() => '');
      throw new LabError(`the lab HTTP server on ${address}:${port} exited:\n${log.trimEnd().split('\n').slice(-5).join('\n')}`);
    }
    if (await canConnect(address, port)) return { pid, address, port, url: `http://${address}:${port}` };
    await sleep(50);
  }
  await stopHttpServer(pid);
  throw new LabError(`the lab HTTP server did not listen on ${address}:${port} in time`);
}

export async function stopHttpServer(pid: number): Promise<void> {
  if (!(await isHttpServer(pid))) return;
  signal(pid, 'SIGTERM');
  if (!(await waitForExit(pid, 3000))) signal(pid, 'SIGKILL');
  await waitForExit(pid, 2000);
}

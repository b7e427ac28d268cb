/**
 * Keys with values for the backup and restore tests: put through etcd's JSON
 * gateway with the tests' client certificate (no process per key), read back
 * with Debian's etcdctl.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { LabInfo } from '../../src/lab/index.js';
import { endpointsOf, etcdctl, SSL_DIR } from './etcd.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Puts every entry (each write acknowledged before the next), trying the members in turn. */
export async function putKeys(lab: LabInfo, entries: Array<[string, string]>): Promise<void> {
  const agent = new https.Agent({
    ca: readFileSync(path.join(SSL_DIR, 'ca.pem')),
    cert: readFileSync(path.join(SSL_DIR, 'client.pem')),
    key: readFileSync(path.join(SSL_DIR, 'client-key.pem')),
    keepAlive: true,
    maxSockets: 1,
  });
  const endpoints = endpointsOf(lab);
  const put = (endpoint: string, key: string, value: string) =>
    new Promise<void>((resolve, reject) => {
      const req = https.request(`${endpoint}/v3/kv/put`, { method: 'POST', agent, timeout: 3000 }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${endpoint}: HTTP ${res.statusCode}`))));
      });
      req.on('timeout', () => req.destroy(new Error(`${endpoint}: timed out`)));
      req.on('error', reject);
      req.end(JSON.stringify({ key: b64(key), value: b64(value) }));
    });
  try {
    for (const [key, value] of entries) {
      let last: unknown;
      let done = false;
      for (const endpoint of endpoints) {
        try {
          await put(endpoint, key, value);
          done = true;
          break;
        } catch (error) {
          last = error;
        }
      }
      if (!done) throw last;
    }
  } finally {
    agent.destroy();
  }
}

/** key -> value of every key under `prefix` (linearizable read). */
export async function valuesUnder(lab: LabInfo, prefix: string): Promise<Map<string, string>> {
  const res = await etcdctl(lab, ['get', prefix, '--prefix', '-w', 'json']);
  if (res.code !== 0) throw new Error(`etcdctl get ${prefix}: ${res.stderr}`);
  const kvs = (JSON.parse(res.stdout) as { kvs?: Array<{ key: string; value: string }> }).kvs ?? [];
  return new Map(kvs.map((kv) => [Buffer.from(kv.key, 'base64').toString(), Buffer.from(kv.value ?? '', 'base64').toString()]));
}

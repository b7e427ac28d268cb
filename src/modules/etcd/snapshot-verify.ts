/**
 * etcd_snapshot_verify: proves on the controller that a snapshot restores.
 * Its sha256 file must match; then the release's own tool restores it into
 * a scratch folder and a throwaway etcd on 127.0.0.1 serves it (the
 * etcd_snapshot_restore_test fact), and what it serves must be what the
 * snapshot says: its revision, and the key count and hashkv the cluster
 * served at that revision when they are known. Changes nothing (the scratch
 * folder goes with the process), so it also runs in check mode.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ModuleError } from '../../errors.js';
import { restoreTestFact, type RestoreTest } from '../../facts/etcd/snapshot-restore-test.js';
import { defineModule, type HostContext, type Plan } from '../types.js';
import { parseSha256File } from './backup-names.js';

export interface EtcdSnapshotVerifyArgs {
  snapshot: string;
  etcd: string;
  etcdctl: string;
  etcdutl: string;
  expect_keys?: number;
  expect_hash?: number;
  check_sha256: boolean;
  scratch_dir?: string;
  timeout: number;
}

export const etcdSnapshotVerify = defineModule<EtcdSnapshotVerifyArgs>({
  name: 'etcd_snapshot_verify',
  summary: 'Prove an etcd snapshot restores: restore it on the controller and serve it from a throwaway etcd',
  description:
    'Checks the snapshot against `<snapshot>.sha256`, restores it into a scratch folder with the given release ' +
    'binaries (etcdutl on 3.5+, etcdctl on 3.4), starts etcd on 127.0.0.1 on free ports, and checks that it serves ' +
    "the snapshot's revision, and `expect_keys` keys and hashkv `expect_hash` when given (what the cluster served at " +
    'that revision). The scratch folder and the process are removed whatever happens. Fails when the snapshot does ' +
    'not restore. Read-only; runs in check mode. Result: revision, keys, hash, msg (one line).',
  controllerOnly: true,
  args: {
    snapshot: { type: 'path', required: true, description: 'The snapshot file on the controller.' },
    etcd: { type: 'path', required: true, description: "The release's etcd binary on the controller." },
    etcdctl: { type: 'path', required: true, description: "The release's etcdctl on the controller." },
    etcdutl: { type: 'str', default: '', description: "The release's etcdutl on the controller; '' for etcd 3.4." },
    expect_keys: { type: 'int', description: 'The key count the cluster served at the snapshot\'s revision.' },
    expect_hash: { type: 'int', description: 'The hashkv the cluster gave at the snapshot\'s revision.' },
    check_sha256: { type: 'bool', default: true, description: 'Require `<snapshot>.sha256` beside it, and a match.' },
    scratch_dir: { type: 'path', description: 'Where the scratch folder is made (default: the system temporary folder).' },
    timeout: { type: 'int', default: 20, description: 'Seconds the throwaway etcd may take to serve.' },
  },
  plan: planEtcdSnapshotVerify,
});

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Whether the sha256 file beside `file` matches it: undefined when it does, else why not. */
export async function checksumProblem(file: string): Promise<string | undefined> {
  const sumFile = `${file}.sha256`;
  if (!existsSync(sumFile)) return `${path.basename(sumFile)} is missing`;
  const expected = parseSha256File(readFileSync(sumFile, 'utf8'), path.basename(file));
  if (!expected) return `${path.basename(sumFile)} does not name ${path.basename(file)}`;
  const actual = await sha256OfFile(file);
  return actual === expected ? undefined : `its sha256 is ${actual}, not the ${expected} recorded when it was taken: the file is damaged`;
}

/** What the restored etcd served, against what the snapshot and the cluster said: the problems, if any. */
export function judgeRestoreTest(test: Extract<RestoreTest, { ok: true }>, expect: { keys?: number | undefined; hash?: number | undefined }): string[] {
  const problems: string[] = [];
  // a snapshot of a store that never held a key says revision 0; etcd serves 1
  const expected = test.snapshotRevision === 0 ? 1 : test.snapshotRevision;
  if (test.revision !== expected) problems.push(`it serves revision ${test.revision}, the snapshot says ${test.snapshotRevision}`);
  if (expect.keys !== undefined && test.keys !== expect.keys) problems.push(`it serves ${test.keys} keys, the cluster had ${expect.keys} at that revision`);
  if (expect.hash !== undefined && test.hash !== undefined && test.hash !== expect.hash) {
    problems.push(`its hashkv is ${test.hash}, the cluster's was ${expect.hash} at that revision`);
  }
  return problems;
}

export function verifiedLine(file: string, test: Extract<RestoreTest, { ok: true }>): string {
  return `snapshot ${file}: restored and verified, revision ${test.revision}, ${test.keys} keys, hash ${test.hash ?? 'n/a (no hashkv)'}`;
}

export async function planEtcdSnapshotVerify(ctx: HostContext, args: EtcdSnapshotVerifyArgs): Promise<Plan> {
  const file = path.resolve(ctx.playbookDir, args.snapshot);
  const fail = (why: string, extra: Record<string, unknown> = {}) => {
    throw new ModuleError(`snapshot ${file} failed verification: ${why}`, { snapshot: file, verified: false, ...extra }, ctx.pos);
  };
  if (!existsSync(file)) fail('no such file');
  if (args.check_sha256) {
    const problem = await checksumProblem(file);
    if (problem) fail(problem);
  }
  for (const bin of [args.etcd, args.etcdctl, ...(args.etcdutl ? [args.etcdutl] : [])]) {
    if (!existsSync(bin)) throw new ModuleError(`${bin} does not exist on the controller: the release's binaries are needed to verify`, {}, ctx.pos);
  }
  const factArgs = {
    file,
    etcd: args.etcd,
    etcdctl: args.etcdctl,
    etcdutl: args.etcdutl,
    clientPort: await freePort(),
    peerPort: await freePort(),
    scratchParent: args.scratch_dir ?? os.tmpdir(),
    waitTenths: args.timeout * 10,
  };
  const out = await ctx.probe(restoreTestFact.command(factArgs));
  const test = restoreTestFact.parse({ stdout: out.stdout, stderr: out.stderr, rc: out.rc }, factArgs);
  if (!test.ok) return fail(test.error, { stage: test.stage });
  const problems = judgeRestoreTest(test, { keys: args.expect_keys, hash: args.expect_hash });
  if (problems.length) fail(problems.join('; '));
  const msg = verifiedLine(file, test);
  return {
    changed: false,
    msg,
    result: { snapshot: file, verified: true, revision: test.revision, keys: test.keys, hash: test.hash ?? null, total_key: test.totalKey },
  };
}

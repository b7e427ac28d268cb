/**
 * Shared pieces for module tests: a HostContext over a FakeConnection or a
 * LocalConnection, and a runner that applies steps the way the engine does,
 * so undo scripts are tested for real in a temporary folder.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FakeConnection } from '../../../src/connection/fake.js';
import { LocalConnection } from '../../../src/connection/local.js';
import type { Connection, ExecResult } from '../../../src/connection/types.js';
import { createHostContext } from '../../../src/engine/host-context.js';
import type { HostContext, Step } from '../../../src/modules/types.js';

export function fakeHost(host = 'node1', setup?: (conn: FakeConnection) => void): { conn: FakeConnection; ctx: HostContext } {
  const conn = new FakeConnection(host);
  setup?.(conn);
  return { conn, ctx: contextFor(conn, host) };
}

export function localHost(host = 'localhost'): { conn: LocalConnection; ctx: HostContext } {
  const conn = new LocalConnection(host);
  return { conn, ctx: contextFor(conn, host) };
}

/**
 * The engine makes a context per plan, so its facts are cached for one plan;
 * these tests plan again with the same context after applying, so each read
 * here goes to a fresh one.
 */
export function contextFor(conn: Connection, host: string, roleDir?: string): HostContext {
  const make = () => createHostContext({ host, conn, vars: {}, runId: 'run-test', playbookDir: process.cwd(), roleDir });
  return { ...make(), gather: (fact, args, options) => make().gather(fact, args, options), gatherAll: (requests, options) => make().gatherAll(requests, options) };
}

/** Runs steps in order like the engine (exec, put, fetch); stops at the first failure. */
export async function runSteps(conn: Connection, steps: Step[]): Promise<ExecResult[]> {
  const outputs: ExecResult[] = [];
  for (const step of steps) {
    if (step.kind === 'exec') {
      const res = await conn.exec(step.command, {
        ...(step.stdin !== undefined ? { stdin: step.stdin } : {}),
        ...(step.stdinFile !== undefined ? { stdinFile: step.stdinFile } : {}),
      });
      outputs.push(res);
      if (res.rc !== 0 && !step.allowFailure) throw new Error(`${step.description}: rc ${res.rc}: ${res.stderr}`);
    } else if (step.kind === 'put') {
      const c = step.content;
      const bytes = 'text' in c ? Buffer.from(c.text) : 'base64' in c ? Buffer.from(c.base64, 'base64') : readFileSync(c.localPath);
      await conn.put(step.dest, bytes, {
        ...(step.mode !== undefined ? { mode: step.mode } : {}),
        ...(step.owner ? { owner: step.owner } : {}),
        ...(step.group ? { group: step.group } : {}),
      });
      outputs.push({ rc: 0, stdout: '', stderr: '', durationMs: 0 });
    } else {
      // fetch: host -> controller; in these tests both are this machine
      const bytes = await conn.get(step.src);
      if (!bytes) throw new Error(`${step.description}: ${step.src} is missing`);
      mkdirSync(path.dirname(step.dest), { recursive: true });
      writeFileSync(step.dest, bytes, { mode: step.mode ?? 0o600 });
      outputs.push({ rc: 0, stdout: '', stderr: '', durationMs: 0 });
    }
  }
  return outputs;
}

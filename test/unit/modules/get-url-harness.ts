/**
 * Shared pieces for module tests that run against this machine: a
 * HostContext over a FakeConnection or a LocalConnection, and the step
 * runner of test/helpers/apply-plan.ts, so undo scripts are tested for real
 * in a temporary folder.
 */
import { FakeConnection } from '../../../src/connection/fake.js';
import { LocalConnection } from '../../../src/connection/local.js';
import type { Connection } from '../../../src/connection/types.js';
import { createHostContext } from '../../../src/engine/host-context.js';
import type { HostContext } from '../../../src/modules/types.js';

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

/** Steps run as the engine runs them: one runner for every module test (test/helpers/apply-plan.ts). */
export { runSteps } from '../../helpers/apply-plan.js';

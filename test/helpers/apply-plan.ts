/**
 * Test-only: runs a Plan's steps (or its undo) through a connection, the way
 * the engine does, so module tests can prove apply, idempotency and undo
 * against a real folder without the engine.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Connection, ExecResult } from '../../src/connection/types.js';
import { LocalConnection } from '../../src/connection/local.js';
import type { Plan, Step } from '../../src/modules/types.js';
import { sh } from '../../src/shell/quote.js';

function bytesOf(step: Extract<Step, { kind: 'put' }>): Buffer {
  const c = step.content;
  if ('text' in c) return Buffer.from(c.text, 'utf8');
  if ('base64' in c) return Buffer.from(c.base64, 'base64');
  return readFileSync(c.localPath);
}

/**
 * Runs steps in order; a failing step without allowFailure throws with its
 * stderr. Controller steps and fetched files go to `controller` (this
 * machine unless a test gives a fake one).
 */
export async function runSteps(conn: Connection, steps: readonly Step[], controller: Connection = new LocalConnection('localhost')): Promise<ExecResult[]> {
  const outputs: ExecResult[] = [];
  for (const step of steps) {
    const target = step.on === 'controller' ? controller : conn;
    if (step.kind === 'exec') {
      const res = await target.exec(step.command, {
        ...(step.stdin !== undefined ? { stdin: step.stdin } : {}),
        ...(step.stdinFile !== undefined ? { stdinFile: step.stdinFile } : {}),
      });
      outputs.push(res);
      if (res.rc !== 0 && !step.allowFailure) {
        throw new Error(`${step.description} failed (rc=${res.rc}): ${res.stderr.trim()}\n${step.command}`);
      }
    } else if (step.kind === 'put') {
      await target.put(step.dest, bytesOf(step), {
        ...(step.mode !== undefined ? { mode: step.mode } : {}),
        ...(step.owner ? { owner: step.owner } : {}),
        ...(step.group ? { group: step.group } : {}),
      });
      outputs.push({ rc: 0, stdout: '', stderr: '', durationMs: 0 });
    } else {
      // a fetch reads the host's file and writes it on the controller, as the engine does
      const bytes = await conn.get(step.src);
      if (bytes === null) throw new Error(`${step.description} failed: ${step.src} does not exist on the host`);
      await controller.exec(sh`mkdir -p ${path.dirname(step.dest)}`);
      await controller.put(step.dest, bytes, { mode: step.mode ?? 0o600 });
      outputs.push({ rc: 0, stdout: '', stderr: '', durationMs: 0 });
    }
  }
  return outputs;
}

/** Applies a plan: its steps, then afterApply; returns the registered result. */
export async function applyPlan(conn: Connection, plan: Plan, controller?: Connection): Promise<Record<string, unknown>> {
  if (!plan.changed) return { ...plan.result, changed: false };
  const outputs = await runSteps(conn, plan.steps ?? [], controller);
  const after = plan.afterApply ? await plan.afterApply(outputs) : {};
  return { ...plan.result, ...after, changed: true };
}

/** Runs a plan's undo; throws when the plan says it cannot be undone. */
export async function undoPlan(conn: Connection, plan: Plan, controller?: Connection): Promise<void> {
  if (!plan.changed) return;
  if (plan.undo === undefined) throw new Error('the plan cannot be undone');
  await runSteps(conn, plan.undo, controller);
}

/**
 * Runs a plan's steps (or an undo's) on a host. Only the engine writes to
 * hosts, and only through here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sh } from '../shell/quote.js';
import { CommandTimeout, ModuleError } from '../errors.js';
import type { Become, Connection, ExecResult } from '../connection/types.js';
import type { Step } from '../modules/types.js';
import { tempFilesCleanup } from '../connection/temp-names.js';

export interface StepTargets {
  host: Connection;
  controller: Connection;
  become?: Become | undefined;
  env?: Record<string, string> | undefined;
  /** tags the names of upload temporaries, so a killed upload's leftovers can be removed */
  runId?: string | undefined;
  /** the task's `timeout:`: each command is killed on the host when it runs longer */
  timeoutMs?: number | undefined;
}

function contentOf(step: Extract<Step, { kind: 'put' }>): Buffer {
  const c = step.content;
  if ('text' in c) return Buffer.from(c.text, 'utf8');
  if ('base64' in c) return Buffer.from(c.base64, 'base64');
  return readFileSync(c.localPath);
}

/** Removes what the uploads among `steps` may have left if they were killed (temporaries beside dest and in /tmp). */
export function uploadLeftovers(steps: readonly Step[], runId: string): Step[] {
  return steps
    .filter((s): s is Extract<Step, { kind: 'put' }> => s.kind === 'put' && s.on !== 'controller')
    .map((s) => ({ kind: 'exec', command: tempFilesCleanup(s.dest, runId), description: `remove what an interrupted upload of ${s.dest} left` }));
}

/** Runs steps in order; returns each exec step's result (puts yield rc 0). Throws ModuleError on the first failure. */
export async function applySteps(steps: readonly Step[], targets: StepTargets): Promise<ExecResult[]> {
  const outputs: ExecResult[] = [];
  for (const step of steps) {
    const onController = step.on === 'controller';
    const conn = onController ? targets.controller : targets.host;
    const become = onController ? undefined : targets.become;
    const started = performance.now();
    if (step.kind === 'exec') {
      const options = {
        ...(become ? { become } : {}),
        ...(step.stdin !== undefined ? { stdin: step.stdin } : {}),
        ...(step.stdinFile !== undefined ? { stdinFile: step.stdinFile } : {}),
        ...(targets.env && !onController ? { env: targets.env } : {}),
        ...(targets.timeoutMs ? { timeoutMs: targets.timeoutMs } : {}),
      };
      let res: ExecResult;
      try {
        res = await conn.exec(step.command, options);
      } catch (error) {
        if (error instanceof CommandTimeout) {
          throw new ModuleError(
            `${step.description}: did not finish within the task's timeout of ${(targets.timeoutMs ?? 0) / 1000} s and was killed on ${conn.host}`,
            { timeout: (targets.timeoutMs ?? 0) / 1000 },
          );
        }
        // A lost host stays a ConnectionError (unreachable); a stream that could not be read is this step's failure.
        if (step.stdinFile === undefined || error instanceof ModuleError || (error as { kind?: string }).kind) throw error;
        throw new ModuleError(`${step.description} on ${conn.host} failed: ${(error as Error).message}`, { stdin_file: step.stdinFile });
      }
      outputs.push(res);
      if (res.rc !== 0 && !step.allowFailure) {
        const detail = (res.stderr || res.stdout).trim().split('\n').slice(-5).join('\n');
        throw new ModuleError(`${step.description} failed (rc=${res.rc})${detail ? `: ${detail}` : ''}`, {
          rc: res.rc,
          stdout: res.stdout,
          stderr: res.stderr,
        });
      }
    } else if (step.kind === 'put') {
      try {
        await conn.put(step.dest, contentOf(step), {
          ...(step.mode !== undefined ? { mode: step.mode } : {}),
          ...(step.owner ? { owner: step.owner } : {}),
          ...(step.group ? { group: step.group } : {}),
          ...(become ? { become } : {}),
          ...(targets.runId ? { tempTag: targets.runId } : {}),
        });
      } catch (error) {
        if (error instanceof ModuleError || (error as { kind?: string }).kind) throw error;
        throw new ModuleError(`${step.description} failed: ${(error as Error).message}`);
      }
      outputs.push({ rc: 0, stdout: '', stderr: '', durationMs: performance.now() - started });
    } else if (step.kind === 'fetch') {
      const bytes = await targets.host.get(step.src, targets.become ? { become: targets.become } : {});
      if (bytes === null) throw new ModuleError(`${step.description} failed: ${step.src} does not exist on the host`);
      await targets.controller.exec(sh`mkdir -p ${path.dirname(step.dest)}`);
      await targets.controller.put(step.dest, bytes, { mode: step.mode ?? 0o600 });
      outputs.push({ rc: 0, stdout: '', stderr: '', durationMs: performance.now() - started });
    }
  }
  return outputs;
}

/**
 * Runs a plan's steps (or an undo's) on a host. Only the engine writes to
 * hosts, and only through here.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { sh } from '../shell/quote.js';
import { CommandTimeout, ModuleError } from '../errors.js';
import type { Become, Connection, ExecResult } from '../connection/types.js';
import type { Step } from '../modules/types.js';
import { withProgressTicks, type ProgressSink } from './progress.js';
import { tempFilesCleanup } from '../connection/temp-names.js';

export interface StepTargets {
  host: Connection;
  controller: Connection;
  become?: Become | undefined;
  env?: Record<string, string> | undefined;
  /** where a large upload tells how long it has been going */
  progress?: ProgressSink | undefined;
  /** tags the names of upload temporaries, so a killed upload's leftovers can be removed */
  runId?: string | undefined;
  /** the task's `timeout:`: each command is killed on the host when it runs longer */
  timeoutMs?: number | undefined;
  /** told after each step that finished, so the journal can say how far a failed change got */
  onStepDone?: (() => void) | undefined;
}

/** Uploads from this size on show progress: smaller ones take well under a second. */
const LARGE_UPLOAD_BYTES = 1 << 20;

/** A large upload to a host, as a progress update; undefined for a small one. */
function largeUpload(step: Step, conn: Connection): { text: string; total: number; unit: 'bytes' } | undefined {
  let size: number;
  let name: string;
  if (step.kind === 'put' && !('localPath' in step.content)) {
    const c = step.content;
    size = 'text' in c ? c.text.length : Math.floor((c.base64.length * 3) / 4);
    name = path.posix.basename(step.dest);
  } else {
    const local = step.kind === 'put' && 'localPath' in step.content ? step.content.localPath : step.kind === 'exec' ? step.stdinFile : undefined;
    if (local === undefined) return undefined;
    try {
      size = statSync(local).size;
    } catch {
      return undefined;
    }
    name = path.basename(local);
  }
  if (size < LARGE_UPLOAD_BYTES) return undefined;
  return { text: `uploading ${name} to ${conn.host}`, total: size, unit: 'bytes' };
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
    const upload = targets.progress ? largeUpload(step, conn) : undefined;
    if (upload) outputs.push(await withProgressTicks(targets.progress, upload, () => runStep(step, targets, conn, become)));
    else outputs.push(await runStep(step, targets, conn, become));
    targets.onStepDone?.();
  }
  return outputs;
}

/** One step; an exec's result, or rc 0 for a put or fetch. */
async function runStep(step: Step, targets: StepTargets, conn: Connection, become: Become | undefined): Promise<ExecResult> {
  const onController = step.on === 'controller';
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
    if (res.rc !== 0 && !step.allowFailure) {
      const detail = (res.stderr || res.stdout).trim().split('\n').slice(-5).join('\n');
      throw new ModuleError(`${step.description} failed (rc=${res.rc})${detail ? `: ${detail}` : ''}`, {
        rc: res.rc,
        stdout: res.stdout,
        stderr: res.stderr,
      });
    }
    return res;
  }
  if (step.kind === 'put') {
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
    return { rc: 0, stdout: '', stderr: '', durationMs: performance.now() - started };
  }
  const bytes = await targets.host.get(step.src, targets.become ? { become: targets.become } : {});
  if (bytes === null) throw new ModuleError(`${step.description} failed: ${step.src} does not exist on the host`);
  await targets.controller.exec(sh`mkdir -p ${path.dirname(step.dest)}`);
  await targets.controller.put(step.dest, bytes, { mode: step.mode ?? 0o600 });
  return { rc: 0, stdout: '', stderr: '', durationMs: performance.now() - started };
}

/**
 * Starting `ezplay` as a user does, for the end-to-end tests: the build when
 * it is newer than every source file (`npm test` builds first; it starts in
 * a third of the time), else the sources through tsx.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = path.join(ROOT, 'src', 'cli', 'main.ts');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');
const BUILT = path.join(ROOT, 'dist', 'cli', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** node's arguments before ezplay's own. */
export const CLI: string[] =
  existsSync(BUILT) && statSync(BUILT).mtimeMs >= newestMtime(path.join(ROOT, 'src')) ? [BUILT] : ['--import', TSX, MAIN];

export interface Spawned {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `ezplay ARGS` in `cwd`; stdout is a pipe, so output is plain. `unset`
 * names variables to leave out; `input` is typed in on stdin (a password
 * asked for with -K), never passed in argv.
 */
export function ezplay(cwd: string, args: string[], options: { timeoutMs?: number; unset?: string[]; input?: string; env?: Record<string, string> } = {}): Promise<Spawned> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...options.env };
    for (const name of options.unset ?? []) delete env[name];
    const child = execFile(
      process.execPath,
      [...CLI, ...args],
      { cwd, env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/**
 * External tools the PKI tests cross-check against (Debian: `apt-get install
 * openssl golang-cfssl`, which .ci/run does). They are required: a missing
 * tool fails those tests rather than skipping them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';


/** Writes files to a fresh temporary folder, runs `fn` with their paths, then removes the folder. */
export function withFiles<T>(files: Record<string, string>, fn: (paths: Record<string, string>) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'ezplay-pki-'));
  try {
    const paths: Record<string, string> = {};
    for (const [name, text] of Object.entries(files)) {
      paths[name] = join(dir, name);
      writeFileSync(paths[name], text);
    }
    return fn(paths);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a tool, returning its exit status and combined output (no throw on failure). */
export function run(tool: string, args: string[]): { status: number; output: string } {
  const res = spawnSync(tool, args, { encoding: 'utf8' });
  return { status: res.status ?? -1, output: `${res.stdout}${res.stderr}` };
}

export function runOk(tool: string, args: string[]): string {
  return execFileSync(tool, args, { encoding: 'utf8' });
}

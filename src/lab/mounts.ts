/** The controller's mount table, to find the lab's overlay mounts (including stale ones). */
import { readFile } from 'node:fs/promises';
import { lab } from './paths.js';
import { run } from './run.js';

/** mountinfo escapes space, tab, newline and backslash as octal */
const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export async function mountPoints(): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => unescape(line.split(' ')[4] ?? ''));
}

export async function isMounted(dir: string): Promise<boolean> {
  return (await mountPoints()).includes(dir);
}

/** Mounts under the lab's machines directory, deepest first so they unmount in order. */
export async function labMounts(): Promise<string[]> {
  const machinesDir = lab().machinesDir;
  return (await mountPoints()).filter((m) => m.startsWith(`${machinesDir}/`)).sort((a, b) => b.length - a.length);
}

export async function unmount(dir: string): Promise<void> {
  const result = await run(['umount', dir], { allowFail: true });
  // a dead machine's last processes may still hold it for a moment: detach it
  if (result.code !== 0 && (await isMounted(dir))) await run(['umount', '--lazy', dir]);
}

/**
 * What a run left on its hosts, path by path: the fingerprint each change
 * recorded once its steps ran, and the one each undo recorded once it had
 * taken a change back. Undo compares the host with the last of these before
 * it touches a path, so it never destroys what came after the run.
 */
import type { Fingerprint } from '../facts/fingerprint.js';

/** Fingerprints of paths on one host, by path. */
export type PathStates = Record<string, Fingerprint>;

export class LeftStates {
  /** target\0path -> the last state this run left there; null: unknown (the run stopped while changing it) */
  private readonly last = new Map<string, Fingerprint | null>();

  /** A change was journaled: until its outcome is recorded, what it leaves is unknown. */
  changing(target: string, paths: readonly string[] | undefined): void {
    for (const p of paths ?? []) this.last.set(key(target, p), null);
  }

  /** Steps or an undo ran and left these states. */
  left(target: string, states: PathStates | undefined): void {
    for (const [p, state] of Object.entries(states ?? {})) this.last.set(key(target, p), state);
  }

  /** The last state this run left at a path: undefined when it never touched it, null when unknown. */
  at(target: string, path: string): Fingerprint | null | undefined {
    return this.last.get(key(target, path));
  }
}

function key(target: string, path: string): string {
  return `${target}\0${path}`;
}

import type { PlannedState } from './planned.js';

/**
 * The facts layer: every read of a host is a fact, a read-only shell command
 * plus a pure parser of what it printed. Parsers are tested from captured
 * output as data; modules ask for facts and turn them into plans.
 */

/** What one run of a fact's command printed. */
export interface FactOutput {
  stdout: string;
  stderr: string;
  rc: number;
}

export interface Fact<A = void, T = unknown> {
  /** unique, for batching and caching: 'file', 'systemd_unit', 'etcd_members' */
  readonly name: string;
  /** the read-only shell command, built with src/shell/quote.ts */
  command(args: A): string;
  /** pure: from the command's output to the value */
  parse(out: FactOutput, args: A): T;
  /**
   * Check mode: the value as it would be once the steps planned so far had
   * run (a folder an earlier task makes, a unit file an earlier template
   * writes). Pure, like `parse`; facts without it answer as the host is.
   */
  planned?(value: T, state: PlannedState, args: A): T;
}

/** A fact's command could not read what it reads (not a "missing" answer): the task fails with this message. */
export class FactError extends Error {
  constructor(
    message: string,
    readonly rc?: number,
  ) {
    super(message);
  }
}

/** Helper so each fact file gets its argument and value types checked. */
export function defineFact<A, T>(fact: Fact<A, T>): Fact<A, T> {
  return fact;
}

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
}

/** Helper so each fact file gets its argument and value types checked. */
export function defineFact<A, T>(fact: Fact<A, T>): Fact<A, T> {
  return fact;
}
